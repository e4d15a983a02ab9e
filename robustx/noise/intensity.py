"""How much noise went in: words changed, character edits (CER) and chrF, per example and per
language, for the manifest's ``intensity``.

chrF is sacrebleu's, computed exactly but only on the n-grams that touch a changed word (see
:func:`chrf_stats`), and on a subset of the rows of large files (see :func:`stats_row`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..tasks import FAMILIES
from .engine import Plan, Stats
from .units import SPACELESS_LANGS, shared_ends

CHRF_ORDER, CHRF_BETA = 6, 2  # sacrebleu's chrF defaults (no word n-grams, whitespace dropped)
CHRF_ALL = 2000  # chrF is measured on the first 2,000 rows of each file
CHRF_STRIDE = 8  # and on every 8th row after them (words changed and CER cover every row)
_NO_CHRF = [0] * (3 * CHRF_ORDER)


# The measurement of one example is a flat list of integers, not a record: it travels as an
# Arrow list<int64> column out of ``datasets.map`` worker processes and is summed per language
# a batch at a time with ``zip(*rows)``, both far cheaper than per-example objects. Its layout
# is private to this module: :func:`stats_row` writes it, :meth:`LangStats.add` reads it.
#   [valid, words, changed, edits, chars, rejected, protected, changed at all (0/1),
#    unavailable per op..., chrF measured (0/1), chrF statistics (hyp, ref, match per order)...]
_HEAD = 8  # valid, words, changed, edits, chars, rejected, protected, changed at all


def stats_row(index: int, valid: bool, st: Stats, new: dict[str, Any], row: dict[str, Any],
              plan: Plan) -> list[int]:
    """The measurement of one example (row ``index`` of its file, ``new`` its noisy version).

    chrF enters for the first :data:`CHRF_ALL` rows and every :data:`CHRF_STRIDE`-th after them:
    exact n-gram matching costs more than the noise itself, and a corpus chrF over thousands of
    sentences does not need every one (words changed and CER cover every row).
    """
    chrf = index < CHRF_ALL or index % CHRF_STRIDE == 0
    return [int(valid), st.words, st.changed, st.edits, st.chars, st.rejected, st.protected,
            int(st.changed > 0), *st.unavailable,
            int(chrf), *(chrf_stats(intensity_text(new, plan), intensity_text(row, plan))
                         if chrf else _NO_CHRF)]


def summed(rows: Sequence[Sequence[int]]) -> list[int]:
    """The sum of some :func:`stats_row` measurements (what :meth:`LangStats.add_sum` takes):
    a worker process sends this back instead of one list per example."""
    return list(map(sum, zip(*rows, strict=True)))


@dataclass
class LangStats:
    """Running totals of one language's examples (summed :func:`stats_row` measurements)."""

    n_ops: int
    examples: int = 0
    valid: int = 0
    words: int = 0
    changed: int = 0
    edits: int = 0
    chars: int = 0
    rejected: int = 0
    protected: int = 0
    examples_changed: int = 0
    unavailable: list[int] = field(default_factory=list)  # per step of the profile
    chrf_sentences: int = 0
    chrf: list[int] = field(default_factory=list)  # summed chrF statistics, 3 per order

    def __post_init__(self) -> None:
        self.unavailable = self.unavailable or [0] * self.n_ops
        self.chrf = self.chrf or [0] * (3 * CHRF_ORDER)

    def add(self, rows: Sequence[Sequence[int]]) -> int:
        """Add the measurements of some examples; returns how many of them were invalid."""
        return self.add_sum(len(rows), summed(rows))

    def add_sum(self, examples: int, totals: Sequence[int]) -> int:
        """Add the :func:`summed` measurements of ``examples`` examples; returns how many of
        them were invalid."""
        n = self.n_ops
        self.examples += examples
        self.valid += totals[0]
        self.words += totals[1]
        self.changed += totals[2]
        self.edits += totals[3]
        self.chars += totals[4]
        self.rejected += totals[5]
        self.protected += totals[6]
        self.examples_changed += totals[7]
        self.unavailable = [a + b for a, b in zip(self.unavailable, totals[_HEAD:_HEAD + n],
                                                  strict=True)]
        self.chrf_sentences += totals[_HEAD + n]
        self.chrf = [a + b for a, b in zip(self.chrf, totals[_HEAD + n + 1:], strict=True)]
        return examples - totals[0]

    @property
    def invalid(self) -> int:
        return self.examples - self.valid

    def report(self, op_names: Sequence[str], lang: str = "") -> dict[str, Any]:
        """The manifest's entry; in scripts written without spaces (zh, ja, th...) the word
        counts count characters (``word_unit``), so compare languages by the share of examples
        changed and the CER."""
        words, changed, edits, chars = self.words, self.changed, self.edits, self.chars
        return {
            "examples": self.examples,
            "invalid_examples": self.invalid,
            "examples_changed": self.examples_changed,
            "share_examples_changed": round(self.examples_changed / self.examples, 4)
            if self.examples else 0.0,
            "word_unit": "character" if lang in SPACELESS_LANGS else "word",
            "words": words,
            "words_changed": changed,
            "share_words_changed": round(changed / words, 4) if words else 0.0,
            "char_edits": edits,
            "cer": round(edits / chars, 4) if chars else 0.0,
            "rejected_outputs": self.rejected,
            "protected_words": self.protected,
            "unavailable": {f"{i}:{n}": v for i, (n, v) in enumerate(zip(op_names,
                                                                         self.unavailable))},
            "chrf": round(chrf_score(self.chrf), 2),
            "chrf_sentences": self.chrf_sentences,
        }


def _diff_spans(hw: list[str], rw: list[str]) -> tuple[list[tuple[int, int]], ...]:
    """Character spans (in the whitespace-free strings) of the runs of words that differ.

    Same word count: words are paired by position (noise that keeps alignment). Otherwise only
    the common prefix and suffix words are paired and the middle is one differing run. Within a
    differing pair, the characters shared at either end count as shared too.
    """
    if len(hw) != len(rw):
        p = 0
        while p < min(len(hw), len(rw)) and hw[p] == rw[p]:
            p += 1
        q = 0
        while q < min(len(hw), len(rw)) - p and hw[-1 - q] == rw[-1 - q]:
            q += 1
        hw = [*hw[:p], "".join(hw[p:len(hw) - q]), *hw[len(hw) - q:]]
        rw = [*rw[:p], "".join(rw[p:len(rw) - q]), *rw[len(rw) - q:]]
    hs: list[tuple[int, int]] = []
    rs: list[tuple[int, int]] = []
    diff = [k for k, (a, b) in enumerate(zip(hw, rw)) if a != b]
    if not diff:
        return hs, rs
    h_at = [0, *itertools.accumulate(map(len, hw))]  # start offset of each word
    r_at = [0, *itertools.accumulate(map(len, rw))]
    for k in diff:  # trim the characters the two words share at either end
        a, b = hw[k], rw[k]
        p, q = shared_ends(a, b)
        hs.append((h_at[k] + p, h_at[k] + len(a) - q))
        rs.append((r_at[k] + p, r_at[k] + len(b) - q))
    return hs, rs


def _loose_ngrams(text: str, spans: list[tuple[int, int]]) -> tuple[dict[str, int], list[int]]:
    """The n-grams (all orders) of ``text`` not inside one run of shared words, with their
    count per order."""
    grams: dict[str, int] = {}
    per_order = [0] * (CHRF_ORDER + 1)
    size = len(text)
    for n in range(1, CHRF_ORDER + 1):
        last = -1
        for s, e in spans:
            start, stop = max(s - n + 1, 0, last + 1), min(e, size - n + 1)
            if stop <= start:
                continue
            for i in range(start, stop):
                g = text[i:i + n]
                grams[g] = grams.get(g, 0) + 1
            per_order[n] += stop - start
            last = stop - 1
    return grams, per_order


def chrf_stats(hyp: str, ref: str) -> list[int]:
    """sacrebleu's chrF segment statistics, [hyp, ref, match] per character order, fast.

    N-grams lying inside a run of words that is identical on both sides occur on both sides and
    match one to one, so only the n-grams touching a differing run are counted and matched
    (noise changes a few words of a sentence). Exact: tested against sacrebleu.
    """
    hw, rw = hyp.split(), ref.split()
    h, r = "".join(hw), "".join(rw)
    hs, rs = _diff_spans(hw, rw) if h != r else ([], [])
    hc, h_loose = _loose_ngrams(h, hs)
    rc, _ = _loose_ngrams(r, rs)
    matched = [0] * (CHRF_ORDER + 1)
    for g, c in hc.items():
        other = rc.get(g)
        if other:
            matched[len(g)] += min(c, other)
    out = []
    for n in range(1, CHRF_ORDER + 1):
        n_hyp, n_ref = max(len(h) - n + 1, 0), max(len(r) - n + 1, 0)
        out += [n_hyp if n_ref else 0, n_ref, n_hyp - h_loose[n] + matched[n]]
    return out


def chrf_score(stats: Sequence[int]) -> float:
    """sacrebleu's chrF (beta 2, effective-order averaging) from summed segment statistics."""
    factor = CHRF_BETA ** 2
    avg_prec = avg_rec = 0.0
    order = 0
    for i in range(CHRF_ORDER):
        n_hyp, n_ref, n_match = stats[3 * i:3 * i + 3]
        if n_hyp > 0 and n_ref > 0:
            avg_prec += n_match / n_hyp
            avg_rec += n_match / n_ref
            order += 1
    if order:
        avg_prec, avg_rec = avg_prec / order, avg_rec / order
    if not avg_prec + avg_rec:
        return 0.0
    score = (1 + factor) * avg_prec * avg_rec  # same operation order as sacrebleu
    score /= factor * avg_prec + avg_rec
    return 100 * score


def intensity_text(row: dict[str, Any], plan: Plan) -> str:
    """The corrupted text of an example, the segment its chrF is measured on."""
    if FAMILIES.get(plan.family).joined_tokens:
        return " ".join(map(str, row[plan.fields["tokens"]] or ()))
    return "\n".join(str(row[plan.fields[r]] or "") for r in plan.roles)
