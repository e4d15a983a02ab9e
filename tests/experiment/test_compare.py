"""End to end: `robustx compare` on tiny checkpoints through robustx.cli.main."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from robustx.cli import main, severity_list

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "robustx" / "eval" / "report.schema.json"
LABELS = ("entailment", "neutral", "contradiction")
SENTENCES = {
    "en": ["The quick brown fox jumps over the lazy dog near the river bank.",
           "A man is playing a guitar while the children sing songs in the park.",
           "Paris is the capital of France and Berlin is the capital of Germany."],
    "de": ["Der schnelle braune Fuchs springt über den faulen Hund am Fluss.",
           "Die Hauptstadt von Deutschland ist Berlin, die von Frankreich ist Paris."],
}


def write_xnli(root: Path) -> Path:
    folder = root / "xnli"
    folder.mkdir(parents=True)
    for lang, sents in SENTENCES.items():
        rows = [{"sentence1": sents[i % len(sents)], "sentence2": sents[(i * 7 + 1) % len(sents)],
                 "gold_label": LABELS[i % 3]} for i in range(24)]
        (folder / f"{lang}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Two tiny pair checkpoints, clean data, and one compare run (typo at severities 1 and 3)."""
    from tests.fixtures.tiny_models import build

    root = tmp_path_factory.mktemp("compare")
    a = build("pair", root / "A", seed=0)
    b = build("pair", root / "B", seed=5)
    data = write_xnli(root / "data")
    out = root / "report"
    gate = root / "gate.yaml"
    gate.write_text("version: 1\nchecks:\n"
                    "  - {type: min_score, checkpoint: B, lang: all, profile: clean, value: 0.0}\n"
                    "  - {type: max_drop, checkpoint: B, profile: typo, value: 1.0}\n",
                    encoding="utf-8")
    argv = ["compare", str(a), str(b), "--task", "xnli", "--data", str(data), "--out", str(out),
            "--severity", "1,3", "--lang", "en,de", "--device", "cpu", "--quiet",
            "--gate", str(gate), "--no-cache"]
    code = main(argv)
    return {"a": a, "b": b, "data": data, "out": out, "code": code, "argv": argv, "root": root}


def test_compare_writes_a_schema_valid_report_markdown_and_plots(run):
    import jsonschema

    assert run["code"] == 0
    doc = json.loads((run["out"] / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")),
                        cls=jsonschema.Draft202012Validator)
    assert doc["schema"] == "robustx.report/1"
    assert sorted(doc["languages"]) == ["de", "en"]
    keys = {(r["lang"], r["profile"], r["severity"]) for r in doc["results"]}
    assert keys == {(lang, p, s) for lang in ("en", "de", "all")
                    for p, s in (("clean", 0), ("typo", 1), ("typo", 3))}
    assert doc["failures"] == []
    sigs = [c["signature"] for c in doc["conditions"] if c["profile"] == "typo"]
    assert len(sigs) == 2 and all(s.startswith("typo.v") and "|sev:" in s for s in sigs)
    assert doc["checkpoints"]["A"]["fingerprint"] != doc["checkpoints"]["B"]["fingerprint"]
    md = (run["out"] / "report.md").read_text(encoding="utf-8")
    assert "## Average over languages" in md and "typo s3" in md and sigs[0] in md
    pngs = sorted(p.name for p in (run["out"] / "plots").glob("*.png"))
    assert pngs == ["gap-heatmap.png", "typo-severity.png"]
    assert (run["out"] / "plots" / "gap-heatmap.png").read_bytes()[:4] == b"\x89PNG"
    assert (run["out"] / "gate-junit.xml").is_file()


def test_rows_are_consistent(run):
    doc = json.loads((run["out"] / "report.json").read_text(encoding="utf-8"))
    rows = {(r["lang"], r["profile"], r["severity"]): r for r in doc["results"]}
    for (lang, profile, _sev), r in rows.items():
        assert r["diff"]["estimate"] == pytest.approx(r["score_b"] - r["score_a"])
        assert r["diff"]["ci_low"] <= r["diff"]["ci_high"]
        clean = rows[(lang, "clean", 0)]
        assert r["gap_a"] == pytest.approx(clean["score_a"] - r["score_a"])
        assert (r["gap_diff"] is None) == (profile == "clean")
        assert r["mcnemar"] is not None
    avg = rows[("all", "typo", 3)]
    assert avg["score_a"] == pytest.approx((rows[("en", "typo", 3)]["score_a"]
                                            + rows[("de", "typo", 3)]["score_a"]) / 2)
    assert avg["n"] == 48


def test_an_existing_report_needs_force_and_noisy_data_is_reused(run):
    assert main(run["argv"]) == 2  # report.json exists
    assert main([*run["argv"], "--force"]) == 0
    doc = json.loads((run["out"] / "report.json").read_text(encoding="utf-8"))
    assert [c["reused"] for c in doc["conditions"] if c["profile"] == "typo"] == [True, True]


def test_a_failing_max_drop_or_gate_exits_1_naming_the_check(run, capsys):
    out = run["root"] / "strict"
    gate = run["root"] / "strict.yaml"
    gate.write_text("version: 1\nchecks:\n  - {type: min_score, checkpoint: A, profile: clean, "
                    "value: 0.99, name: A is nearly perfect}\n", encoding="utf-8")
    argv = [*run["argv"][:7], "--out", str(out), "--severity", "1", "--device", "cpu",
            "--gate", str(gate), "--quiet", "--no-cache"]
    assert main(argv) == 1
    assert "FAIL  A is nearly perfect" in capsys.readouterr().err


def test_a_bad_gate_file_is_a_usage_error_before_any_work(run, capsys):
    gate = run["root"] / "bad.yaml"
    gate.write_text("version: 1\nchecks:\n  - {type: min_score, value: 0.5, treshold: 1}\n",
                    encoding="utf-8")
    argv = [*run["argv"][:7], "--out", str(run["root"] / "never"), "--gate", str(gate)]
    assert main(argv) == 2
    assert "'treshold'" in capsys.readouterr().err
    assert not (run["root"] / "never").exists()


def test_unknown_profile_is_a_usage_error(run, capsys):
    argv = [*run["argv"][:7], "--out", str(run["root"] / "never2"), "--profile", "typoo"]
    assert main(argv) == 2
    assert "typo" in capsys.readouterr().err


@pytest.mark.parametrize("text, expected", [("3", [3]), ("1-5", [1, 2, 3, 4, 5]),
                                            ("1,3,5", [1, 3, 5]), ("4,1-2", [1, 2, 4])])
def test_severity_list(text, expected):
    assert severity_list(text) == expected


@pytest.mark.parametrize("text", ["0", "6", "a", "3-1", "1-", ""])
def test_severity_list_rejects(text):
    with pytest.raises(argparse.ArgumentTypeError):
        severity_list(text)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """examples/train_demo.py --tiny, run as a script the way CI and the README run it."""
    out = tmp_path_factory.mktemp("demo") / "demo"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "train_demo.py"),
                           "--out", str(out), "--tiny"], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


DEMO_GATE = """version: 1
checks:
  - {type: min_score, checkpoint: A, profile: clean, value: 0.9, name: A learned the task}
  - {type: min_score, checkpoint: B, profile: clean, value: 0.9, name: B learned the task}
  - {type: not_worse, profile: typo, name: B not worse than A under typos}
  - {type: not_worse, profile: typo, on: gap, name: B's gap not larger than A's}
"""


def test_train_demo_then_compare_its_checkpoints(demo, tmp_path, monkeypatch):
    """The demo trains two models that learn the task, and compare shows what it is for: the
    noise-augmented one loses less under heavy typos, and the gate built on that passes."""
    import jsonschema

    for name in ("standard", "noise-augmented"):
        assert (demo / name / "model.safetensors").is_file()
    monkeypatch.setenv("ROBUSTX_CACHE", str(demo.parent / "cache"))  # shared with the API run
    gate = tmp_path / "gate.yaml"
    gate.write_text(DEMO_GATE, encoding="utf-8")
    report = tmp_path / "report"
    code = main(["compare", str(demo / "standard"), str(demo / "noise-augmented"), "--task",
                 "xnli", "--data", str(demo / "test"), "--out", str(report), "--severity",
                 "1,3,5", "--device", "cpu", "--quiet", "--gate", str(gate)])
    assert code == 0
    doc = json.loads((report / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")),
                        cls=jsonschema.Draft202012Validator)
    assert doc["languages"] == ["de", "en", "es", "fr"] and doc["failures"] == []
    avg = {r["severity"]: r for r in doc["results"] if r["lang"] == "all"}
    assert avg[0]["score_a"] >= 90 and avg[0]["score_b"] >= 90
    assert avg[5]["score_a"] < avg[3]["score_a"] < avg[0]["score_a"]  # a robustness curve
    assert avg[5]["gap_b"] < avg[5]["gap_a"]  # B is the more robust one
    assert avg[5]["gap_diff"]["estimate"] == pytest.approx(avg[5]["gap_b"] - avg[5]["gap_a"])
    assert sorted(p.name for p in (report / "plots").glob("*.png")) == [
        "gap-heatmap.png", "typo-severity.png"]


def test_api_example_runs_on_the_demo(demo, monkeypatch, capsys):
    """examples/api_example.py end to end (in-process; the prediction cache is shared with
    the compare run above, so it only has to corrupt and read)."""
    import importlib.util

    monkeypatch.setenv("ROBUSTX_CACHE", str(demo.parent / "cache"))
    spec = importlib.util.spec_from_file_location("api_example",
                                                  ROOT / "examples" / "api_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    code = module.main(demo)
    out = capsys.readouterr().out
    assert code in (0, 1)  # the example returns the gate's verdict, like the CLI
    assert "noise: typo.v4[" in out and "B - A under typo s3:" in out
    assert "PASS report is readable and complete" in out
    assert (demo / "api-report" / "report.json").is_file()
    assert (demo / "api-report" / "gate-junit.xml").is_file()


# --- caches, reproducibility, fail-fast ------------------------------------------------------

def _forbid(monkeypatch, target: str, what: str):
    def boom(*_a, **_k):
        raise AssertionError(f"{what} should not run")
    monkeypatch.setattr(target, boom)


def test_second_run_reuses_noisy_splits_and_cached_predictions(run, tmp_path, monkeypatch):
    """With the prediction cache on, a re-run scores nothing: every prediction is a cache hit;
    each checkpoint is read from disk twice, not once per condition."""
    import robustx.eval.checkpoint as ckpt
    from robustx.experiment.compare import compare

    kw = {"profiles": ["typo"], "severities": [1, 2], "langs": ["en", "de"],
          "data": run["data"], "out": tmp_path / "r", "device": "cpu",
          "cache_dir": tmp_path / "cache", "bootstrap": 200}
    loads = []
    real_load = ckpt._load
    monkeypatch.setattr(ckpt, "_load", lambda c, *a: loads.append(str(c)) or real_load(c, *a))
    first = compare(run["a"], run["b"], "xnli", **kw)
    # clean A, clean B, then every noisy copy with A and every one with B: 4 reads, not 6
    assert loads == [str(run["a"]), str(run["b"])] * 2
    _forbid(monkeypatch, "robustx.eval.run.predict_split", "inference")
    _forbid(monkeypatch, "robustx.noise.pipeline.run_corruption", "corruption")
    second = compare(run["a"], run["b"], "xnli", force=True, **kw)
    assert [c["reused"] for c in second["conditions"]] == [False, True, True]
    assert second["results"] == first["results"]
    # one language alone: its noisy copies are new folders but the same rows, so still no
    # inference, and the same intervals: the bootstrap seed comes from the language code,
    # not its position in the list
    monkeypatch.undo()
    _forbid(monkeypatch, "robustx.eval.run.predict_split", "inference")
    alone = compare(run["a"], run["b"], "xnli", **{**kw, "langs": ["de"],
                                                   "out": tmp_path / "de"})
    assert [r for r in alone["results"] if r["lang"] == "de"] == [
        r for r in first["results"] if r["lang"] == "de"]


@pytest.mark.parametrize("check, needle", [
    ("{type: min_score, lang: sw, value: 0.3}", "language 'sw' is not in the report"),
    ("{type: max_drop, profile: codeswitch, value: 0.3}", "profile 'codeswitch'"),
    ("{type: max_drop, profile: typo, severity: 5, value: 0.3}", "severity 5 of 'typo'"),
    ("{type: min_score, task: panx, value: 0.3}", "task 'panx'"),
])
def test_a_gate_that_does_not_fit_the_run_exits_2_before_any_model_loads(
        run, tmp_path, monkeypatch, capsys, check, needle):
    from robustx.errors import UsageError
    from robustx.experiment.compare import compare

    _forbid(monkeypatch, "robustx.eval.run.evaluate", "evaluation")
    gate = tmp_path / "gate.yaml"
    gate.write_text(f"version: 1\nchecks:\n  - {check}\n", encoding="utf-8")
    argv = [*run["argv"][:7], "--out", str(tmp_path / "never"), "--severity", "1,3",
            "--lang", "en,de", "--gate", str(gate)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "never").exists()
    with pytest.raises(UsageError, match=re.escape(needle)):  # the API checks it the same way
        compare(run["a"], run["b"], "xnli", severities=[1, 3], langs=["en", "de"],
                data=run["data"], out=tmp_path / "never", gate=gate)


def test_a_missing_checkpoint_b_fails_before_a_is_scored(run, tmp_path, monkeypatch, capsys):
    _forbid(monkeypatch, "robustx.eval.run.evaluate", "evaluation")
    argv = ["compare", str(run["a"]), str(tmp_path / "no-such-ckpt"), "--task", "xnli",
            "--data", str(run["data"]), "--out", str(tmp_path / "never")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("robustx: error: checkpoint ") and "does not exist" in err
    assert err.count("\n") == 1


def test_report_records_the_data_folder_and_validates_strictly(run):
    import jsonschema

    doc = json.loads((run["out"] / "report.json").read_text(encoding="utf-8"))
    assert doc["data"]["source"] == str(run["data"])  # the folder given, not its first file
    assert set(doc["data"]["per_language"]) == {"en", "de"}
    assert {"robustx", "python", "numpy", "torch", "transformers"} <= set(doc["versions"])
    assert doc["settings"]["bootstrap"] == {**doc["settings"]["bootstrap"], "seed": 12345,
                                            "resamples": 1000, "confidence": 0.95}
    assert doc["command"].startswith("robustx compare ")
    assert "(n = 24)" in (run["out"] / "report.md").read_text(encoding="utf-8")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for broken in ({**doc, "schema": "robustx.report/2"},
                   {**doc, "checkpoints": {"A": {"name": "a", "path": "a"}, "B": doc[
                       "checkpoints"]["B"]}},
                   {**doc, "results": [{**doc["results"][0], "diff": {"estimate": 0.0}}]},
                   {k: v for k, v in doc.items() if k != "versions"}):
        assert not validator.is_valid(broken)


def test_ner_compare_bootstraps_corpus_level_entity_f1(tiny_checkpoints, tmp_path):
    """PAN-X on the built-in sample: B - A is the difference of corpus-level entity F1 (what
    the evaluator reports), and comparing a checkpoint with itself gives exactly zero."""
    import jsonschema

    from robustx.experiment.compare import compare
    from tests.fixtures.tiny_models import build

    a = tiny_checkpoints["tagging"]
    b = build("tagging", tmp_path / "B", seed=11)
    kw = {"profiles": ["typo"], "severities": [4], "langs": ["en", "de", "ru"], "sample": True,
          "device": "cpu", "cache": False, "bootstrap": 300}
    doc = compare(a, b, "panx", out=tmp_path / "ab", **kw)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")),
                        cls=jsonschema.Draft202012Validator)
    assert doc["kind"] == "ner" and doc["failures"] == []
    assert doc["data"]["source"] == "robustx built-in sample"
    for r in doc["results"]:
        assert r["mcnemar"] is None  # McNemar is for accuracy metrics only
        assert r["diff"]["estimate"] == pytest.approx(r["score_b"] - r["score_a"])
        assert r["diff"]["ci_low"] <= r["diff"]["ci_high"]
    assert any(r["score_a"] != r["score_b"] for r in doc["results"])
    same = compare(a, a, "panx", out=tmp_path / "aa", **kw)
    for r in same["results"]:
        assert r["diff"] == {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0}
        assert r["gap_diff"] in (None, {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0})


@pytest.mark.parametrize("extra, needle", [
    (["--seed", "-1"], "non-negative integer"),
    (["--out", "FILE"], "exists and is not a folder"),
    (["--severity", "0-3"], "within 1..5"),
    (["--severity", "two"], "severity must look like"),
    (["--max-drop", "5"], "fraction of the metric"),
    (["--profile", "typo", "--profile", "typo"], "two profiles are both named 'typo'"),
    (["--task", "panx"], "no panx data here (expected files under panx/"),
    (["--lang", "sw"], "no data for language(s) sw"),
])
def test_hostile_arguments_exit_2_with_one_line_before_any_model_loads(
        run, tmp_path, monkeypatch, capsys, extra, needle):
    _forbid(monkeypatch, "robustx.eval.run.evaluate", "evaluation")
    (tmp_path / "FILE").write_text("", encoding="utf-8")
    extra = [str(tmp_path / "FILE") if a == "FILE" else a for a in extra]
    argv = [*run["argv"][:7], "--out", str(tmp_path / "out"), *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and err.startswith("robustx: error: ")


def test_a_profile_that_does_not_cover_a_language_exits_2_before_any_model_loads(
        run, tmp_path, monkeypatch, capsys):
    _forbid(monkeypatch, "robustx.eval.run.evaluate", "evaluation")
    argv = [*run["argv"][:7], "--out", str(tmp_path / "out"), "--profile", "translit"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "profile translit does not cover de, en" in err and err.count("\n") == 1


def test_a_fully_cached_rerun_does_not_read_the_models(run, tmp_path, monkeypatch):
    from robustx.experiment.compare import compare

    kw = {"profiles": ["typo"], "severities": [1], "langs": ["en"], "data": run["data"],
          "out": tmp_path / "r", "device": "cpu", "cache_dir": tmp_path / "cache",
          "bootstrap": 50}
    compare(run["a"], run["b"], "xnli", **kw)
    _forbid(monkeypatch, "robustx.eval.checkpoint._load", "reading a checkpoint")
    compare(run["a"], run["b"], "xnli", force=True, **kw)


@pytest.mark.parametrize("problem", ["pickle", "head"])
def test_a_pickle_only_or_wrong_head_checkpoint_fails_before_any_noisy_copy(
        tiny_checkpoints, tmp_path, capsys, problem):
    from tests.fixtures.tiny_models import build

    bad = (build("pair", tmp_path / "pickled", safetensors=False) if problem == "pickle"
           else tiny_checkpoints["tagging"])
    code = main(["compare", str(tiny_checkpoints["pair"]), str(bad), "--task", "xnli",
                 "--sample", "--lang", "de", "--severity", "1-5", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert ("pickle" in err) if problem == "pickle" else ("does not fit a pair task" in err)
    assert not (tmp_path / "r").exists()


def test_progress_bars_say_which_checkpoint_condition_and_language_run(
        tiny_checkpoints, tmp_path, monkeypatch):
    import contextlib

    from robustx import api

    seen: list[str] = []

    @contextlib.contextmanager
    def recording(enabled, total, desc, **_):
        seen.append(desc)

        def advance(n=0, description=None):
            if description:
                seen.append(description)

        yield advance

    monkeypatch.setattr("robustx.eval.engine.bar", recording)
    monkeypatch.setattr("robustx.noise.pipeline.bar", recording)
    pair = str(tiny_checkpoints["pair"])
    api.compare(pair, pair, "xnli", sample=True, langs=["de"], severities=[1, 3],
                out=tmp_path / "r", device="cpu", cache=False, progress=True, plots=False)
    assert {"typo s1 xnli/de", "typo s3 xnli/de"} <= set(seen)
    assert {"A clean de", "B clean de", "A typo-s1 de", "B typo-s3 de"} <= set(seen)


def test_report_md_shows_the_gate_verdict_the_noise_and_the_plots(demo, tmp_path, capsys):
    out = tmp_path / "r"
    code = main(["compare", str(demo / "standard"), str(demo / "noise-augmented"), "--task",
                 "xnli", "--data", str(demo / "test"), "--severity", "1,3", "--out", str(out),
                 "--gate", str(ROOT / "examples" / "gate.yaml"), "--quiet"])
    capsys.readouterr()
    md = (out / "report.md").read_text(encoding="utf-8")
    assert code == 0 and "## Gate: passed" in md and "| ✅ | report is readable" in md
    assert "## Noise per condition" in md and "| typo s3 |" in md
    for plot in ("typo-severity.png", "gap-heatmap.png"):
        assert f"(plots/{plot})" in md and (out / "plots" / plot).is_file()
