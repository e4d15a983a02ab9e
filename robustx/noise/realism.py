"""How believable the noise is, measured on the words it changed.

A robustness number means something only if the noisy text is what people type. This module
compares clean and noisy text word by word and reports, per language and profile:

* **malformed**: the share of changed words that break a rule of their script
  (:func:`.wellformed.breaks`, what the engine itself enforces), and, re-checked independently of
  those rules on the output's clusters (a base with its marks, :func:`.units.clusters`), the
  share whose output holds more broken clusters than its input (:func:`cluster_faults`: a mark
  on no letter, the same mark twice, two vowel signs, tone marks or harakat on one letter);
* **function words**: the share of code-switched words that are function words, judged with
  :mod:`.codeswitch`'s own lists (an English function word as the output or as any sense the
  lexicon gives, or a pronoun the lexicon translates by another sense);
* **outside repertoire**: the share of changed characters (inserted or substituted) outside the
  language's scripts (:data:`LANG_SCRIPTS`) plus ASCII digits and punctuation. Transliteration
  writes Latin on purpose and homoglyphs borrow other scripts on purpose: their shares are high
  by design, a typo profile's should be 0;
* **edit types**: substitution / insertion / deletion / transposition shares of the optimal
  string alignment (restricted Damerau) of each changed word, and the share of substitutions
  that hit a neighbouring key on the language's layout (:func:`.typo.neighbours`), beside the
  same figures of a real noisy corpus (clean and noisy sentence pairs) when one is given.

``benchmarks/realism.py`` is the command line; ``scripts/noise_examples.py`` writes the table
into ``docs/realism.md``.

Length: about 450 lines in one module on purpose: every measure adds to one :class:`Tally` per
language and profile, and the report reads only that record; split, the measures would be
scattered from the one table they fill.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import InputError, ResourceError, UsageError
from ..tasks.sources import load_splits
from . import codeswitch, lexicons, typo
from .base import load_all_ops
from .engine import corrupt_example
from .pipeline import coverage, make_plan
from .profiles import Profile
from .units import NO_WORD_SPACES, clusters, split_core
from .wellformed import INDIC, breaks, foreign

EDIT_KINDS = ("substitution", "insertion", "deletion", "transposition")
MAX_EDITS = 3  # a word pair further apart than this is a rewrite, not a typo: no edit types

_LATIN, _CYRL = ("LATIN",), ("CYRILLIC",)
# The Unicode scripts (first word of a character's name) each language writes.
LANG_SCRIPTS: dict[str, tuple[str, ...]] = {
    **{lang: _LATIN for lang in ("af", "az", "de", "en", "es", "et", "eu", "fi", "fr", "hu",
                                 "id", "it", "jv", "ms", "nl", "pt", "sw", "tl", "tr", "vi",
                                 "yo")},
    **{lang: _CYRL for lang in ("bg", "kk", "ru", "uk")},
    "el": ("GREEK",), "ar": ("ARABIC", "ARABIC-INDIC"), "fa": ("ARABIC", "EXTENDED"),
    "ur": ("ARABIC", "EXTENDED"), "he": ("HEBREW",), "hi": ("DEVANAGARI",),
    "mr": ("DEVANAGARI",), "bn": ("BENGALI",), "ta": ("TAMIL",), "te": ("TELUGU",),
    "ml": ("MALAYALAM",), "th": ("THAI",), "ka": ("GEORGIAN",), "ko": ("HANGUL",),
    "ja": ("CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "IDEOGRAPHIC"),
    "zh": ("CJK", "IDEOGRAPHIC"), "my": ("MYANMAR",),
}
_ACCENTED = frozenset({"LATIN", "GREEK", "CYRILLIC"})  # combining accents (NFD) belong to them
_JOINING = frozenset({"ARABIC", *INDIC})  # ZWNJ/ZWJ are part of their spelling


@cache
def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ", 1)[0]


def outside(ch: str, lang: str) -> bool | None:
    """Whether ``ch`` is outside ``lang``'s repertoire (None for a language not in the table)."""
    scripts = LANG_SCRIPTS.get(lang)
    if scripts is None:
        return None
    if ch in foreign(lang):
        return True
    if ch.isascii() and not ch.isalpha():
        return False
    name = _script(ch)
    if name in scripts:
        return False
    if name == "COMBINING":
        return not _ACCENTED & set(scripts)
    if ch in "\u200c\u200d":
        return not _JOINING & set(scripts)
    return True


# ---------------------------------------------------------------------------------------------
# Clusters, re-checked independently of wellformed.py


def _mark_kind(ch: str) -> str | None:
    """The kind of a combining mark that one letter carries at most once, or None."""
    cp, name = ord(ch), unicodedata.name(ch, "")
    if "VOWEL SIGN" in name:
        return "vowel"
    if 0x0E48 <= cp <= 0x0E4B or 0x0EC8 <= cp <= 0x0ECB:
        return "tone"
    if cp in (0x0E31, 0x0E47, 0x0EB1, 0x0EBB) or 0x0E34 <= cp <= 0x0E3A or 0x0EB4 <= cp <= 0x0EB9:
        return "vowel"  # Thai and Lao vowels above or below the consonant
    if cp == 0x0651:
        return "shadda"
    if 0x064B <= cp <= 0x0650 or cp == 0x0652:
        return "haraka"
    if name.endswith("SIGN VIRAMA"):
        return "virama"
    return None


def cluster_faults(text: str) -> int:
    """Broken clusters in ``text``: marks on something that is not a letter (a space, a digit,
    the start of the text), the same mark twice in a row, or two marks of one kind (vowel signs,
    tone marks, shadda, harakat, viramas) on one base letter."""
    faults = 0
    for cl in clusters(text):
        marks = any(unicodedata.category(c)[0] == "M" for c in cl)
        if marks and unicodedata.category(cl[0])[0] != "L":
            faults += 1
            continue
        seen: set[str] = set()
        prev = ""
        for ch in cl[1:]:
            if unicodedata.category(ch)[0] != "M":  # a joiner or a conjunct's next letter
                seen.clear()
                prev = ch
                continue
            kind = _mark_kind(ch)
            if ch == prev or (kind is not None and kind in seen):
                faults += 1
                break
            if kind is not None:
                seen.add(kind)
            prev = ch
    return faults


# ---------------------------------------------------------------------------------------------
# Edit types


def osa_ops(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, str, str]]:
    """An optimal string alignment (Levenshtein plus adjacent transposition, no substring edited
    twice) of ``a`` into ``b`` as (kind, from, to) edits; kinds are :data:`EDIT_KINDS`."""
    n, m = len(a), len(b)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and cost:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    ops: list[tuple[str, str, str]] = []
    i, j = n, m
    while i or j:
        if i and j and a[i - 1] == b[j - 1] and d[i][j] == d[i - 1][j - 1]:
            i, j = i - 1, j - 1
        elif i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and \
                a[i - 1] != b[j - 1] and d[i][j] == d[i - 2][j - 2] + 1:
            ops.append(("transposition", a[i - 2] + a[i - 1], b[j - 2] + b[j - 1]))
            i, j = i - 2, j - 2
        elif i and j and d[i][j] == d[i - 1][j - 1] + 1:
            ops.append(("substitution", a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i and d[i][j] == d[i - 1][j] + 1:
            ops.append(("deletion", a[i - 1], ""))
            i -= 1
        else:
            ops.append(("insertion", "", b[j - 1]))
            j -= 1
    return ops[::-1]


def keys_of(word: str) -> list[str]:
    """What a typist presses: Hangul syllables as their jamo keys, other text as characters."""
    if any(typo.is_hangul_syllable(c) for c in word):
        return typo.keystrokes(word)
    return list(word)


def _neighbour(lang: str, a: str, b: str) -> bool | None:
    """Whether ``b`` is on a key next to ``a``; None where the language has no keyboard layout
    (none known, or typed through an input method)."""
    try:
        if typo.layout_for(lang) is None:
            return None
    except ResourceError:
        return None
    return b in typo.neighbours(lang, a)


@dataclass
class Tally:
    """What was measured on the changed words of one language under one profile."""

    words: int = 0  # changed words
    malformed: int = 0
    faults: int = 0
    switched: int = 0
    function: int = 0
    chars: int = 0  # changed characters
    outside: int = 0
    edited: int = 0  # words with at most MAX_EDITS edits: their edits are typed below
    edits: Counter = field(default_factory=Counter)
    kbd: int = 0
    kbd_known: int = 0  # substitutions on keys of a known layout

    def add_edits(self, old: str, new: str, lang: str) -> None:
        ops = osa_ops(keys_of(old), keys_of(new))
        if not ops or len(ops) > MAX_EDITS:
            return
        self.edited += 1
        for kind, a, b in ops:
            self.edits[kind] += 1
            if kind == EDIT_KINDS[0]:
                near = _neighbour(lang, a, b)
                if near is not None:
                    self.kbd_known += 1
                    self.kbd += near

    def row(self) -> dict[str, Any]:
        def share(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        total = sum(self.edits.values())
        return {
            "changed_words": self.words,
            "malformed": share(self.malformed, self.words),
            "cluster_faults": share(self.faults, self.words),
            "switched_words": self.switched,
            "function_share": share(self.function, self.switched),
            "changed_chars": self.chars,
            "outside_repertoire": share(self.outside, self.chars),
            "edited_words": self.edited,
            **{kind: share(self.edits[kind], total) for kind in EDIT_KINDS},
            "kbd_neighbour": share(self.kbd, self.kbd_known),
        }


def changed_chars(old: str, new: str) -> str:
    """The characters of ``new`` that replace or add to ``old`` (a character diff)."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return "".join(new[j1:j2] for tag, _, _, j1, j2 in sm.get_opcodes() if tag != "equal")


def _chunks(old: str, new: str) -> list[tuple[str, str]]:
    """The changed stretches of a token of a language written without spaces, in whole clusters
    (a letter with its marks), so that a changed tone mark is judged on its letter."""
    a, b = clusters(old), clusters(new)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [("".join(a[i1:i2]), "".join(b[j1:j2])) for tag, i1, i2, j1, j2 in sm.get_opcodes()
            if tag != "equal"]


def word_pairs(old: str | Sequence[str], new: str | Sequence[str], lang: str
               ) -> Iterator[tuple[str, str]]:
    """The (clean, noisy) words that differ: tokens one for one (a list, or whitespace-split
    text), punctuation around them dropped; in languages written without spaces, the changed
    stretches inside each token."""
    a = old.split() if isinstance(old, str) else [str(t) for t in old]
    b = new.split() if isinstance(new, str) else [str(t) for t in new]
    pairs = [(x, y) for x, y in zip(a, b) if x != y] if len(a) == len(b) else _aligned(a, b)
    for x, y in pairs:
        x, y = split_core(x)[1] or x, split_core(y)[1] or y
        if x == y:
            continue
        if lang in NO_WORD_SPACES:
            yield from ((p, q) for p, q in _chunks(x, y) if p and q)
        else:
            yield x, y


def _aligned(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """Changed tokens paired one for one where a token diff replaces as many as it removes."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(a[i], b[j1 + i - i1]) for tag, i1, i2, j1, j2 in sm.get_opcodes()
            if tag == "replace" and i2 - i1 == j2 - j1 for i in range(i1, i2)]


class Switches:
    """Recognises the words a profile's code-switching steps swapped, and their function words."""

    def __init__(self, profile: Profile) -> None:
        ops = load_all_ops()
        self.steps = [{**codeswitch.DEFAULTS, **s.kwargs} for s in profile.steps
                      if ops.get(s.op).fn is codeswitch.codeswitch]

    def judge(self, old: str, new: str, lang: str) -> tuple[bool, bool]:
        """(switched, function word) for a changed word."""
        for p in self.steps:
            try:
                lex = lexicons.load(str(p["lexicon"]), str(p["format"]), lang, str(p["target"]))
            except ResourceError:
                continue
            cands = codeswitch.candidates(old, lang, lex, str(p["target"]), "join")
            if new.casefold() not in {c.casefold() for c in cands}:
                continue
            senses = lex.get(lexicons.normalise(old, lang))
            # the English list judges English words only: into another target, pronouns alone
            fw = codeswitch.FUNCTION_WORDS_EN if p["target"] == "en" else frozenset()
            function = new.lower() in fw or any(t.lower() in fw for t in senses) or \
                lexicons.normalise(old, lang) in codeswitch.SOURCE_PRONOUNS.get(lang, ())
            return True, function
        return False, False


def measure_pair(tally: Tally, old: str, new: str, lang: str, switches: Switches | None) -> None:
    """Add one changed word to ``tally``."""
    tally.words += 1
    tally.malformed += breaks(old, new, lang)
    tally.faults += cluster_faults(new) > cluster_faults(old)
    if switches is not None:
        sw, fn = switches.judge(old, new, lang)
        tally.switched += sw
        tally.function += fn
    added = changed_chars(old, new)
    flags = [outside(c, lang) for c in added if not c.isspace()]
    if flags and flags[0] is not None:
        tally.chars += len(flags)
        tally.outside += sum(map(bool, flags))
    tally.add_edits(old, new, lang)


def noisy_sides(profile: Profile, seed: int, data: str | Path | None = None,
                langs: Sequence[str] | None = None) -> Iterator[tuple[str, Any, Any]]:
    """(language, clean value, noisy value) of every side ``profile`` rewrites, example by
    example, through the engine (the built-in sample when ``data`` is None); nothing where the
    profile serves none of the data's languages."""
    splits = load_splits(None, langs, data, sample=data is None)
    try:
        disabled, passthrough = coverage(profile, sorted({s.lang for s in splits}), None)
    except UsageError:
        return
    for split in splits:
        plan = make_plan(split, profile, seed, disabled, frozenset(passthrough))
        for row in split.dataset:
            new, lang, _, valid = corrupt_example(row, plan)
            if not valid or lang in passthrough:
                continue
            for _, col, side_lang in plan.sides:
                if row.get(col) is not None:
                    yield side_lang or lang, row[col], new[col]


def tally(sides: Iterable[tuple[str, Any, Any]], profile: Profile) -> dict[str, Tally]:
    """The changed words of :func:`noisy_sides`, tallied per language."""
    switches = Switches(profile)
    out: dict[str, Tally] = {}
    for lang, old, new in sides:
        t = out.setdefault(lang, Tally())
        for a, b in word_pairs(old, new, lang):
            measure_pair(t, a, b, lang, switches)
    return out


def measure_profile(profile: Profile, seed: int, data: str | Path | None = None,
                    langs: Sequence[str] | None = None) -> dict[str, Tally]:
    """Corrupt the data with ``profile`` and tally the changed words per language."""
    return tally(noisy_sides(profile, seed, data, langs), profile)


def read_real_pairs(path: Path) -> list[tuple[str, str]]:
    """``clean<TAB>noisy`` sentence pairs of a real noisy corpus (``#`` comments skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read real pairs {path}: {exc}") from None
    pairs = []
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 2:
            raise InputError(f"{path}:{no}: want 'clean<TAB>noisy', got {len(cols)} column(s)")
        pairs.append((cols[0], cols[1]))
    if not pairs:
        raise InputError(f"{path}: no sentence pairs")
    return pairs


def measure_real(pairs: Iterable[tuple[str, str]], lang: str) -> Tally:
    """The same tally over a real corpus's changed words."""
    tally = Tally()
    for clean, noisy in pairs:
        for a, b in word_pairs(clean, noisy, lang):
            measure_pair(tally, a, b, lang, None)
    return tally


def report(profiles: Sequence[Profile], seed: int, data: str | Path | None = None,
           langs: Sequence[str] | None = None,
           real: dict[str, tuple[str, Sequence[tuple[str, str]]]] | None = None,
           ) -> list[dict[str, Any]]:
    """One row per language and profile (profiles already at their severity), sorted by
    language; a real corpus's row (``real``: its name -> (language, pairs)) beside them."""
    return rows_of([(p, measure_profile(p, seed, data, langs)) for p in profiles], real)


def rows_of(tallies: Sequence[tuple[Profile, dict[str, Tally]]],
            real: dict[str, tuple[str, Sequence[tuple[str, str]]]] | None = None,
            ) -> list[dict[str, Any]]:
    """:func:`report`'s rows from tallies already made."""
    rows = [{"lang": lang, "profile": p.name, "severity": p.severity, **t.row()}
            for p, per_lang in tallies for lang, t in per_lang.items()]
    for name, (lang, pairs) in (real or {}).items():
        rows.append({"lang": lang, "profile": name, "severity": None,
                     **measure_real(pairs, lang).row()})
    order = {p.name: i for i, (p, _) in enumerate(tallies)}
    return sorted(rows, key=lambda r: (r["lang"], order.get(r["profile"], len(order)),
                                       r["profile"]))


# ---------------------------------------------------------------------------------------------
# Tables


COLUMNS = (
    ("changed_words", "changed words", "{}"),
    ("malformed", "malformed", "{:.1%}"),
    ("cluster_faults", "broken clusters", "{:.1%}"),
    ("function_share", "function words switched", "{:.0%}"),
    ("outside_repertoire", "chars outside repertoire", "{:.1%}"),
    *((k, k[:5] + ".", "{:.0%}") for k in EDIT_KINDS),
    ("kbd_neighbour", "kbd-neighbour subs", "{:.0%}"),
)


def cell(value: Any, fmt: str) -> str:
    return "–" if value is None else fmt.format(value)


def markdown(rows: Sequence[dict[str, Any]]) -> str:
    """A markdown table of rows with ``lang``, ``profile`` and :func:`Tally.row`'s keys."""
    head = ["lang", "profile", *(title for _, title, _ in COLUMNS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["lang"], r["profile"], *(cell(r.get(k), f) for k, _, f in COLUMNS)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
