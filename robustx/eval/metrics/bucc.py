"""BUCC F1 of margin-scored candidate pairs at the corpus's F1-optimal threshold.

The threshold is chosen on the whole corpus as XTREME's ``bucc_optimize`` does; the per-row
statistics at that threshold then sum to the corpus counts, so the paired bootstrap resamples
rows with the threshold held. Published BUCC F1 mines the full, mostly non-parallel corpora;
a split of gold pairs only (the hub's ``bucc18`` configs) scores an easier task, and its
scores say so (``corpus``: :data:`GOLD_ONLY` rather than :data:`FULL`).
"""

from __future__ import annotations

from collections.abc import Sequence

from . import METRICS, CorpusF1, prf

FULL, GOLD_ONLY = "full", "gold pairs only"
GOLD_ONLY_NOTE = "gold-pairs only, not comparable with published BUCC F1"


def bucc_best_threshold(candidates: Sequence[Sequence], gold: set[tuple[int, int]]
                        ) -> tuple[float, dict[str, float]]:
    """The margin threshold that maximises F1 of ``candidates`` [(src, tgt, score)] vs ``gold``.

    As XTREME's ``bucc_optimize``: candidates best first, the cut after each one scored, the
    threshold of the best cut halfway between its last score and the next one (its last score
    when nothing follows, where ``bucc_optimize`` would fail on ``items[i + 1]``); candidates
    at or above it are predicted. Unlike ``bucc_optimize``, ties are taken together (a cut
    between equal scores is not one a threshold can make). When no candidate is correct the
    threshold is 0 (every positive candidate predicted, F1 0), as in ``bucc_optimize``.
    """
    ranked = sorted(candidates, key=lambda c: -c[2])
    best = (0.0, prf(0, sum(1 for c in ranked if c[2] >= 0), len(gold)))
    best_f1, tp = 0.0, 0
    for n, (i, j, score) in enumerate(ranked, start=1):
        tp += (int(i), int(j)) in gold
        if not tp or (n < len(ranked) and ranked[n][2] == score):
            continue
        # bucc_optimize's own arithmetic, unscaled: two cuts with the same F1 in exact terms
        # (4/9 and 4/11 against 5/14 and 5/11) are told apart by its rounding, not by prf's
        precision, recall = tp / n, tp / len(gold)
        f1 = 2 * precision * recall / (precision + recall)
        if f1 > best_f1:
            best_f1 = f1
            cut = (score + ranked[n][2]) / 2 if n < len(ranked) else score
            best = (float(cut), prf(tp, n, len(gold)))
    return best


def bucc_stats(candidates: Sequence[Sequence], split) -> tuple[dict[str, list[float]], float]:
    """Per-row stats at the F1-optimal threshold, and that threshold.

    ``gold``: 1 on the first row of each distinct gold pair (rows with both sides); ``tp``: 1
    there when the pair is predicted; ``pred``: the predicted pairs shared out over the rows
    of their source sentence, gold or not (a source of the full corpus without a gold partner
    predicts pairs too), so the sums are exactly the corpus-level counts.
    """
    from ..heads.retrieval import pools

    p = pools(split)
    gold = set(p.gold)
    threshold, _ = bucc_best_threshold(candidates, gold)
    predicted = {(int(i), int(j)) for i, j, s in candidates if s >= threshold}
    per_source: dict[int, int] = {}
    for i, _j in predicted:
        per_source[i] = per_source.get(i, 0) + 1
    rows_per_source: dict[int, int] = {}
    for i, _j in p.rows:
        if i is not None:
            rows_per_source[i] = rows_per_source.get(i, 0) + 1
    tp, pred, first = [], [], []
    seen: set[tuple[int, int]] = set()
    for i, j in p.rows:
        pair = (i, j)
        is_gold = i is not None and j is not None and pair not in seen
        first.append(float(is_gold))
        tp.append(float(is_gold and pair in predicted))
        seen.add(pair)
        pred.append(per_source.get(i, 0) / rows_per_source[i] if i is not None else 0.0)
    return {"tp": tp, "pred": pred, "gold": first}, threshold


class BuccF1(CorpusF1):
    name = "bucc"
    retrieval_mode = "candidates"
    needs = ("target",)

    def example_stats(self, preds, split):
        return bucc_stats(preds, split)[0]

    def score(self, preds, split):
        """Also reports the threshold, which the per-row statistics do not carry."""
        stats, threshold = bucc_stats(preds, split)
        return {**self.values(stats, len(split.dataset)), "threshold": threshold}, stats

    def details(self, split):
        """Whether the split is the full corpus; a note when it is gold pairs only."""
        from ..heads.retrieval import pools

        full = pools(split).one_sided
        return {"corpus": FULL if full else GOLD_ONLY}, [] if full else [GOLD_ONLY_NOTE]

METRICS.add(BuccF1.name, BuccF1())
