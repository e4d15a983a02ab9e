"""Hostile files through the CLI: exit 0 with a valid drop-in output, or exit 2 with one line
and nothing left on disk. Anything else (a traceback, exit 3, a stray folder) is a bug.

``ROBUSTX_FUZZ_EXAMPLES`` sets the cases per command (CI: the defaults below).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robustx.cli import main

N = int(os.environ.get("ROBUSTX_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=N or 2000, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

TASKS = {  # task -> its columns, as a valid row has them
    "xnli": {"sentence1": "s", "sentence2": "s", "gold_label": "label"},
    "panx": {"tokens": "tokens", "ner_tags": "tags"},
    "xquad": {"id": "s", "context": "s", "question": "s", "answers": "answers"},
    "tatoeba": {"source_sentence": "s", "target_sentence": "s"},
}
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["[/oops]", "[bold red]x", "../../etc/passwd", "/dev/null", "C:\\x",
                     "\x00", "\ufeff", "\u200d\u200c", "ครั้ง", "कीि", "", " ", "\n", "\t",
                     '"quoted"', "{\"a\": 1}", "[1, 2]", "NaN", "null", "x" * 5000]),
)
SCALAR = st.one_of(HOSTILE_TEXT, st.integers(-3, 10**12), st.floats(allow_nan=True),
                   st.booleans(), st.none())
VALUE = st.one_of(SCALAR, st.lists(SCALAR, max_size=4),
                  st.dictionaries(st.sampled_from(["text", "answer_start", "x"]),
                                  st.one_of(SCALAR, st.lists(SCALAR, max_size=3)), max_size=3))


@st.composite
def good_value(draw, kind: str):
    if kind == "s":
        return draw(HOSTILE_TEXT)
    if kind == "label":
        return draw(st.one_of(st.sampled_from(["entailment", "neutral", "contradiction"]),
                              st.integers(-1, 3), HOSTILE_TEXT))
    words = draw(st.lists(HOSTILE_TEXT, max_size=6))
    if kind == "tokens":
        return words
    if kind == "tags":
        return draw(st.lists(st.one_of(st.integers(-1, 8), st.sampled_from(["O", "B-PER", "X"])),
                             max_size=6))
    text = draw(HOSTILE_TEXT)
    return {"text": [text], "answer_start": [draw(st.integers(-2, 50))]}


def _make_consistent(row: dict, i: int) -> None:
    """Tags as many as tokens, the answer where it is in its context, a unique id."""
    if "tokens" in row:
        row["ner_tags"] = [0] * len(row["tokens"])
    if "answers" in row:
        ctx = row["context"] or "x"
        start = min(len(ctx) - 1, abs(row["answers"]["answer_start"][0]))
        row.update(context=ctx, id=f"q{i}",
                   answers={"text": [ctx[start:start + 3]], "answer_start": [start]})
    if "gold_label" in row and not isinstance(row["gold_label"], str):
        row["gold_label"] = "neutral"


@st.composite
def hostile_file(draw):
    task = draw(st.sampled_from(sorted(TASKS)))
    cols = TASKS[task]
    well_formed = draw(st.booleans())  # half the cases: right shape, hostile text only
    rows = []
    for i in range(draw(st.integers(0 if not well_formed else 1, 4))):
        row = {c: draw(good_value(k)) for c, k in cols.items()
               if well_formed or draw(st.floats(0, 1)) > 0.08}  # sometimes a column is missing
        if well_formed:
            _make_consistent(row, i)
        elif draw(st.booleans()) and row:  # sometimes a value of the wrong type
            row[draw(st.sampled_from(sorted(row)))] = draw(VALUE)
        if not well_formed and draw(st.floats(0, 1)) < 0.1:  # an odd extra column
            row[draw(st.sampled_from(["__rx_para", "[x]", "", "language", "lang"]))] = \
                draw(SCALAR)
        rows.append(row)
    fmt = draw(st.sampled_from(["jsonl", "json", "csv", "tsv"]))
    if fmt == "jsonl":
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    elif fmt == "json":
        data = json.dumps(rows, ensure_ascii=False)
    else:
        sep = "\t" if fmt == "tsv" else ","
        head = list(dict.fromkeys(k for r in rows for k in r)) or list(cols)
        def cell(v):
            return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)

        data = sep.join(head) + "\n" + "".join(
            sep.join(cell(r.get(k, "")).replace(sep, " ").replace("\n", " ") for k in head)
            + "\n" for r in rows)
    raw = data.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "latin-1"])),
                      errors="replace")
    if draw(st.floats(0, 1)) < 0.15:  # truncated mid-file
        raw = raw[:draw(st.integers(0, max(0, len(raw) - 1)))]
    return task, fmt, raw


@contextlib.contextmanager
def hostile_input(case):
    """(task, the file written in a fresh folder, that folder), removed afterwards."""
    task, fmt, raw = case
    workdir = Path(tempfile.mkdtemp())
    try:
        src = workdir / f"de.{fmt}"
        src.write_bytes(raw)
        yield task, src, workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def _check_outcome(code: int, err: str, workdir: Path, keep: set[str]) -> None:
    assert code in (0, 2), err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("robustx: error: "), err
        assert {p.name for p in workdir.iterdir()} == keep, sorted(workdir.iterdir())


@pytest.mark.slow
@FUZZ
@given(case=hostile_file(), profile=st.sampled_from(["typo", "homoglyph", "codeswitch",
                                                      "translit", "mixed"]))
def test_corrupt_on_hostile_files(case, profile):
    from robustx.tasks.sources import load_splits

    with hostile_input(case) as (task, src, workdir):
        out = workdir / "out"
        code, err = _run(["corrupt", "--profile", profile, "--task", task, "--input", str(src),
                          "--out", str(out), "--quiet"])
        _check_outcome(code, err, workdir, {src.name})
        if code == 0:  # drop-in: the output reads back as the same task, row for row
            (clean,), (noisy,) = load_splits(task, data=src), load_splits(task, data=out / src.name)
            assert len(noisy.dataset) == len(clean.dataset)
            assert noisy.dataset.column_names == clean.dataset.column_names
            assert {p.name for p in workdir.iterdir()} == {src.name, "out"}


REPORT_VALUE = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.none(),
                         st.text(max_size=5), st.booleans(), st.lists(st.integers(), max_size=2),
                         st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@st.composite
def hostile_report(draw):
    from tests.eval.test_gate import report

    doc = report()
    for _ in range(draw(st.integers(0, 4))):
        target = doc
        path = draw(st.sampled_from([
            ("results", "row", "score_b"), ("results", "row", "gap_b"),
            ("results", "row", "diff", "ci_low"), ("results", "row", "mcnemar", "p_value"),
            ("results", "row", "rel_drop_b"), ("results", "row", "lang"),
            ("results", "row", "severity"), ("conditions",), ("settings",), ("failures",),
            ("schema",), ("languages",), ("results",)]))
        for key in path[:-1]:
            if key == "row":
                rows = target if isinstance(target, list) else []
                target = draw(st.sampled_from(rows)) if rows else {}
            else:
                target = target.get(key, {}) if isinstance(target, dict) else {}
        if isinstance(target, dict):
            target[path[-1]] = draw(REPORT_VALUE)
    text = json.dumps(doc, allow_nan=True)
    if draw(st.floats(0, 1)) < 0.1:
        text = text[:draw(st.integers(0, len(text)))]
    return text


GATE = "version: 1\nchecks:\n  - {type: min_score, value: 0.5}\n  - {type: not_worse, " \
       "profile: typo}\n  - {type: max_drop, profile: typo, value: 0.5}\n" \
       "  - {type: not_worse, profile: clean, test: mcnemar}\n"


@FUZZ
@given(text=hostile_report())
def test_gate_on_hostile_reports_never_passes_a_broken_one(text):
    workdir = Path(tempfile.mkdtemp())
    try:
        rep, gate = workdir / "report.json", workdir / "gate.yaml"
        rep.write_text(text, encoding="utf-8")
        gate.write_text(GATE, encoding="utf-8")
        code, err = _run(["gate", str(rep), "--config", str(gate), "--quiet"])
        assert code in (0, 1, 2), err
        if code == 2:
            assert len(err.strip().splitlines()) == 1, err
        if code == 0:  # only a report whose every number the gate reads is sound may pass
            doc = json.loads(text)
            for r in doc["results"]:  # a NaN anywhere fails the gate, read or not
                for k in ("score_a", "score_b", "gap_a", "gap_b"):
                    v = r.get(k)
                    assert isinstance(v, (int, float)) and not isinstance(v, bool) \
                        and math.isfinite(v), (k, v)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


EVAL_FUZZ = settings(max_examples=N or 2000, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(HealthCheck))
CKPT_FAMILY = {"xnli": "pair", "panx": "tagging", "xquad": "qa", "tatoeba": "retrieval"}


@pytest.mark.slow
@EVAL_FUZZ
@given(case=hostile_file())
def test_evaluate_on_hostile_files(tiny_checkpoints, case):
    with hostile_input(case) as (task, src, workdir):
        out = workdir / "scores.json"
        code, err = _run(["evaluate", str(tiny_checkpoints[CKPT_FAMILY[task]]), "--task", task,
                          "--data", str(src), "--device", "cpu", "--no-cache", "--quiet",
                          "--out", str(out)])
        _check_outcome(code, err, workdir, {src.name})
        if code == 0:
            doc = json.loads(out.read_text(encoding="utf-8"))
            assert doc["task"] == task and doc["results"]
            # a file without gold (tokens only: XTREME's test layout) is predicted, not scored
            assert all(math.isfinite(r["score"]) if not r.get("unlabeled") else r["score"] is None
                       for r in doc["results"].values())


@pytest.mark.slow
@settings(max_examples=N or 2000, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(case=hostile_file())
def test_compare_on_hostile_files(tiny_checkpoints, case):
    with hostile_input(case) as (task, src, workdir):
        ckpt = str(tiny_checkpoints[CKPT_FAMILY[task]])
        code, err = _run(["compare", ckpt, ckpt, "--task", task, "--data", str(src),
                          "--device", "cpu", "--no-cache", "--quiet", "--out",
                          str(workdir / "r")])
        assert code in (0, 1, 2), err
        if code == 2:
            _check_outcome(code, err, workdir, {src.name})
        else:
            doc = json.loads((workdir / "r" / "report.json").read_text(encoding="utf-8"))
            assert doc["task"] == task
