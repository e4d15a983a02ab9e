"""Pair accuracy and Tatoeba accuracy: the 0/1 ``correct`` statistic McNemar pairs."""

from __future__ import annotations

from robustx.eval.metrics import METRICS
from tests.eval.helpers import PAIR_ROWS, RETRIEVAL_ROWS, make_split


def test_accuracy_compares_label_names_case_insensitively():
    split = make_split("pair", PAIR_ROWS, "xnli")
    preds = ["Neutral", "entailment", "neutral", "neutral"]
    values, stats = METRICS.get("accuracy").score(preds, split)
    assert stats == {"correct": [1.0, 1.0, 0.0, 1.0]} and values == {"accuracy": 75.0}
    assert METRICS.get("accuracy").label_space(split) == ["entailment", "neutral", "contradiction"]


def test_tatoeba_counts_a_duplicate_source_as_found():
    split = make_split("retrieval", RETRIEVAL_ROWS, "tatoeba", lang="de")
    # rows 0 and 4 share their source sentence: predicting either is right
    values, stats = METRICS.get("tatoeba").score([4, 1, 0, 3, 0], split)
    assert stats["correct"] == [1.0, 1.0, 0.0, 1.0, 1.0] and values["accuracy"] == 80.0
    assert METRICS.get("tatoeba").label_space(split) is None
