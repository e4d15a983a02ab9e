"""Real misspellings from a user's lexicon, as real-error benchmarks apply them.

Keyboard models guess what a slip looks like; benchmarks of natural noise instead replace words
by misspellings that people actually wrote, mined from Wikipedia edit histories (the GitHub Typo
Corpus, Wikipedia's lists of common misspellings) or from learner corpora. ``real_typo`` applies
such a lexicon: a UTF-8 TSV file, one ``correct<TAB>misspelt<TAB>count`` a line (``count``
optional, default 1; ``#`` starts a comment line; an optional header line ``correct<TAB>misspelt``
...). A word with several misspellings gets one drawn with probability proportional to its
count, because a frequent error should be frequent in the noise too. Entries of several words on
either side are skipped: one unit stays one unit.

The file's bytes enter the run signature (``res:``), so a changed lexicon is a different run.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ResourceError
from . import lexicons
from .base import op
from .codeswitch import keep_case
from .units import NO_WORD_SPACES

DOC = "docs/profiles.md#real-misspellings-real_typo"
HEADER_WORDS = frozenset({"correct", "misspelt", "misspelled", "misspelling", "typo", "count"})


class Misspellings:
    """Normalised correct word -> (misspellings, cumulative counts)."""

    def __init__(self, entries: dict[str, dict[str, int]], skipped: int) -> None:
        self.skipped = skipped  # entries of several words
        self._table = {
            k: (tuple(v), tuple(itertools.accumulate(v.values()))) for k, v in entries.items()
        }

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, key: object) -> bool:
        return key in self._table

    def draw(self, key: str, rng: Any) -> str | None:
        """A misspelling of ``key`` drawn by count from ``rng``, or None when it has none."""
        found = self._table.get(key)
        if found is None:
            return None
        words, cum = found
        if len(words) == 1:
            return words[0]
        return words[bisect.bisect_right(cum, float(rng.random()) * cum[-1])]


def _is_header(cols: list[str]) -> bool:
    return cols[0].casefold() in HEADER_WORDS and cols[1].casefold() in HEADER_WORDS


def parse(lines: list[str], where: str, lang: str) -> Misspellings:
    """Parse the TSV lines of a misspelling lexicon; ResourceError names ``where`` and the line."""
    entries: dict[str, dict[str, int]] = {}
    skipped, first = 0, True
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.rstrip("\r\n").split("\t")]
        if first and len(cols) in (2, 3) and _is_header(cols):
            first = False
            continue
        first = False
        if len(cols) not in (2, 3) or not cols[0] or not cols[1]:
            raise ResourceError(f"{where}:{no}: malformed misspelling line {line!r} "
                                "(want 'correct<TAB>misspelt[<TAB>count]')")
        count = 1
        if len(cols) == 3:
            if not cols[2].isdigit() or int(cols[2]) < 1:
                raise ResourceError(f"{where}:{no}: count {cols[2]!r} is not a positive integer")
            count = int(cols[2])
        correct, wrong = cols[0], cols[1]
        if len(correct.split()) != 1 or len(wrong.split()) != 1:
            skipped += 1
            continue
        key = lexicons.normalise(correct, lang)
        if lexicons.normalise(wrong, lang) == key:
            continue  # a case variant is not a misspelling
        seen = entries.setdefault(key, {})
        seen[wrong] = seen.get(wrong, 0) + count
    if not entries:
        raise ResourceError(f"{where}: no one-word misspellings in the lexicon")
    return Misspellings(entries, skipped)


@cache
def _load(path: str, lang: str, digest: str) -> Misspellings:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read misspelling lexicon {path}: {exc}") from None
    return parse(text.splitlines(), path, lang)


def _file(path: str) -> Path:
    if not path:
        raise ResourceError(f"real_typo needs a lexicon file: params: {{path: FILE.tsv}} "
                            f"(see {DOC})")
    p = Path(path).expanduser()
    if not p.is_file():
        raise ResourceError(f"misspelling lexicon {p} not found")
    return p


def load(path: str, lang: str) -> Misspellings:
    """The lexicon at ``path`` (cached on its bytes' hash, so an edited file is reread)."""
    p = _file(path)
    return _load(str(p), lang, lexicons.digest(p))


def _serves(lang: str, languages: str) -> bool:
    wanted = [x.strip() for x in languages.split(",") if x.strip()]
    return not wanted or lang in wanted


def check(lang: str, params: Mapping[str, Any]) -> bool:
    """Load the lexicon once (a missing or malformed file fails the run before any data); False
    for a language the ``languages`` param leaves out."""
    path, languages = str(params.get("path", "")), str(params.get("languages", ""))
    load(path, lang)
    return _serves(lang, languages)


def fingerprint(params: Mapping[str, Any]) -> str:
    path = str(params.get("path", ""))
    return lexicons.digest(_file(path))[:12] if path else ""


def span(lang: str, params: Mapping[str, Any]) -> Callable[[str], bool] | None:
    """For spaceless languages: groups characters into the lexicon's words (the engine's runs)."""
    if lang not in NO_WORD_SPACES:
        return None
    try:
        table = load(str(params.get("path", "")), lang)
    except ResourceError:
        return None
    return lambda s: lexicons.normalise(s, lang) in table


@op("real_typo", "typo", check=check, fingerprint=fingerprint, span=span)
def real_typo(word: str, lang: str, rng: Any, *, path: str = "", languages: str = "") -> str | None:
    """A real misspelling of the word from a TSV lexicon (``correct<TAB>misspelt<TAB>count``),
    drawn by count; the word's UPPER or Title case is kept. None for words not in it.

    ``languages`` (comma separated, empty for all) names the languages the lexicon is for.
    """
    if not _serves(lang, languages):
        return None
    wrong = load(path, lang).draw(lexicons.normalise(word, lang), rng)
    return None if wrong is None else keep_case(word, wrong)
