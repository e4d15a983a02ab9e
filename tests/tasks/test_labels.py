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


def test_digit_strings_index_the_label_names_unless_they_are_names():
    from robustx.tasks.labels import gold_names

    xnli = ("entailment", "neutral", "contradiction")
    assert gold_names(["0", "2", 1, "neutral", "7", "-1"], xnli) == \
        ["entailment", "contradiction", "neutral", "neutral", "7", "-1"]
    assert gold_names(["0", "1"], ("0", "1")) == ["0", "1"]  # PAWS-X: the digits are the names
    assert gold_names(["2"], None) == ["2"]


def test_xnli_tsv_with_integer_labels_evaluates(tiny_checkpoints, tmp_path, capsys):
    import json

    from robustx.cli import main

    src = tmp_path / "de.tsv"
    src.write_text("sentence1\tsentence2\tlabel\nEin Hund läuft.\tEin Tier läuft.\t0\n"
                   "Ein Hund läuft.\tEine Katze schläft.\t2\nEr kommt.\tSie kommt.\t1\n",
                   encoding="utf-8")
    out = tmp_path / "s.json"
    code = main(["evaluate", str(tiny_checkpoints["pair"]), "--task", "xnli", "--data", str(src),
                 "--device", "cpu", "--no-cache", "--quiet", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert json.loads(out.read_text(encoding="utf-8"))["results"]["de"]["n"] == 3
