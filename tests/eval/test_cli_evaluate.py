"""`robustx evaluate` through the command line: every task family, and hostile input.

Checkpoints are tiny XLM-R models of each head built on the fly (tests/fixtures/tiny_models.py);
the data is the built-in sample (and a small TyDiQA file written here).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from robustx.cli import main
from robustx.tasks import TASKS

from .helpers import PAIR_ROWS, QA_ROWS, write_jsonl

SAMPLE = Path(__file__).resolve().parents[2] / "robustx" / "tasks" / "sample"
SCHEMA = Path(__file__).resolve().parents[2] / "robustx" / "eval" / "scores.schema.json"


@pytest.fixture(scope="module")
def ckpts(tiny_checkpoints, tmp_path_factory):
    """The session's tiny checkpoints plus a PAWS-X (generic LABEL_i) and a UD-POS one."""
    from tests.fixtures.tiny_models import build

    root = tmp_path_factory.mktemp("cli-ckpt")
    return {**tiny_checkpoints,
            "pawsx": build("pair", root / "pawsx", labels=("LABEL_0", "LABEL_1"), seed=5),
            "udpos": build("tagging", root / "udpos", labels=TASKS.get("udpos").labels, seed=6)}


def run(capsys, *args):
    code = main([str(a) for a in args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


CASES = [  # task, checkpoint, data file (relative to the sample), language, metric
    ("xnli", "pair", "xnli/de.jsonl", "de", "accuracy"),
    ("pawsx", "pawsx", "pawsx/ko.jsonl", "ko", "accuracy"),
    ("panx", "tagging", "panx/zh.jsonl", "zh", "f1"),
    ("udpos", "udpos", "udpos/th.jsonl", "th", "f1"),
    ("xquad", "qa", "xquad/th.jsonl", "th", "f1"),
    ("mlqa", "qa", "mlqa/zh.jsonl", "zh", "f1"),
    ("tydiqa", "qa", None, "en", "f1"),
    ("tatoeba", "retrieval", "tatoeba/ko.jsonl", "ko", "accuracy"),
    ("bucc", "retrieval", "bucc/zh.jsonl", "zh", "f1"),
]


@pytest.mark.parametrize(("task", "ckpt", "rel", "lang", "metric"), CASES)
def test_every_task_through_the_cli(ckpts, tmp_path, capsys, task, ckpt, rel, lang, metric):
    import jsonschema

    data = SAMPLE / rel if rel else write_jsonl(tmp_path / "tydiqa" / "en.jsonl", QA_ROWS)
    out = tmp_path / "scores.json"
    code, stdout, err = run(capsys, "evaluate", ckpts[ckpt], "--task", task, "--data", data,
                            "--device", "cpu", "--cache-dir", tmp_path / "cache", "--out", out)
    assert code == 0, err
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()), cls=jsonschema.Draft202012Validator)
    assert (doc["task"], doc["metric"], doc["languages"]) == (task, metric, [lang])
    lines = Path(data).read_text(encoding="utf-8").splitlines()
    assert doc["results"][lang]["n"] == sum(1 for line in lines if line.strip())
    assert "avg" in stdout and lang in stdout                    # the table
    if ckpt == "pawsx":                                           # generic labels: one line
        assert err.startswith("robustx: warning:") and "index" in err
        assert len(err.strip().splitlines()) == 1


def test_noisy_folder_from_corrupt_carries_its_signature(ckpts, tmp_path, capsys):
    noisy = tmp_path / "noisy"
    code, _, err = run(capsys, "corrupt", "--profile", "typo", "--task", "xnli", "--sample",
                       "--lang", "de", "--out", noisy, "--quiet")
    assert code == 0, err
    out = tmp_path / "scores.json"
    code, _, err = run(capsys, "evaluate", ckpts["pair"], "--task", "xnli", "--data", noisy,
                       "--device", "cpu", "--no-cache", "--out", out, "--quiet")
    assert code == 0, err
    doc = json.loads(out.read_text())
    manifest = json.loads((noisy / "manifest.json").read_text())
    assert doc["data"]["noise_signature"] == manifest["signature"]
    assert doc["results"]["de"]["noise_signature"] == manifest["signature"]


@pytest.fixture(scope="module")
def bad_cases(ckpts, tmp_path_factory):
    """name -> (argv, expected text of the one error line); files are made once."""
    from tests.fixtures.tiny_models import build

    tmp_path = tmp_path_factory.mktemp("bad")
    xnli = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    empty = tmp_path / "empty" / "de.jsonl"
    empty.parent.mkdir()
    empty.write_text("")
    odd = write_jsonl(tmp_path / "odd" / "de.jsonl", [{**PAIR_ROWS[0], "gold_label": "maybe"}])
    (tmp_path / "ckpts").mkdir()
    exists = tmp_path / "exists.json"
    exists.write_text("{}")
    ev = ["evaluate", ckpts["pair"], "--task", "xnli", "--device", "cpu", "--no-cache"]
    return {
        "_root": tmp_path,
        "missing checkpoint": (["evaluate", tmp_path / "nope", "--task", "xnli", "--data", xnli],
                               "does not exist"),
        "missing relative checkpoint": (["evaluate", "ckpts/none", "--task", "xnli",
                                         "--data", xnli], "does not exist"),
        "hub id offline": (["evaluate", "some-org/no-model", "--task", "xnli", "--data", xnli],
                           "cannot be fetched from the hub"),
        "pickle-only checkpoint": (["evaluate", build("pair", tmp_path / "pickled",
                                                      safetensors=False),
                                    "--task", "xnli", "--data", xnli], "--allow-pickle"),
        "head does not fit task": (["evaluate", ckpts["tagging"], "--task", "xnli",
                                    "--data", xnli], "does not fit a pair task"),
        "qa checkpoint for tagging": (["evaluate", ckpts["qa"], "--task", "panx",
                                       "--data", SAMPLE / "panx" / "en.jsonl"],
                                      "ForTokenClassification"),
        "label names do not match": (["evaluate", build("pair", tmp_path / "yesno",
                                                        labels=("yes", "no", "maybe")),
                                      "--task", "xnli", "--data", xnli], "cannot match"),
        "gold label not in the task": ([*ev, "--data", odd], "gold label"),
        "empty split": ([*ev, "--data", empty], "no examples"),
        "no data for the language": ([*ev, "--data", xnli.parent, "--lang", "fr"],
                                     "no data for language"),
        "non-existent data file": ([*ev, "--data", tmp_path / "nope.jsonl"], "no such file"),
        "layer too high": (["evaluate", ckpts["retrieval"], "--task", "tatoeba", "--data",
                            SAMPLE / "tatoeba" / "ko.jsonl", "--layer", "99"], "--layer must"),
        "negative layer": (["evaluate", ckpts["retrieval"], "--task", "tatoeba", "--data",
                            SAMPLE / "tatoeba" / "ko.jsonl", "--layer", "-1"], "--layer must"),
        "layer not a number": ([*ev, "--data", xnli, "--layer", "seven"], "invalid int"),
        "layer for a pair task": ([*ev, "--data", xnli, "--layer", "3"],
                                  "--layer picks the hidden layer of retrieval embeddings"),
        "pool for a pair task": ([*ev, "--data", xnli, "--pool", "cls"],
                                 "--pool picks the pooling of retrieval embeddings"),
        "unknown pool": (["evaluate", ckpts["retrieval"], "--task", "tatoeba", "--data",
                          SAMPLE / "tatoeba" / "ko.jsonl", "--pool", "max"], "invalid choice"),
        "zero batch tokens": ([*ev, "--data", xnli, "--batch-tokens", "0"], "positive integer"),
        "negative batch tokens": ([*ev, "--data", xnli, "--batch-tokens", "-8"],
                                  "positive integer"),
        "batch tokens not a number": ([*ev, "--data", xnli, "--batch-tokens", "lots"],
                                      "positive integer"),
        "fp16 on cpu": ([*ev, "--data", xnli, "--precision", "fp16"], "fp16 needs a CUDA"),
        "unknown task": (["evaluate", ckpts["pair"], "--task", "xnlii", "--data", xnli],
                         "unknown task"),
        "existing --out": ([*ev, "--data", xnli, "--out", exists], "--force"),
        "--out is a folder": ([*ev, "--data", xnli, "--out", tmp_path], "is a folder"),
    }


BAD = ["missing checkpoint", "missing relative checkpoint", "hub id offline",
       "pickle-only checkpoint", "head does not fit task", "qa checkpoint for tagging",
       "label names do not match", "gold label not in the task", "empty split",
       "no data for the language", "non-existent data file", "layer too high", "negative layer",
       "layer not a number", "layer for a pair task", "pool for a pair task", "unknown pool",
       "zero batch tokens", "negative batch tokens",
       "batch tokens not a number", "fp16 on cpu", "unknown task", "existing --out",
       "--out is a folder"]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_exits_2_with_one_clear_line(bad_cases, capsys, monkeypatch, case):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # never the network
    argv, expected = bad_cases[case]
    monkeypatch.chdir(bad_cases["_root"])                   # where ckpts/ exists
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("robustx: error:") and expected in lines[0], lines[0]
    assert "Traceback" not in err


def test_existing_out_is_replaced_with_force(ckpts, tmp_path, capsys):
    out = tmp_path / "scores.json"
    out.write_text("{}")
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    code, _, err = run(capsys, "evaluate", ckpts["pair"], "--task", "xnli", "--data", data,
                       "--device", "cpu", "--no-cache", "--out", out, "--force", "--quiet")
    assert code == 0, err
    assert json.loads(out.read_text())["schema"] == "robustx.scores/1"


def test_a_mistyped_checkpoint_path_fails_before_any_data_is_read(tmp_path, capsys, monkeypatch):
    def no_data(*_a, **_k):
        raise AssertionError("data should not be read")

    monkeypatch.setattr("robustx.tasks.sources.load_splits", no_data)
    code, _, err = run(capsys, "evaluate", str(tmp_path / "no-such-ckpt"), "--task", "xnli")
    assert code == 2 and "does not exist" in err and err.count("\n") == 1
