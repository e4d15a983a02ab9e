"""UD-POS token accuracy over all words (XTREME's figure; seqeval F1 would be another metric)."""

from __future__ import annotations

from ...tasks.labels import gold_names
from . import METRICS, Metric, ratio


class TokenAccuracy(Metric):
    name, primary = "pos", "accuracy"
    stats = ("correct", "total")
    labelled = True

    def example_stats(self, preds, split):
        golds = [gold_names(row, split.label_names) for row in split.dataset[split.fields["tags"]]]
        return {"correct": [float(sum(a == b for a, b in zip(g, p, strict=True)))
                            for g, p in zip(golds, preds, strict=True)],
                "total": [float(len(g)) for g in golds]}

    def from_sums(self, sums, n):
        return {"accuracy": ratio(sums["correct"], sums["total"])}


METRICS.add(TokenAccuracy.name, TokenAccuracy())
