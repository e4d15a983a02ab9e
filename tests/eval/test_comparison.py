"""The report document: rows, McNemar, gaps and language averages built by hand-made scores."""

from __future__ import annotations

import pytest

from robustx.eval.comparison import Condition, build_report


def _doc(correct: dict[str, list[int]]) -> dict:
    """A minimal scores document (as robustx.eval.run.evaluate returns) from 0/1 outcomes."""
    return {"task": "xnli", "family": "pair", "kind": "accuracy", "metric": "accuracy",
            "languages": list(correct), "checkpoint": {"name": "x", "path": "x",
                                                       "fingerprint": "f"},
            "data": {"source": "d", "fingerprint": "d"},
            "results": {lang: {"score": 100 * sum(v) / len(v), "n": len(v),
                               "data": {"fingerprint": lang}} for lang, v in correct.items()},
            "predictions": {lang: {"stats": {"correct": v}} for lang, v in correct.items()}}


def test_report_rows_and_language_average_by_hand(tmp_path):
    clean, noisy = Condition("clean", 0), Condition("typo", 3)
    clean.docs = {"A": _doc({"en": [1] * 10, "de": [1] * 8 + [0] * 2}),
                  "B": _doc({"en": [1] * 10, "de": [1] * 10})}
    noisy.docs = {"A": _doc({"en": [1] * 6 + [0] * 4, "de": [1] * 4 + [0] * 6}),
                  "B": _doc({"en": [1] * 9 + [0] * 1, "de": [1] * 9 + [0] * 1})}
    doc = build_report([clean, noisy], [], seed=1, bootstrap=200, confidence=0.95,
                       out=tmp_path)
    rows = {(r["lang"], r["profile"]): r for r in doc["results"]}
    en, de, avg = rows[("en", "typo")], rows[("de", "typo")], rows[("all", "typo")]
    assert (en["score_a"], en["score_b"], en["gap_a"], en["gap_b"]) == (60, 90, 40, 10)
    assert (de["score_a"], de["score_b"], de["gap_a"], de["gap_b"]) == (40, 90, 40, 10)
    assert en["rel_drop_a"] == pytest.approx(0.4) and de["rel_drop_a"] == pytest.approx(0.5)
    assert (en["mcnemar"]["b"], en["mcnemar"]["c"]) == (0, 3)  # A right/B wrong, A wrong/B right
    assert en["mcnemar"]["p_value"] == pytest.approx(2 * 0.5 ** 3)
    assert (de["mcnemar"]["b"], de["mcnemar"]["c"]) == (0, 5)
    # XTREME average: unweighted over languages; McNemar pools the discordant pairs
    assert (avg["score_a"], avg["score_b"], avg["n"]) == (50, 90, 20)
    assert avg["diff"]["estimate"] == pytest.approx(40)
    assert (avg["mcnemar"]["b"], avg["mcnemar"]["c"]) == (0, 8)
    assert avg["mcnemar"]["p_value"] == pytest.approx(2 * 0.5 ** 8)
    assert (avg["gap_a"], avg["gap_b"]) == (40, 10)
    assert avg["rel_drop_a"] == pytest.approx(40 / 90)  # (mean clean - mean noisy) / mean clean
    assert avg["gap_diff"]["estimate"] == pytest.approx(-30)
    assert avg["diff"]["ci_low"] <= 40 <= avg["diff"]["ci_high"]
    assert doc["failures"] == []


def test_a_language_whose_examples_do_not_line_up_is_a_recorded_failure(tmp_path):
    clean, noisy = Condition("clean", 0), Condition("typo", 3)
    clean.docs = {k: _doc({"en": [1] * 4, "de": [1] * 4}) for k in "AB"}
    noisy.docs = {k: _doc({"en": [1] * 4, "de": [1] * 3}) for k in "AB"}  # de lost a row
    doc = build_report([clean, noisy], [], seed=1, bootstrap=50, confidence=0.95,
                       out=tmp_path)
    assert {(r["lang"], r["profile"]) for r in doc["results"]} == {
        ("en", "clean"), ("de", "clean"), ("all", "clean"), ("en", "typo")}
    assert [(f["lang"], f["profile"]) for f in doc["failures"]] == [("de", "typo"),
                                                                   ("all", "typo")]
    assert "aligned" in doc["failures"][0]["error"]
