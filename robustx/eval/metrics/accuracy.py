"""Accuracy of pair classification (XNLI, PAWS-X): labels compared case-insensitively."""

from __future__ import annotations

from ...tasks.labels import gold_names
from . import METRICS, Metric, ratio


class Accuracy(Metric):
    name = primary = "accuracy"
    stats = ("correct",)
    labelled = True
    paired_test = "mcnemar"
    needs = ("label",)

    def example_stats(self, preds, split):
        gold = gold_names(split.dataset[split.fields["label"]], split.label_names)
        return {"correct": [float(str(p).lower() == g.lower())
                            for p, g in zip(preds, gold, strict=True)]}

    def from_sums(self, sums, n):
        return {"accuracy": ratio(sums["correct"], n)}


METRICS.add(Accuracy.name, Accuracy())
