"""Tatoeba accuracy: a target sentence finds its own source (or an identical one)."""

from __future__ import annotations

from . import METRICS
from .accuracy import Accuracy


class Tatoeba(Accuracy):
    """Accuracy's formula and McNemar pairing over retrieval rows, without labels."""

    name = "tatoeba"
    needs = ("target",)
    labelled = False
    retrieval_mode = "nearest"

    def example_stats(self, preds, split):
        # preds[i]: the row whose source is nearest to row i's target; a duplicate source
        # sentence is as good as the row's own
        sources = [str(t) for t in split.dataset[split.fields["source"]]]
        return {"correct": [float(sources[p] == sources[i]) for i, p in enumerate(preds)]}


METRICS.add(Tatoeba.name, Tatoeba())
