"""Unicode and visual noise: cross-script homoglyphs, zero-width characters, NFD, full-width.

These corrupt the *encoding* of a word while a human reader sees (almost) the same thing, which is
what spam filters, scraped web text and adversarial inputs do to models: the tokenizer sees rare
code points or different sub-words, the reader sees the same word.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import ResourceError, UsageError
from .base import op

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")  # ZWSP, ZWNJ, ZWJ, WORD JOINER


@lru_cache(maxsize=1)
def confusables() -> dict[str, str]:
    """char -> confusable characters of another script; loaded on first use, not at import."""
    try:
        res = resources.files(__package__).joinpath("resources/confusables.json")
        text = res.read_text("utf-8")
        return dict(json.loads(text)["map"])
    except (OSError, ValueError, KeyError) as exc:
        raise ResourceError(f"confusables table unreadable: {exc}") from exc


def _positions(word: str, ok: Any, n: int, rng: Any) -> list[int]:
    """Up to ``n`` distinct indices of ``word`` that satisfy ``ok``, drawn with ``rng``."""
    cands = [i for i in range(len(word)) if ok(i)]
    if not cands:
        return []
    k = min(max(int(n), 1), len(cands))
    return sorted(int(i) for i in rng.choice(cands, size=k, replace=False))


def _check_n(lang: str, params: Any) -> None:
    """``n`` is a count of characters: a positive integer (1.5 or -3 would be silently bent)."""
    n = params.get("n", 1)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UsageError(f"param 'n' must be a positive integer, got {n!r}")


@op("homoglyph", "unicode", check=_check_n)
def homoglyph(word: str, lang: str, rng: Any, *, n: int = 1) -> str | None:
    """Replace ``n`` characters by a look-alike of another script (Latin a -> Cyrillic а).

    The table is Unicode's confusables data restricted to letters and digits of different scripts
    (scripts/gen_confusables.py). None when no character of the word has a confusable.
    """
    table = confusables()
    chars = list(word)
    for i in _positions(word, lambda i: word[i] in table, n, rng):
        opts = table[word[i]]
        chars[i] = opts[int(rng.integers(len(opts)))]
    out = "".join(chars)
    return out if out != word else None


def _zw_slot(word: str, i: int) -> bool:
    """Insert before index i: strictly inside the word and never between a base and its mark."""
    return 0 < i < len(word) and not unicodedata.category(word[i]).startswith("M")


@op("zero_width", "unicode", check=_check_n)
def zero_width(word: str, lang: str, rng: Any, *, n: int = 1) -> str | None:
    """Insert ``n`` invisible characters (U+200B/200C/200D/2060) inside the word.

    None of them is whitespace for ``str.isspace``, so the word stays one unit; they are never put
    before a combining mark, which would detach it. None for one-character words.
    """
    slots = _positions(word, lambda i: _zw_slot(word, i), n, rng)
    if not slots:
        return None
    out = word
    for i in reversed(slots):
        out = out[:i] + ZERO_WIDTH[int(rng.integers(len(ZERO_WIDTH)))] + out[i:]
    return out


@op("nfd", "unicode")
def nfd(word: str, lang: str, rng: Any) -> str | None:
    """Canonically decompose (é -> e + U+0301): same look, other code points. None if unchanged."""
    out = unicodedata.normalize("NFD", word)
    return out if out != word else None


@op("fullwidth", "unicode")
def fullwidth(word: str, lang: str, rng: Any) -> str | None:
    """Map printable ASCII to full-width forms (A -> Ａ, 1 -> １), as CJK input methods type them."""
    out = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
    return out if out != word else None
