"""UD-POS: seqeval's F1 over POS tags as XTREME computes it, with token accuracy beside it.

The expected values were computed with seqeval 1.2.2's ``f1_score``/``precision_score``/
``recall_score`` on the same lists of sentences (the way XTREME's evaluate.py and run_tag.py
call it); seqeval is not a dependency, so they are written out here.
"""

from __future__ import annotations

import pytest

from robustx.eval.metrics import METRICS
from tests.eval.helpers import make_split

SEQEVAL = [  # gold, predicted, f1, precision, recall (percent)
    ([["NOUN", "NOUN"]], [["NOUN", "VERB"]], 0.0, 0.0, 0.0),  # one chunk vs two: 0, not 50
    ([["NOUN", "VERB", "ADJ"]], [["NOUN", "VERB", "NOUN"]], 200 / 3, 200 / 3, 200 / 3),
    ([["PROPN", "PROPN", "PUNCT"], ["X", "SYM"]], [["PROPN", "NOUN", "PUNCT"], ["X", "SYM"]],
     200 / 3, 60.0, 75.0),
    # X has the empty type of seqeval's joining O, so its chunk runs across the sentence join
    ([["SCONJ", "DET", "PRON"], ["ADP", "INTJ", "INTJ"], ["X", "NUM"]],
     [["SCONJ", "DET", "PRON"], ["ADP", "INTJ", "NUM"], ["X", "INTJ"]],
     53.333333333333336, 50.0, 57.14285714285714),
    ([["INTJ", "INTJ", "X"], ["X"]], [["INTJ", "X", "X"], ["X"]], 0.0, 0.0, 0.0),
    ([["SYM", "SYM", "SCONJ"]], [["SYM", "SYM", "SCONJ"]], 100.0, 100.0, 100.0),
    ([["DET", "NOUN", "VERB", "PUNCT"], ["PRON", "AUX", "ADJ"]],
     [["DET", "NOUN", "NOUN", "PUNCT"], ["PRON", "VERB", "ADJ"]],
     61.53846153846153, 66.66666666666666, 57.14285714285714),
]


def _split(golds):
    return make_split("tagging", [{"tokens": ["w"] * len(g), "pos_tags": g} for g in golds])


@pytest.mark.parametrize(("golds", "preds", "f1", "precision", "recall"), SEQEVAL)
def test_f1_equals_seqeval(golds, preds, f1, precision, recall):
    values, _ = METRICS.get("pos").score(preds, _split(golds))
    assert values["f1"] == pytest.approx(f1, abs=1e-9)
    assert values["precision"] == pytest.approx(precision, abs=1e-9)
    assert values["recall"] == pytest.approx(recall, abs=1e-9)


def test_primary_is_f1_and_token_accuracy_is_over_words():
    metric = METRICS.get("pos")
    assert metric.primary == "f1"
    rows = [{"tokens": ["a", "b"], "pos_tags": ["DET", "NOUN"]},
            {"tokens": ["c"], "pos_tags": ["VERB"]}]
    values, stats = metric.score([["DET", "VERB"], ["VERB"]], make_split("tagging", rows))
    assert stats["correct"] == [1.0, 1.0] and stats["total"] == [2.0, 1.0]
    assert values["accuracy"] == pytest.approx(200 / 3)
    assert values["f1"] == pytest.approx(200 / 3)  # DET and VERB right, NOUN missed
