"""Gate: config validation, pass/fail on hand-made reports, fail-closed cases, JUnit, summary."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from robustx.cli import main
from robustx.errors import UsageError
from robustx.eval import gate as G


def row(lang, profile, sev, a, b, clean_a=80.0, clean_b=82.0, ci=(-1.0, 3.0), p=0.3):
    return {"lang": lang, "profile": profile, "severity": sev, "n": 100,
            "score_a": a, "score_b": b,
            "diff": {"estimate": b - a, "ci_low": ci[0], "ci_high": ci[1]},
            "mcnemar": {"b": 3, "c": 5, "statistic": 3.0, "p_value": p, "method": "exact"},
            "gap_a": clean_a - a, "gap_b": clean_b - b,
            "rel_drop_a": (clean_a - a) / clean_a, "rel_drop_b": (clean_b - b) / clean_b,
            "gap_diff": None if profile == "clean" else
            {"estimate": (clean_b - b) - (clean_a - a), "ci_low": -4.0, "ci_high": 1.0}}


def report() -> dict:
    """A small report: xnli, en/de, clean + typo s3 (A: 80 -> 70, B: 82 -> 78)."""
    results = []
    for lang in ("en", "de", "all"):
        results += [row(lang, "clean", 0, 80.0, 82.0), row(lang, "typo", 3, 70.0, 78.0)]
    return {
        "schema": "robustx.report/1", "task": "xnli", "kind": "accuracy", "metric": "accuracy",
        "languages": ["en", "de"], "profiles": ["clean", "typo"],
        "conditions": [{"profile": "clean", "severity": 0}, {"profile": "typo", "severity": 3}],
        "results": results, "failures": [],
        "settings": {"bootstrap": {"confidence": 0.95}},
    }


def config(*checks) -> G.GateConfig:
    return G.parse_config({"version": 1, "checks": list(checks)})


def outcome(rep, *checks) -> list[bool]:
    return [r.passed for r in G.run_checks(rep, config(*checks)).results[1:]]


def test_min_score_and_max_drop_in_fractions():
    rep = report()
    assert outcome(rep, {"type": "min_score", "value": 0.82},
                   {"type": "min_score", "value": 0.83},
                   {"type": "min_score", "checkpoint": "A", "profile": "typo", "value": 0.70},
                   {"type": "max_drop", "profile": "typo", "value": 0.04},
                   {"type": "max_drop", "profile": "typo", "value": 0.039},
                   {"type": "max_drop", "checkpoint": "A", "profile": "typo", "value": 0.125,
                    "relative": True},
                   {"type": "max_drop", "checkpoint": "A", "profile": "typo", "value": 0.12,
                    "relative": True}) == [True, False, True, True, False, True, False]


def test_not_worse_rules():
    rep = report()
    rep["results"][5]["diff"].update(ci_low=-3.0, ci_high=-0.5)  # all typo s3: B worse
    checks = [{"type": "not_worse", "profile": "typo"},
              {"type": "not_worse", "profile": "typo", "margin": 0.01},
              {"type": "not_worse", "profile": "clean"},
              {"type": "not_worse", "profile": "clean", "rule": "non_inferior"},
              {"type": "not_worse", "profile": "clean", "rule": "non_inferior", "margin": 0.02},
              {"type": "not_worse", "profile": "typo", "on": "gap"},
              {"type": "not_worse", "profile": "typo", "lang": "en", "alpha": 0.05}]
    assert outcome(rep, *checks) == [False, True, True, False, True, True, True]


def test_not_worse_mcnemar():
    rep = report()
    rep["results"][4].update(score_b=60.0)  # all clean: B 20 points worse...
    rep["results"][4]["diff"]["estimate"] = -20.0
    rep["results"][4]["mcnemar"]["p_value"] = 0.01  # ...and significantly so
    assert outcome(rep, {"type": "not_worse", "test": "mcnemar"},
                   {"type": "not_worse", "test": "mcnemar", "alpha": 0.005}) == [False, True]


def test_fails_closed_on_missing_rows_and_recorded_failures():
    rep = report()
    rep["results"] = [r for r in rep["results"] if (r["lang"], r["profile"]) != ("de", "typo")]
    rep["failures"] = [{"profile": "typo", "severity": 3, "lang": "de", "error": "OOM"}]
    res = G.run_checks(rep, config({"type": "max_drop", "profile": "typo", "lang": "de",
                                    "value": 1.0}, {"type": "min_score", "value": 0.0}))
    assert [r.passed for r in res.results] == [False, False, True]
    assert "OOM" in res.results[0].message and "OOM" in res.results[1].message
    assert res.exit_code == 1


def test_unreadable_report_fails_every_check(tmp_path):
    bad = tmp_path / "report.json"
    bad.write_text("{not json", encoding="utf-8")
    cfg = config({"type": "min_score", "value": 0.1})
    res = G.gate(bad, cfg)
    assert not res.passed and all(not r.passed for r in res.results)
    assert "not valid JSON" in res.results[1].message
    assert G.gate(tmp_path / "missing.json", cfg).results[0].message.endswith(
        "cannot read (No such file or directory)")


@pytest.mark.parametrize("doc, needle", [
    ({"version": 1, "checks": [{"type": "min_score", "value": 0.3, "lnag": "en"}]}, "'lnag'"),
    ({"version": 1, "checks": [{"type": "min_score"}]}, "'value'"),
    ({"version": 1, "checks": [{"type": "max_drop", "value": 0.1}]}, "'profile'"),
    ({"version": 1, "checks": [{"type": "min_score", "value": 30}]}, "0..1"),
    ({"version": 1, "checks": [{"type": "mean_score", "value": 0.3}]}, "'type'"),
    ({"version": 2, "checks": [{"type": "min_score", "value": 0.3}]}, "'version'"),
    ({"version": 1, "checks": [], "extra": 1}, "'extra'"),
    ({"version": 1, "checks": []}, "non-empty"),
    ({"version": 1, "checks": [{"type": "min_score", "value": 0.3, "checkpoint": "C"}]}, "A, B"),
    ({"version": 1, "checks": [{"type": "max_drop", "profile": "clean", "value": 0.1}]},
     "noise profile"),
    ("just text", "mapping"),
])
def test_bad_configs_are_usage_errors(doc, needle):
    with pytest.raises(UsageError, match=needle):
        G.parse_config(doc)


@pytest.mark.parametrize("check, needle", [
    ({"type": "min_score", "task": "panx", "value": 0.3}, "task 'panx'"),
    ({"type": "min_score", "lang": "sw", "value": 0.3}, "language 'sw'"),
    ({"type": "max_drop", "profile": "codeswitch", "value": 0.3}, "profile 'codeswitch'"),
    ({"type": "max_drop", "profile": "typo", "severity": 5, "value": 0.3}, "severity 5"),
    ({"type": "not_worse", "profile": "typo", "alpha": 0.1}, "95%"),
])
def test_checks_that_do_not_fit_the_report_are_usage_errors(check, needle):
    with pytest.raises(UsageError, match=needle):
        G.run_checks(report(), config(check))


def test_mcnemar_on_a_non_accuracy_report_is_a_usage_error():
    rep = report()
    rep["kind"] = "ner"
    with pytest.raises(UsageError, match="McNemar"):
        G.run_checks(rep, config({"type": "not_worse", "test": "mcnemar"}))


# --- through the CLI ------------------------------------------------------------------------

def write(tmp_path: Path, rep: dict, gate_text: str) -> tuple[Path, Path]:
    rp, gp = tmp_path / "report.json", tmp_path / "gate.yaml"
    rp.write_text(json.dumps(rep), encoding="utf-8")
    gp.write_text(gate_text, encoding="utf-8")
    return rp, gp


GATE = """version: 1
checks:
  - {type: min_score, checkpoint: B, task: xnli, lang: all, profile: clean, value: 0.30}
  - {type: max_drop, checkpoint: B, task: xnli, profile: typo, value: 0.10, relative: false}
  - {type: not_worse, task: xnli, lang: all, profile: typo, alpha: 0.05}
"""


def test_cli_pass_writes_junit_with_one_testcase_per_check(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    rp, gp = write(tmp_path, report(), GATE)
    assert main(["gate", str(rp), "--config", str(gp)]) == 0
    root = ET.parse(tmp_path / "gate-junit.xml").getroot()
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 1 + 3  # report integrity + one per check
    assert root.find("testsuite").get("failures") == "0"
    assert not root.findall(".//failure")


def test_cli_fail_exits_1_names_the_check_and_writes_summary(tmp_path, monkeypatch, capsys):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    rep = report()
    for r in rep["results"]:
        if r["profile"] == "typo":
            r["gap_b"] = 15.0
    rp, gp = write(tmp_path, rep, GATE)
    junit = tmp_path / "out" / "junit.xml"
    assert main(["gate", str(rp), "--config", str(gp), "--junit", str(junit)]) == 1
    assert "FAIL  max_drop B xnli/all typo <= 0.1" in capsys.readouterr().out
    failures = ET.parse(junit).getroot().findall(".//failure")
    assert len(failures) == 1 and "drop 0.1500" in failures[0].get("message")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n") and "robustx gate: FAILED (1 check(s))" in text
    assert "❌ | max_drop B xnli/all typo" in text


def test_cli_bad_gate_files_exit_2(tmp_path, capsys):
    rp, gp = write(tmp_path, report(), "version: 1\nchecks:\n  - {type: min_score, value: 0.3, "
                                       "treshold: 2}\n")
    assert main(["gate", str(rp), "--config", str(gp)]) == 2
    assert "unknown key 'treshold'" in capsys.readouterr().err
    gp.write_text(GATE.replace("task: xnli, lang: all, profile: clean", "task: panx, "
                               "lang: all, profile: clean"), encoding="utf-8")
    assert main(["gate", str(rp), "--config", str(gp)]) == 2
    assert "task 'panx' is not in the report" in capsys.readouterr().err
    gp.write_text("version: 1\nchecks: [\n", encoding="utf-8")
    assert main(["gate", str(rp), "--config", str(gp)]) == 2
    assert main(["gate", str(rp), "--config", str(tmp_path / "nope.yaml")]) == 2


def test_cli_unreadable_report_exits_1(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    rep = copy.deepcopy(report())
    rep["schema"] = "something/else"
    rp, gp = write(tmp_path, rep, GATE)
    assert main(["gate", str(rp), "--config", str(gp), "--quiet"]) == 1
    assert len(ET.parse(tmp_path / "gate-junit.xml").getroot().findall(".//failure")) == 4


def test_example_gate_file_is_valid():
    cfg = G.load_config(Path(__file__).resolve().parents[2] / "examples" / "gate.yaml")
    assert cfg.checks and {c.type for c in cfg.checks} == set(G.TYPES)


# --- hostile inputs ---------------------------------------------------------------------------

def test_report_of_another_schema_version_fails_closed_naming_it(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    rep = report()
    rep["schema"] = "robustx.report/2"
    rp, gp = write(tmp_path, rep, GATE)
    assert main(["gate", str(rp), "--config", str(gp)]) == 1
    out = capsys.readouterr().out
    assert "report schema 'robustx.report/2' is not supported" in out
    assert out.count("FAIL  ") == 4  # the report check and every threshold


@pytest.mark.parametrize("damage, needle", [
    (lambda r: r["results"][0].pop("score_b"), "results[0] has no 'score_b'"),
    (lambda r: r["conditions"].__setitem__(0, {"profile": "clean"}), "conditions[0]"),
    (lambda r: r.__setitem__("results", {}), "no 'results' list"),
    (lambda r: r["failures"].append({"error": "x"}), "failures[0]"),
])
def test_malformed_report_fails_closed_not_internal_error(tmp_path, monkeypatch, capsys,
                                                          damage, needle):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    rep = report()
    damage(rep)
    rp, gp = write(tmp_path, rep, GATE)
    assert main(["gate", str(rp), "--config", str(gp)]) == 1
    assert f"malformed report ({needle}" in capsys.readouterr().out or needle in \
        ET.parse(tmp_path / "gate-junit.xml").getroot().find(".//failure").get("message")


def test_a_row_with_wrong_types_fails_its_check():
    rep = report()
    rep["results"][4]["score_b"] = "high"  # all clean
    res = G.run_checks(rep, config({"type": "min_score", "value": 0.3}))
    assert not res.passed and "malformed report" in res.results[1].message


@pytest.mark.parametrize("text, needle", [
    ("", "the gate file is empty"),
    ("# only a comment\n", "the gate file is empty"),
    ("- a\n- list\n", "expected a mapping"),
    ("version: 1\nchecks:\n  - {type: min_score, profile: clean, severity: 3, value: 0.1}\n",
     "'severity' applies to a noise profile"),
])
def test_cli_empty_or_odd_gate_files_exit_2_with_one_line(tmp_path, capsys, text, needle):
    rp, gp = write(tmp_path, report(), text)
    assert main(["gate", str(rp), "--config", str(gp)]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_gate_on_a_language_not_run_exits_2(tmp_path, capsys):
    rp, gp = write(tmp_path, report(), "version: 1\nchecks:\n"
                   "  - {type: max_drop, lang: sw, profile: typo, value: 0.1}\n")
    assert main(["gate", str(rp), "--config", str(gp)]) == 2
    assert "language 'sw' is not in the report (has: de, en, or 'all')" in capsys.readouterr().err


def test_missing_language_rows_fail_closed(tmp_path):
    """A language the report ran but has no row for (its evaluation failed) is a failure."""
    rep = report()
    rep["results"] = [r for r in rep["results"] if r["lang"] != "de"]
    res = G.run_checks(rep, config({"type": "min_score", "lang": "de", "value": 0.0}))
    assert [r.passed for r in res.results] == [True, False]
    assert "no result for de clean s0" in res.results[1].message


def test_step_summary_only_when_the_variable_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    rp, gp = write(tmp_path, report(), GATE)
    assert main(["gate", str(rp), "--config", str(gp), "--quiet"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gate-junit.xml", "gate.yaml",
                                                          "report.json"]
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["gate", str(rp), "--config", str(gp), "--quiet"]) == 0
    text = summary.read_text(encoding="utf-8")
    assert "### robustx gate: passed" in text and text.count("| ✅ |") == 4


def test_api_gate_takes_a_report_document(tmp_path, monkeypatch):
    from robustx import api

    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    gp = tmp_path / "gate.yaml"
    gp.write_text(GATE, encoding="utf-8")
    res = api.gate(report(), gp, junit=tmp_path / "j.xml")
    assert res.passed and (tmp_path / "j.xml").is_file()
    with pytest.raises(UsageError, match="junit"):
        api.gate(report(), gp)


def test_yaml_on_key_is_not_a_boolean(tmp_path):
    """PyYAML reads an unquoted ``on`` key as True (YAML 1.1); the gate reads YAML 1.2 booleans,
    so the documented ``on: gap`` works, and ``yes`` is not silently a boolean."""
    gp = tmp_path / "gate.yaml"
    gp.write_text("version: 1\nchecks:\n  - {type: not_worse, profile: typo, on: gap}\n"
                  "  - {type: max_drop, profile: typo, value: 0.1, relative: true}\n",
                  encoding="utf-8")
    cfg = G.load_config(gp)
    assert cfg.checks[0].on == "gap" and cfg.checks[1].relative is True
    assert [r.passed for r in G.run_checks(report(), cfg).results] == [True, True, True]
    gp.write_text("version: 1\nchecks:\n  - {type: max_drop, profile: typo, value: 0.1, "
                  "relative: yes}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="'relative' must be true or false"):
        G.load_config(gp)


def test_unwritable_junit_is_a_usage_error(tmp_path, capsys):
    rp, gp = write(tmp_path, report(), GATE)
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert main(["gate", str(rp), "--config", str(gp), "--junit",
                 str(tmp_path / "file" / "junit.xml")]) == 2
    assert "cannot write the JUnit XML" in capsys.readouterr().err


def test_missing_row_names_its_own_failure_first():
    rep = report()
    rep["results"] = [r for r in rep["results"] if r["profile"] != "typo" or r["lang"] == "en"]
    rep["failures"] = [{"profile": "typo", "severity": 3, "lang": "de", "error": "OOM"},
                       {"profile": "typo", "severity": 3, "lang": "all",
                        "error": "no language average: some languages have no result"}]
    res = G.run_checks(rep, config({"type": "max_drop", "profile": "typo", "value": 1.0},
                                   {"type": "max_drop", "profile": "typo", "lang": "de",
                                    "value": 1.0}))
    assert res.results[1].message == ("no result for all typo s3 (no language average: some "
                                      "languages have no result; de: OOM)")
    assert res.results[2].message == "no result for de typo s3 (OOM)"


# --- fail closed on every number the gate reads ---------------------------------------------

PASSING = [  # each passes on report(), and reads the fields named with it
    ({"type": "min_score", "profile": "typo", "value": 0.5}, ["score_b"]),
    ({"type": "min_score", "checkpoint": "A", "profile": "typo", "value": 0.5}, ["score_a"]),
    ({"type": "max_drop", "profile": "typo", "value": 0.5}, ["gap_b"]),
    ({"type": "max_drop", "profile": "typo", "value": 0.5, "relative": True}, ["rel_drop_b"]),
    ({"type": "max_drop", "checkpoint": "A", "profile": "typo", "value": 0.5}, ["gap_a"]),
    ({"type": "not_worse", "profile": "typo"}, ["diff.estimate", "diff.ci_low", "diff.ci_high"]),
    ({"type": "not_worse", "profile": "typo", "on": "gap"},
     ["gap_diff.estimate", "gap_diff.ci_low", "gap_diff.ci_high"]),
    ({"type": "not_worse", "profile": "typo", "test": "mcnemar"},
     ["mcnemar.p_value", "diff.estimate"]),
]
BAD_VALUES = [float("nan"), float("inf"), float("-inf"), None, "0.9", True, "missing"]


def _set(row_: dict, field: str, value) -> None:
    *path, last = field.split(".")
    target = row_
    for key in path:
        target = target[key]
    if value == "missing":
        del target[last]
    else:
        target[last] = value


@pytest.mark.parametrize(("check", "field"), [(c, f) for c, fs in PASSING for f in fs])
@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_a_non_finite_or_missing_number_fails_the_check(check, field, value):
    assert outcome(report(), check) == [True]
    rep = report()
    _set(next(r for r in rep["results"] if r["lang"] == "all" and r["profile"] == "typo"),
         field, value)
    [result] = G.run_checks(rep, config(check)).results[1:]
    if field == "rel_drop_b" and value is None:
        assert not result.passed and "no relative drop" in result.message
    else:
        assert not result.passed, (check, field, value, result.message)


def test_mcnemar_nan_while_b_is_50_points_worse_fails():
    rep = report()
    r = next(r for r in rep["results"] if r["lang"] == "all" and r["profile"] == "clean")
    r["diff"]["estimate"] = -50.0
    r["mcnemar"]["p_value"] = float("nan")
    assert outcome(rep, {"type": "not_worse", "test": "mcnemar"}) == [False]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_a_report_file_with_nan_or_infinity_fails_the_gate(tmp_path, text, capsys):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report()).replace('"ci_low": -1.0', f'"ci_low": {text}', 1),
                    encoding="utf-8")
    gate = tmp_path / "gate.yaml"
    gate.write_text("version: 1\nchecks:\n  - {type: min_score, value: 0.5}\n", encoding="utf-8")
    assert main(["gate", str(path), "--config", str(gate)]) == 1
    assert f"{text} is not a number in JSON" in capsys.readouterr().out


@pytest.mark.parametrize("settings", [[], "x", {"bootstrap": []}])
def test_malformed_settings_fail_closed_not_internal_error(tmp_path, settings, capsys):
    rep = report()
    rep["settings"] = settings
    path = tmp_path / "report.json"
    path.write_text(json.dumps(rep), encoding="utf-8")
    gate = tmp_path / "gate.yaml"
    gate.write_text("version: 1\nchecks:\n  - {type: min_score, value: 0.5}\n", encoding="utf-8")
    assert main(["gate", str(path), "--config", str(gate)]) == 1
    assert "'settings' and 'settings.bootstrap' must be objects" in capsys.readouterr().out
