"""Code-switching: replace a word with its equivalent in another language (English by default).

Real code-mixed text (Hinglish, Spanglish, Denglisch...) swaps single content words into the
matrix language, so the op works one word for one word: a translation of several words would
break token/tag alignment, hence ``multiword="skip"`` by default; ``"join"`` glues the words
together only where the target language is itself written without spaces (zh, ja, th...).
Lexicons come from :mod:`robustx.noise.lexicons` (built-in, MUSE, TSV or FreeDict).

Real code-mixing inserts content words and keeps the matrix language's grammar, so a word is
never switched into an English function word (*not*, *is*, *the*, *one*, *he*...: German
*nicht* -> *not*, Turkish *bir* -> *one*, *wird* -> *becomes*), nor when it is a pronoun a
lexicon can only translate by another sense (Vietnamese *em*, *anh*, *chị* are "I/you" in a
sentence, "younger sibling", "older brother" in a dictionary).

In languages written without spaces a lone character is usually a morpheme of a longer word that
the lexicon lacks (歌手 "singer" is not 歌 "song" + 手 "hand"), so by default only runs of
``min_chars`` characters or more are switched there; set ``min_chars: 1`` for data whose tokens
are already whole words (UD-POS Chinese).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ResourceError, Unavailable, UsageError
from . import lexicons
from .base import op
from .units import NO_WORD_SPACES

MULTIWORD = ("skip", "join")
DEFAULTS: dict[str, Any] = {
    "target": "en",
    "lexicon": "builtin",
    "format": "auto",
    "multiword": "skip",
    "min_chars": 2,
}
ARABIC_ARTICLE = "ال"

# English function words (articles, pronouns, auxiliaries, copulas, modals, prepositions,
# conjunctions, negation, numerals one/two, common adverbs of degree): never switched into.
FUNCTION_WORDS_EN = frozenset("""
a an the this that these those some any no not never none nothing nobody all both each every
either neither one two i me my mine myself you your yours yourself he him his himself she her
hers herself it its itself we us our ours ourselves they them their theirs themselves who whom
whose which what where when why how there here be am is are was were been being become becomes
became becoming will would shall should can could may might must do does did done
have has had having of in on at to from by with without for about into onto over under after
before between through during against among upon and or but nor so yet if than then as because
while although though unless until since also too very just only even still already again more
most less least much many few such own same other another yes ok
""".split())
# Pronouns and address words that bilingual lexicons translate by another sense.
SOURCE_PRONOUNS = {
    "vi": frozenset("em anh chị tôi ta mình bạn ông bà cô chú bác cậu mợ dì con cháu nó họ "
                    "chúng".split()),
}


def _params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **params}


def _lexicon(lang: str, p: Mapping[str, Any]) -> lexicons.Lexicon:
    return lexicons.load(str(p["lexicon"]), str(p["format"]), lang, str(p["target"]))


def check(lang: str, params: Mapping[str, Any]) -> None:
    """Validate params and load the lexicon once, so a missing one fails before any data."""
    p = _params(params)
    if p["multiword"] not in MULTIWORD:
        raise UsageError(
            f"codeswitch: multiword must be one of {MULTIWORD}, not {p['multiword']!r}"
        )
    if isinstance(p["min_chars"], bool) or not isinstance(p["min_chars"], int) or \
            p["min_chars"] < 1:
        raise UsageError(f"codeswitch: min_chars must be an integer >= 1, not {p['min_chars']!r}")
    if p["target"] == lang:
        raise Unavailable(f"codeswitch: target {lang!r} is the text's own language",
                          f"already in the target language ({lang})", lexicons.DOC)
    _lexicon(lang, p)


def fingerprint(params: Mapping[str, Any]) -> str:
    return lexicons.fingerprint(str(_params(params)["lexicon"]))


def span(lang: str, params: Mapping[str, Any]) -> Callable[[str], bool] | None:
    """For spaceless languages: lets the engine group characters into lexicon words ("电影").

    None where there is no lexicon: ``check`` has already failed the run, or switched an optional
    step off for this language (a mixed profile on Thai), and a switched-off step needs no groups.
    """
    if lang not in NO_WORD_SPACES:
        return None
    try:
        lex = _lexicon(lang, _params(params))
    except ResourceError:
        return None
    return lambda s: lexicons.normalise(s, lang) in lex


def keep_case(source: str, word: str) -> str:
    """Apply the source's UPPER or Title case to the replacement; otherwise keep the lexicon's."""
    if len(source) > 1 and source.isupper():
        return word.upper()
    if source[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def candidates(
    word: str, lang: str, lex: lexicons.Lexicon, target: str, multiword: str
) -> list[str]:
    """The usable one-unit translations of ``word``, in lexicon order: none into an English
    function word, none for a pronoun translated by another sense (see the module docstring).

    Arabic: a word not found with its article "ال" is looked up without it; the replacement is
    the bare English noun, since "the X" would be two units.
    """
    key = lexicons.normalise(word, lang)
    found = lex.get(key)
    if not found and lang == "ar" and key.startswith(ARABIC_ARTICLE) and len(key) > 3:
        found = lex.get(key[len(ARABIC_ARTICLE) :])
    if key in SOURCE_PRONOUNS.get(lang, ()):
        return []
    out = []
    for t in found:
        parts = t.split()
        if target == "en" and t.lower() in FUNCTION_WORDS_EN:
            continue
        if len(parts) == 1:
            out.append(t)
        elif multiword == "join" and target in NO_WORD_SPACES:
            out.append("".join(parts))
    return list(dict.fromkeys(out))


@op("codeswitch", "codeswitch", check=check, fingerprint=fingerprint, span=span)
def codeswitch(
    word: str,
    lang: str,
    rng: Any,
    *,
    target: str = "en",
    lexicon: str = "builtin",
    format: str = "auto",
    multiword: str = "skip",
    min_chars: int = 2,
) -> str | None:
    """Swap a word for a translation into ``target`` from a bilingual lexicon (None if absent).

    Several translations: one is drawn with ``rng``. Case of the source is kept (Haus -> House).
    In spaceless languages words shorter than ``min_chars`` characters are left alone (None).
    """
    if lang in NO_WORD_SPACES and sum(unicodedata.category(c)[0] != "M" for c in word) < min_chars:
        return None
    p = {"target": target, "lexicon": lexicon, "format": format, "multiword": multiword}
    cands = candidates(word, lang, _lexicon(lang, p), target, multiword)
    if not cands:
        return None
    return keep_case(word, cands[int(rng.integers(len(cands)))])
