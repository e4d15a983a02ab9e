"""BUCC F1 of margin-scored candidate pairs at the corpus's F1-optimal threshold.

The threshold is chosen on the whole corpus; the per-row statistics at that threshold then
sum to the corpus counts, so the paired bootstrap resamples gold pairs with the threshold held.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import METRICS, CorpusF1, prf


def bucc_best_threshold(candidates: Sequence[Sequence], gold: set[tuple[int, int]]
                        ) -> tuple[float, dict[str, float]]:
    """The margin threshold that maximises F1 of ``candidates`` [(src, tgt, score)] vs ``gold``.

    Candidates at or above the threshold are predicted; ties are taken together. When no
    candidate is correct, the threshold is 0 (every positive candidate predicted, F1 0), as in
    XTREME's ``bucc_optimize``, rather than an infinite value that JSON cannot hold.
    """
    ranked = sorted(candidates, key=lambda c: -c[2])
    best = (0.0, prf(0, sum(1 for c in ranked if c[2] >= 0), len(gold)))
    tp = 0
    for n, (i, j, score) in enumerate(ranked, start=1):
        tp += (int(i), int(j)) in gold
        if n < len(ranked) and ranked[n][2] == score:
            continue
        scores = prf(tp, n, len(gold))
        if scores["f1"] > best[1]["f1"]:
            best = (float(score), scores)
    return best


def bucc_stats(candidates: Sequence[Sequence], split) -> tuple[dict[str, list[float]], float]:
    """Per-row (gold pair) stats at the F1-optimal threshold, and that threshold.

    Predicted pairs are shared out over the rows with the same source sentence, so the sums
    are exactly the corpus-level counts.
    """
    from ..heads.retrieval import pools

    _, _, gold_rows = pools(split)
    gold = set(gold_rows)
    threshold, _ = bucc_best_threshold(candidates, gold)
    predicted = {(int(i), int(j)) for i, j, s in candidates if s >= threshold}
    per_source: dict[int, int] = {}
    for i, _j in predicted:
        per_source[i] = per_source.get(i, 0) + 1
    rows_per_source: dict[int, int] = {}
    for i, _j in gold_rows:
        rows_per_source[i] = rows_per_source.get(i, 0) + 1
    tp, pred, first = [], [], []
    seen: set[tuple[int, int]] = set()
    for pair in gold_rows:
        first.append(float(pair not in seen))
        tp.append(float(pair in predicted and pair not in seen))
        seen.add(pair)
        pred.append(per_source.get(pair[0], 0) / rows_per_source[pair[0]])
    return {"tp": tp, "pred": pred, "gold": first}, threshold


class BuccF1(CorpusF1):
    name = "bucc"
    retrieval_mode = "candidates"

    def example_stats(self, preds, split):
        return bucc_stats(preds, split)[0]

    def score(self, preds, split):
        """Also reports the threshold, which the per-row statistics do not carry."""
        stats, threshold = bucc_stats(preds, split)
        return {**self.values(stats, len(split.dataset)), "threshold": threshold}, stats


METRICS.add(BuccF1.name, BuccF1())
