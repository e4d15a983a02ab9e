"""Ops that exist only for the engine's tests: simple, exactly predictable behaviour."""

from robustx.noise.base import OPS, op

if "t_upper" not in OPS:

    @op("t_upper", "test")
    def t_upper(word, lang, rng, *, suffix: str = ""):
        """Uppercase the word (None when it has no case)."""
        up = word.upper() + suffix
        return up if up != word else None

    @op("t_grow", "test")
    def t_grow(word, lang, rng, *, n: int = 2):
        """Append ``n`` random lowercase letters drawn from rng (length-changing)."""
        return word + "".join(chr(97 + int(i)) for i in rng.integers(0, 26, n))

    @op("t_bad", "test")
    def t_bad(word, lang, rng):
        """Return outputs the engine must reject: whitespace or empty."""
        return "a b" if len(word) % 2 else ""

    @op("t_merge", "test", span=lambda lang, params: (lambda s: s in {"电影", "中国"}))
    def t_merge(word, lang, rng):
        """Replace known multi-character runs (lexicon-like) by an ASCII word."""
        return {"电影": "movie", "中国": "China"}.get(word)
