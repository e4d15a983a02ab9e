"""UD-POS token accuracy: correct words over all words, not a mean over sentences."""

from __future__ import annotations

import pytest

from robustx.eval.metrics import METRICS
from tests.eval.helpers import make_split


def test_token_accuracy_is_over_words():
    rows = [{"tokens": ["a", "b"], "pos_tags": ["DET", "NOUN"]},
            {"tokens": ["c"], "pos_tags": ["VERB"]}]
    values, stats = METRICS.get("pos").score([["DET", "VERB"], ["VERB"]], make_split("tagging", rows))
    assert stats == {"correct": [1.0, 1.0], "total": [2.0, 1.0]}
    assert values["accuracy"] == pytest.approx(200 / 3)
