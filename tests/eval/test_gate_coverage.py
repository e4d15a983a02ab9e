"""Gate ``require_coverage: true``: fails, closed, when a condition passed a language through."""

from __future__ import annotations

import json

import pytest

from robustx.cli import main
from robustx.errors import UsageError
from robustx.eval import gate as G
from tests.eval.test_gate import report

PASSED = {"ur": {"examples": 3, "reason": "no lexicon", "see": "docs/codeswitch.md"}}


def covered(passed=None):
    rep = report()
    if passed is not None:
        rep["conditions"][1]["passed_through"] = passed
    return rep


def run(rep, **extra):
    cfg = G.parse_config({"version": 1, "require_coverage": True, **extra})
    return G.run_checks(rep, cfg).results


def test_require_coverage_passes_when_nothing_was_passed_through():
    results = run(covered())
    assert [r.passed for r in results] == [True, True]
    assert results[1].check.label == "every language was noised (require_coverage)"


def test_require_coverage_fails_naming_condition_language_and_reason():
    results = run(covered(PASSED), checks=[{"type": "min_score", "value": 0.1}])
    assert [r.passed for r in results] == [True, False, True]
    assert results[1].message == "typo s3: ur passed through unchanged (no lexicon)"


def test_without_the_key_passed_through_languages_do_not_fail_the_gate():
    cfg = G.parse_config({"version": 1, "checks": [{"type": "min_score", "value": 0.1}]})
    assert G.run_checks(covered(PASSED), cfg).passed


@pytest.mark.parametrize("passed", [["ur"], {"ur": "no lexicon"}])
def test_a_malformed_record_fails_closed(passed):
    results = run(covered(passed))
    assert not results[1].passed and "malformed report" in results[1].message


def test_an_unreadable_report_fails_the_coverage_check_too():
    results = G.run_checks(None, G.parse_config({"version": 1, "require_coverage": True}),
                           "report.json: not valid JSON").results
    assert [r.passed for r in results] == [False, False]


@pytest.mark.parametrize("doc, needle", [
    ({"version": 1, "require_coverage": "yes"}, "'require_coverage' must be true or false"),
    ({"version": 1, "require_coverage": False}, "or set require_coverage: true"),
    ({"version": 1, "require_coverage": True, "checks": {}}, "'checks' must be a non-empty"),
])
def test_bad_coverage_configs_are_usage_errors(doc, needle):
    with pytest.raises(UsageError, match=needle):
        G.parse_config(doc)


def test_max_drop_flag_keeps_the_requirement():
    cfg = G.with_max_drop(G.parse_config({"version": 1, "require_coverage": True}), ["typo"], 0.5)
    assert cfg.require_coverage and len(cfg.checks) == 1


def test_cli_gate_exits_1_when_coverage_is_required(tmp_path, capsys):
    rp = tmp_path / "report.json"
    rp.write_text(json.dumps(covered(PASSED)), encoding="utf-8")
    gp = tmp_path / "gate.yaml"
    gp.write_text("version: 1\nrequire_coverage: true\n", encoding="utf-8")
    assert main(["gate", str(rp), "--config", str(gp)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  every language was noised (require_coverage): typo s3: ur passed" in out
