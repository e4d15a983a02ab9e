"""BUCC: the F1-optimal margin threshold over the corpus."""

from __future__ import annotations

import pytest

from robustx.eval.metrics.bucc import bucc_best_threshold


def test_bucc_best_threshold():
    cands = [(0, 0, 1.5), (1, 2, 1.4), (1, 1, 1.2), (2, 2, 1.0)]
    gold = {(0, 0), (1, 1), (2, 2)}
    threshold, scores = bucc_best_threshold(cands, gold)
    # cut after 1: p=1 r=1/3 f=.5; after 3: p=2/3 r=2/3 f=.667; after 4: p=.75 r=1 f=.857
    assert threshold == 1.0
    assert scores["f1"] == pytest.approx(100 * 2 * 0.75 / 1.75)
    # ties are taken together
    threshold, scores = bucc_best_threshold([(0, 0, 1.0), (0, 1, 1.0)], {(0, 0)})
    assert scores["precision"] == 50.0
    # nothing correct: XTREME's threshold 0 (a finite, JSON-safe number), F1 0
    threshold, scores = bucc_best_threshold([(0, 1, 1.2), (1, 0, 0.9)], {(0, 0)})
    assert threshold == 0.0 and scores == {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    assert bucc_best_threshold([], {(0, 0)})[0] == 0.0
