"""SQuAD v1.1 exact match and F1 with the official normalisation."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from robustx.eval.metrics import METRICS
from robustx.eval.metrics.squad import qa_exact, qa_f1, squad_normalize
from tests.eval.helpers import make_split


def test_squad_normalisation_and_scores():
    assert squad_normalize("The  Cat's hat!") == "cats hat"
    assert qa_exact("the Eiffel Tower.", ["Eiffel tower"]) == 1.0
    assert qa_f1("in Paris France", ["Paris"]) == pytest.approx(2 * (1 / 3) / (1 / 3 + 1))
    assert qa_f1("", ["Paris"]) == 0.0
    split = make_split("qa", [{"context": "c", "question": "q",
                               "answers": {"answer_start": [0], "text": t}}
                              for t in (["paris"], ["the Berlin Wall", "wall"])])
    values, _ = METRICS.get("squad").score(["Paris", "Berlin wall"], split)
    assert values == {"exact_match": 100.0, "f1": 100.0}


@given(st.text())
def test_squad_normalize_is_clean(text):
    out = squad_normalize(text)
    assert not set(out) & set(string.punctuation)
    assert "  " not in out and out == out.strip()


