"""Split text into word units whose spans the engine may rewrite; everything between stays.

Whitespace-separated words are units. Languages written without spaces (zh, ja, th, my, km, lo)
get one unit per character (a base character with its combining marks) for characters of those
scripts, while Latin words and numbers inside them stay whole. ``cuts`` are offsets that must fall
on unit boundaries (QA answer starts and ends), so no unit ever straddles an answer edge.
Each unit is further split into leading punctuation, a core and trailing punctuation; ops only
ever see the core, so "Paris," keeps its comma.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from itertools import pairwise

# Languages written without spaces between words, defined once here. Ops and the engine use
# three views of it, which differ on purpose (outputs depend on each):
NO_WORD_SPACES = frozenset({"zh", "ja", "th", "my", "km", "lo", "bo"})
# ... whose text is segmented into one unit per character. Tibetan is not: its script is not
# among the ranges below (it marks syllables with a tsheg), so bo text is split at whitespace.
SPACELESS_LANGS = NO_WORD_SPACES - {"bo"}
# ... whose characters are letters of an alphabet or abugida (Thai, Myanmar, Khmer, Lao): a
# typo acts on a run of them, about a word's worth, where a Han character or kana is a
# word-sized unit on its own (and zh and ja are typed through input methods).
LETTER_SPACELESS_LANGS = SPACELESS_LANGS - {"zh", "ja"}

# Scripts whose characters are units on their own in spaceless languages: Thai, Lao, Myanmar,
# Khmer, kana, CJK ideographs, halfwidth katakana.
_SPACELESS_RANGES = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF),
                     (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F),
                     (0x20000, 0x2FFFF))
_SPACELESS_CLASS = "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _SPACELESS_RANGES) + "]"
_SPACELESS_CHAR = re.compile(_SPACELESS_CLASS)


def is_punct(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "PSZC" and ch not in "\u200b\u200c\u200d\u2060"


# Joiners, and Thai/Lao SARA AM, which grapheme rules attach to the preceding letter (น้ำ).
_ATTACH = "\u200c\u200d\u0e33\u0eb3"


def clusters(word: str) -> list[str]:
    """Base characters with their following combining marks (and ZWJ/ZWNJ joiners, and what
    follows a ZWJ), split by one C-level regex."""
    return _cluster().findall(word)


@cache
def _cluster() -> re.Pattern[str]:
    return re.compile(f"(?s).(?:{_attach_pattern()}|(?<=\u200d).)*")


@cache
def _attach_pattern(joiners: bool = True) -> str:
    """Regex for one character that joins the preceding one: a combining mark (category M; all
    of them live in planes 0, 1 and 14), Thai/Lao SARA AM and (with ``joiners``) ZWNJ/ZWJ.

    Marks of the BMP form one class, which the regex engine turns into a bitmap; the few
    supplementary ones sit behind a cheap look-ahead so ordinary characters never scan them.
    """
    bmp: list[str] = []
    supp: list[str] = []
    start, prev = -1, -1
    for cp in itertools.chain(range(0x20000), range(0xE0000, 0xE1000), [-1]):
        if cp >= 0 and unicodedata.category(chr(cp))[0] == "M":
            if start < 0:
                start = cp
            prev = cp
        elif start >= 0:
            (bmp if prev < 0x10000 else supp).append(f"\\U{start:08x}-\\U{prev:08x}")
            start = -1
    bmp += [f"\\U{ord(c):08x}" for c in _ATTACH if joiners or c not in "\u200c\u200d"]
    return f"[{''.join(bmp)}]|(?=[\\U00010000-\\U0010ffff])[{''.join(supp)}]"


def _tail() -> str:
    """A unit's marks and joiners, and anything after a ZWJ (never whitespace)."""
    return f"(?:{_attach_pattern()}|(?<=\u200d)\\S)*"


def _unit() -> str:
    """A unit of a spaceless language: one character of a spaceless script with its marks, or a
    run of other characters (a Latin word, a number) with theirs."""
    other = f"[^{_SPACELESS_CLASS[1:-1]}\\s]"
    return f"{_SPACELESS_CLASS}{_tail()}|(?:{other}{_tail()})+"


@cache
def _spaceless_split() -> re.Pattern[str]:
    """Splits text into :func:`pieces` of a spaceless language."""
    return re.compile(f"({_unit()})")


@cache
def letter_runs(max_chars: int) -> re.Pattern[str]:
    """Splits text like :func:`pieces` of a spaceless language without cuts, except that a run of
    touching letters and marks of a spaceless script, 2 to ``max_chars`` characters long and
    ending where a cluster ends, is one unit, the longest first.

    These are the runs the engine's greedy grouping builds for a predicate that accepts runs of
    at most ``max_chars`` letters and marks (typo's Thai letter runs; each unit is a character
    or more, so this bounds the units too), found by one C-level split instead of Python per
    character. A run that is a single cluster is that cluster's unit anyway.
    """
    first = _spaceless_chars(lambda c: unicodedata.category(c)[0] in "LM")  # a mark: token start
    letter = _spaceless_chars(lambda c: unicodedata.category(c)[0] == "L" and c not in _ATTACH)
    run = (f"{first}(?:{_attach_pattern(joiners=False)}|{letter}){{1,{max_chars - 1}}}"
           f"(?!{_attach_pattern()})")
    return re.compile(f"({run}|{_unit()})")


_TOKEN = re.compile(r"(\S+)")


def pieces(text: str, lang: str, cuts: Iterable[int] = ()) -> list[str]:
    """``[sep, unit, sep, unit, ..., unit, sep]``: units at odd indices, ``"".join`` is ``text``.

    Separators are whitespace, or ``""`` between units that touch (characters of a spaceless
    script, the two sides of a cut). The splitting itself is done by one C-level regex split.
    """
    parts = (_spaceless_split() if lang in SPACELESS_LANGS else _TOKEN).split(text)
    cut_list = sorted({c for c in cuts if 0 < c < len(text)})
    return _cut(parts, cut_list) if cut_list else parts


def _cut(parts: list[str], cuts: list[int]) -> list[str]:
    """Split the units that straddle a cut; the two sides touch (separator "")."""
    out, pos = [], 0
    for k, piece in enumerate(parts):
        end = pos + len(piece)
        inner = cuts[bisect.bisect_right(cuts, pos):bisect.bisect_left(cuts, end)]
        if k % 2 and inner:
            out.append(piece[:inner[0] - pos])
            for a, b in pairwise([*inner, end]):
                out += ("", piece[a - pos:b - pos])
        else:
            out.append(piece)
        pos = end
    return out


def segment(text: str, lang: str, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Unit spans ``(start, end)`` in order; no span crosses a cut or contains whitespace."""
    spans, pos = [], 0
    ps = pieces(text, lang, cuts)
    for k, piece in enumerate(ps):
        if k % 2:
            spans.append((pos, pos + len(piece)))
        pos += len(piece)
    return spans


def split_core(unit: str) -> tuple[str, str, str]:
    """``"(Paris),"`` -> ``("(", "Paris", "),")``; a unit of pure punctuation has an empty core."""
    if unit[:1].isalnum() and unit[-1:].isalnum():  # the common case, without unicodedata
        return "", unit, ""
    return _split_punct(unit)


@lru_cache(maxsize=4096)  # the frequent units; per-word entries must not grow with the split
def _split_punct(unit: str) -> tuple[str, str, str]:
    """:func:`split_core` of a unit with punctuation at an end (",", "Paris," recur)."""
    i, j = 0, len(unit)
    while i < j and is_punct(unit[i]):
        i += 1
    while j > i and is_punct(unit[j - 1]):
        j -= 1
    return unit[:i], unit[i:j], unit[j:]


def is_spaceless_unit(core: str, lang: str) -> bool:
    return lang in SPACELESS_LANGS and bool(_SPACELESS_CHAR.match(core))


@cache
def _spaceless_letter() -> re.Pattern[str]:
    """A character of a spaceless script that is not punctuation (so a unit it heads has a
    core that is the whole unit, when nothing after it is punctuation)."""
    return re.compile(f"(?!{_spaceless_chars(is_punct)}){_SPACELESS_CLASS}")


def _spaceless_chars(ok: Callable[[str], bool]) -> str:
    """A regex class of the characters of spaceless scripts for which ``ok`` holds."""
    spans = []
    for a, b in _SPACELESS_RANGES:
        start = None
        for cp in range(a, b + 2):
            hit = cp <= b and ok(chr(cp))
            if hit and start is None:
                start = cp
            elif not hit and start is not None:
                spans.append(f"\\U{start:08x}-\\U{cp - 1:08x}")
                start = None
    return f"[{''.join(spans)}]"


def bare_spaceless(units: Sequence[str]) -> list[bool]:
    """For each unit of :func:`pieces`: one character of a spaceless script (with its marks)
    and no punctuation, i.e. ``is_spaceless_unit(u) and split_core(u)[1] == u``, cheaply.

    A unit's tail is marks and joiners, never punctuation, except what follows a ZWJ.
    """
    out = [False] * len(units)
    for m in _spaceless_letter().finditer("".join(map(_HEAD, units))):
        u = units[m.start()]
        out[m.start()] = "\u200d" not in u or not is_punct(u[-1])
    return out


_NOT_ALNUM = re.compile(r"[\W_]")
_HEAD = operator.itemgetter(slice(0, 1))


def count_words(units: Sequence[str]) -> int:
    """How many units have a non-empty core. Units starting with a letter or digit do, and are
    counted at C speed; only the others go through :func:`split_core`."""
    heads = "".join(map(_HEAD, units))
    if len(heads) != len(units):  # an empty unit
        return sum(1 for u in units if split_core(u)[1])
    return len(units) - sum(1 for m in _NOT_ALNUM.finditer(heads)
                            if not split_core(units[m.start()])[1])


_SYMBOL_HEADED = re.compile(r"(?:^| )([\W_][^ ]*)")


def count_text_words(text: str, n: int) -> int:
    """:func:`count_words` of ``text.split()`` for a text of ``n`` units joined by single spaces,
    read off the text: only the units that start with a non-alphanumeric are looked at."""
    return n - sum(1 for u in _SYMBOL_HEADED.findall(text) if not split_core(u)[1])


def shared_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the longest common prefix and of the longest common suffix after it."""
    m = min(len(a), len(b))
    p = 0
    while p < m and a[p] == b[p]:
        p += 1
    q = 0
    while q < m - p and a[-1 - q] == b[-1 - q]:
        q += 1
    return p, q
