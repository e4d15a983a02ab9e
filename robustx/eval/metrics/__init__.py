"""Metrics as objects that own their statistics, after sacrebleu's metric classes.

A :class:`Metric` turns predictions into additive per-example statistics (``stats``), and
those statistics' *sums* into every metric value (:meth:`Metric.from_sums`). The same formula
gives the reported score (plain sums) and the paired bootstrap's draws (sums over resamples,
numpy arrays), so the two cannot drift apart; the one exception, :class:`CorpusF1`'s bootstrap
expression, is kept for byte-identical reports and says so. Every value is a percentage, as
XTREME reports.

One module per metric registers it in :data:`METRICS` under the name a task's ``metric`` field
and a scores document's ``kind`` use; adding a metric is one module (or one ``METRICS.add``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...errors import InputError
from ...registry import Registry
from ...tasks import FAMILIES
from ...tasks.labels import gold_labels, label_space

Sums = Mapping[str, Any]  # stat name -> float (one sum) or ndarray (one sum per resample)


def div(num, den):
    """``num / den``, 0 where ``den`` is 0: plain Python arithmetic on scalars, elementwise
    (the same IEEE operations, so the same bits) on arrays."""
    if np.ndim(num) == 0 and np.ndim(den) == 0:
        return num / den if den else 0.0
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den != 0)


def ratio(num, den):
    """``100 * num / den`` in percent, 0 where ``den`` is 0."""
    return div(100 * num, den)


def prf(tp, n_pred, n_gold) -> dict[str, Any]:
    """F1, precision and recall (percent) from true positives, predicted and gold counts."""
    precision = div(tp, n_pred)
    recall = div(tp, n_gold)
    f1 = div(2 * precision * recall, precision + recall)
    return {"f1": 100 * f1, "precision": 100 * precision, "recall": 100 * recall}


class Metric:
    """One metric: its statistics, their formula, and what it asks of a split and a head.

    ``paired_test``: "mcnemar" when ``correct`` is a 0/1 statistic McNemar's test can pair,
    else None. ``labelled``: predictions are label names of the data (checked against the gold
    labels, part of the prediction cache key). ``needs``: family roles a split must have to be scored. ``retrieval_mode``: which
    predictions a retrieval head makes for it ("nearest" sources, or mined "candidates").
    """

    name: str = ""
    primary: str = ""
    stats: tuple[str, ...] = ()
    paired_test: str | None = None
    labelled: bool = False
    needs: tuple[str, ...] = ()
    retrieval_mode: str | None = None

    def example_stats(self, preds: Sequence, split) -> dict[str, list[float]]:
        """Per-example statistics (lists aligned with the split's rows)."""
        raise NotImplementedError

    def from_sums(self, sums: Sums, n: int) -> dict[str, Any]:
        """Every metric value from summed statistics over ``n`` examples; vectorised."""
        raise NotImplementedError

    def right_parts(self, gold: Sequence[str], pred: Sequence[str]) -> frozenset:
        """The parts of one tagged sentence predicted right (what an attack may break):
        defined by the tagging metrics."""
        raise NotImplementedError

    def bootstrap_value(self, sums: Sums, n: int):
        """The primary value the paired bootstrap resamples and estimates; vectorised."""
        return self.from_sums(sums, n)[self.primary]

    def label_space(self, split) -> list[str] | None:
        """The names predictions are expressed in; None when the metric has no labels."""
        return label_space(split) if self.labelled else None

    def check(self, split) -> None:
        """Fail before any model loads when the split lacks a column the metric needs."""
        for role in self.needs:
            if role not in split.fields:
                raise InputError(f"{split.source}: no {role} column, so {split.name} "
                                 "cannot be scored")

    def score(self, preds: Sequence, split) -> tuple[dict[str, float], dict[str, list[float]]]:
        """(metric values, per-example stats) of ``preds`` on ``split``."""
        stats = self.example_stats(preds, split)
        return self.values(stats, len(split.dataset)), stats

    def details(self, split) -> tuple[dict[str, Any], list[str]]:
        """Fields the split's result carries beside its values (e.g. BUCC's ``corpus``), and
        notes for the scores' warnings."""
        return {}, []

    def values(self, stats: Mapping[str, Sequence[float]], n: int) -> dict[str, float]:
        """Metric values of per-example statistics, summed in order as plain floats."""
        sums = {k: float(sum(v)) for k, v in stats.items()}
        return {k: float(v) for k, v in self.from_sums(sums, n).items()}


class CorpusF1(Metric):
    """F1 of summed true-positive / predicted / gold counts (entity F1, BUCC)."""

    primary = "f1"
    stats = ("tp", "pred", "gold")

    def from_sums(self, sums, n):
        return prf(sums["tp"], sums["pred"], sums["gold"])

    def bootstrap_value(self, sums, n):
        """``2tp / (pred + gold)``: prf's F1 up to the last bit, kept so that compare reports
        (estimates, CIs) stay byte-identical to those from before the metric registry. Deleting
        this override makes the bootstrap use ``from_sums`` too, moving those by ~1e-14."""
        return ratio(2 * sums["tp"], sums["pred"] + sums["gold"])


METRICS: Registry[Metric] = Registry("metric")


def kind_of(split) -> str:
    """Which metric a split gets: its task's, else its family's default for its gold labels."""
    if split.task is not None:
        return split.task.metric
    family = FAMILIES.get(split.family)
    return family.metric(list(split.label_names or ()) or gold_labels(split, None, limit=200))


def metric_of(split) -> Metric:
    """The registered metric of :func:`kind_of`."""
    return METRICS.get(kind_of(split))


from . import accuracy, bucc, mlqa, ner, pos, squad, tatoeba  # noqa: E402,F401  (they register)
