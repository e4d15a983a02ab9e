"""Split text into word units whose spans the engine may rewrite; everything between stays.

Whitespace-separated words are units. Languages written without spaces (zh, ja, th, my, km, lo)
get one unit per character (a base character with its combining marks) for characters of those
scripts, while Latin words and numbers inside them stay whole. ``cuts`` are offsets that must fall
on unit boundaries (QA answer starts and ends), so no unit ever straddles an answer edge.
Each unit is further split into leading punctuation, a core and trailing punctuation; ops only
ever see the core, so "Paris," keeps its comma.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import pairwise

SPACELESS_LANGS = frozenset({"zh", "ja", "th", "my", "km", "lo"})

# Scripts whose characters are units on their own in spaceless languages.
_SPACELESS_CHAR = re.compile(
    "[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002ffff]"
)
_WORD = re.compile(r"\S+")


def is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def is_punct(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "PSZC" and ch not in "\u200b\u200c\u200d\u2060"


# Joiners, and Thai/Lao SARA AM, which grapheme rules attach to the preceding letter (น้ำ).
_ATTACH = "\u200c\u200d\u0e33\u0eb3"


def clusters(word: str) -> list[str]:
    """Base characters with their following combining marks (and ZWJ/ZWNJ joiners)."""
    out: list[str] = []
    for ch in word:
        if out and (is_mark(ch) or ch in _ATTACH or out[-1][-1] in "\u200d"):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _split_spaceless(start: int, token: str) -> list[tuple[int, int]]:
    spans, run_start, pos = [], None, start
    for cl in clusters(token):
        if _SPACELESS_CHAR.match(cl):
            if run_start is not None:
                spans.append((run_start, pos))
                run_start = None
            spans.append((pos, pos + len(cl)))
        elif run_start is None:
            run_start = pos
        pos += len(cl)
    if run_start is not None:
        spans.append((run_start, pos))
    return spans


def segment(text: str, lang: str, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Unit spans ``(start, end)`` in order; no span crosses a cut or contains whitespace."""
    spaceless = lang in SPACELESS_LANGS
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        if spaceless:
            spans.extend(_split_spaceless(m.start(), m.group()))
        else:
            spans.append(m.span())
    cut_set = sorted({c for c in cuts if 0 < c < len(text)})
    if not cut_set:
        return spans
    out = []
    for s, e in spans:
        inner = [c for c in cut_set if s < c < e]
        points = [s, *inner, e]
        out.extend(pairwise(points))
    return out


def split_core(unit: str) -> tuple[str, str, str]:
    """``"(Paris),"`` -> ``("(", "Paris", "),")``; a unit of pure punctuation has an empty core."""
    if unit[:1].isalnum() and unit[-1:].isalnum():  # the common case, without unicodedata
        return "", unit, ""
    i, j = 0, len(unit)
    while i < j and is_punct(unit[i]):
        i += 1
    while j > i and is_punct(unit[j - 1]):
        j -= 1
    return unit[:i], unit[i:j], unit[j:]


def is_spaceless_unit(core: str, lang: str) -> bool:
    return lang in SPACELESS_LANGS and bool(_SPACELESS_CHAR.match(core))
