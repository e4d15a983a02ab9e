"""What every metric shares: the registry, the formula helpers, scalar vs resampled sums."""

from __future__ import annotations

import numpy as np
import pytest

from robustx.eval.metrics import METRICS, div, kind_of, prf, ratio
from robustx.tasks import TASKS
from tests.eval.helpers import PAIR_ROWS, TAG_ROWS, make_split

SUMS = {  # one set of summed statistics per metric, n = 7
    "accuracy": {"correct": 3.0}, "tatoeba": {"correct": 5.0},
    "pos": {"tp": 8.0, "pred": 10.0, "gold": 11.0, "correct": 11.0, "total": 13.0},
    "ner": {"tp": 5.0, "pred": 7.0, "gold": 9.0}, "bucc": {"tp": 2.0, "pred": 2.5, "gold": 3.0},
    "squad": {"exact_match": 3.0, "f1": 4.3}, "mlqa": {"exact_match": 1.0, "f1": 2.9},
}


def test_every_task_metric_is_registered_with_its_stats():
    assert sorted(SUMS) == METRICS.names()
    for task in TASKS.items():
        assert task[1].metric in METRICS
    for name, m in METRICS.items():
        assert m.name == name and set(m.stats) == set(SUMS[name])
        assert m.primary in m.from_sums(SUMS[name], 7)
    assert [n for n, m in METRICS.items() if m.paired_test == "mcnemar"] == ["accuracy", "tatoeba"]


@pytest.mark.parametrize("name", sorted(SUMS))
def test_resampled_sums_give_the_scalar_values_bit_for_bit(name):
    m = METRICS.get(name)
    scalar = m.from_sums(SUMS[name], 7)
    stacked = m.from_sums({k: np.array([v, v, 0.0]) for k, v in SUMS[name].items()}, 7)
    for key, value in scalar.items():
        assert isinstance(value, float)
        assert stacked[key][0] == stacked[key][1] == value  # the same formula, the same bits


@pytest.mark.parametrize("name", sorted(SUMS))
def test_the_bootstrap_value_is_the_primary_value(name):
    m = METRICS.get(name)
    sums = {k: np.array([v, 2 * v]) for k, v in SUMS[name].items()}
    assert list(m.bootstrap_value(sums, 7)) == pytest.approx(list(m.from_sums(sums, 7)[m.primary]))
    if m.primary == "f1" and "tp" in m.stats:  # the pre-registry bootstrap expression, bit for bit
        tp, pred, gold = (sums[k] for k in ("tp", "pred", "gold"))
        assert list(m.bootstrap_value(sums, 7)) == list(100.0 * (2 * tp) / (pred + gold))


def test_zero_denominators_score_zero():
    assert div(1, 0) == 0.0 and ratio(3, 0) == 0.0
    assert list(ratio(np.array([1.0, 2.0]), np.array([0.0, 4.0]))) == [0.0, 50.0]
    assert prf(0, 0, 0) == {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    assert prf(1, 2, 1)["f1"] == pytest.approx(100 * 2 / 3)


def test_values_sum_the_per_example_stats():
    assert METRICS.get("accuracy").values({"correct": [1, 1, 0, 1]}, 4) == {"accuracy": 75.0}
    pos = METRICS.get("pos").values({"tp": [1, 1], "pred": [2, 1], "gold": [2, 2],
                                     "correct": [3, 0], "total": [6, 0]}, 2)
    assert pos == pytest.approx({"f1": 400 / 7, "precision": 200 / 3, "recall": 50.0,
                                 "accuracy": 50.0})
    assert METRICS.get("squad").values({"exact_match": [1, 0], "f1": [1, 0.5]}, 2) == \
        {"exact_match": 50.0, "f1": 75.0}


def test_kind_of_follows_the_task_then_the_gold_labels():
    assert kind_of(make_split("pair", PAIR_ROWS, "xnli")) == "accuracy"
    assert kind_of(make_split("tagging", TAG_ROWS)) == "ner"
    pos = [{"tokens": ["a", "b"], "pos_tags": ["DET", "NOUN"]}]
    assert kind_of(make_split("tagging", pos)) == "pos"
