"""Label names of a split: the split's, else the task's, else the sorted gold values."""

from __future__ import annotations

import dataclasses

from robustx.tasks.labels import gold_labels, gold_names, label_space, unknown_labels
from tests.eval.helpers import PAIR_ROWS, TAG_ROWS, make_split


def test_label_space_prefers_the_task_then_the_data():
    assert label_space(make_split("pair", PAIR_ROWS, "xnli")) == [
        "entailment", "neutral", "contradiction"]
    assert label_space(make_split("pair", PAIR_ROWS)) == ["contradiction", "entailment", "neutral"]
    bare = dataclasses.replace(make_split("tagging", TAG_ROWS), label_names=None)
    assert label_space(bare) == ["B-LOC", "B-PER", "I-PER", "O"]


def test_gold_labels_flatten_tag_rows_in_order():
    split = make_split("tagging", TAG_ROWS[1:])
    assert gold_labels(split, None) == ["B-PER", "I-PER", "O", "B-LOC"]
    assert gold_labels(split, None, limit=1) == ["B-PER", "I-PER", "O"]
    assert gold_labels(make_split("retrieval", [{"source_sentence": "a"}]), None) == []


def test_gold_names_and_unknown_labels():
    assert gold_names([0, 2, -1, "x", True], ["a", "b", "c"]) == ["a", "c", "-1", "x", "True"]
    assert unknown_labels(["A", "b", "z"], ["a", "B"]) == ["z"]
