"""Unlabeled test splits as XTREME ships them (XNLI/PAWS-X: sentence pairs only; PAN-X/UD-POS:
tokens only; QA: answers ``{"answer_start": 0, "text": ""}``): ``evaluate`` predicts them and
reports them as unlabeled, ``compare`` refuses them in one line, ``corrupt`` noises them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from robustx.cli import main
from tests.xtreme.evaluate import read_label, read_squad, read_tag

SAMPLE = Path(__file__).resolve().parents[2] / "robustx" / "tasks" / "sample"
SCHEMA = Path(__file__).resolve().parents[2] / "robustx" / "eval" / "scores.schema.json"
STRIP = {"xnli": ("gold_label",), "panx": ("ner_tags", "langs"), "udpos": ("pos_tags",)}
CKPT = {"xnli": "pair", "panx": "tagging", "udpos": "udpos", "xquad": "qa"}


@pytest.fixture(scope="module")
def ckpts(tiny_checkpoints, tmp_path_factory):
    from robustx.tasks import TASKS
    from tests.fixtures.tiny_models import build

    root = tmp_path_factory.mktemp("unlabeled-ckpt")
    return {**tiny_checkpoints,
            "udpos": build("tagging", root / "udpos", labels=TASKS.get("udpos").labels, seed=6)}


def unlabeled(task: str, lang: str, folder: Path) -> Path:
    """The sample's ``task/lang`` without its gold, in XTREME's test-file shape."""
    out = []
    for line in (SAMPLE / task / f"{lang}.jsonl").read_text("utf-8").splitlines():
        r = json.loads(line)
        for k in STRIP.get(task, ()):
            r.pop(k, None)
        if task == "xquad":
            r["answers"] = {"answer_start": [0], "text": [""]}
        out.append(json.dumps(r, ensure_ascii=False) + "\n")
    path = folder / task / f"{lang}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(out), encoding="utf-8")
    return path


def rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("task", list(CKPT))
def test_evaluate_predicts_unlabeled_splits_and_reports_them(ckpts, tmp_path, capsys, task):
    import jsonschema

    data = unlabeled(task, "de", tmp_path / "data")
    preds, out = tmp_path / "preds", tmp_path / "scores.json"
    code = main(["evaluate", str(ckpts[CKPT[task]]), "--task", task, "--data",
                 str(data), "--device", "cpu", "--no-cache", "--out", str(out),
                 "--predictions", str(preds)])
    err = capsys.readouterr().err
    assert code == 0, err
    doc = json.loads(out.read_text("utf-8"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text("utf-8")),
                        cls=jsonschema.Draft202012Validator)
    assert doc["unlabeled"] == ["de"] and doc["average"]["score"] is None
    assert doc["results"]["de"] == {**doc["results"]["de"], "score": None, "metrics": {},
                                    "unlabeled": True}
    n = len(rows(data))
    if task == "xquad":
        got = read_squad(str(preds / task / "test-de.json"))
        assert sorted(got) == sorted(r["id"] for r in rows(data))
    elif task == "xnli":
        assert len(read_label(str(preds / task / "test-de.tsv"))) == n
    else:
        assert [len(s) for s in read_tag(str(preds / task / "test-de.tsv"))] == [
            len(r["tokens"]) for r in rows(data)]


def test_a_mix_of_labelled_and_unlabeled_averages_the_labelled(tiny_checkpoints, tmp_path,
                                                               capsys):
    data = tmp_path / "data"
    unlabeled("xnli", "de", data)
    (data / "xnli" / "ru.jsonl").write_bytes((SAMPLE / "xnli" / "ru.jsonl").read_bytes())
    out = tmp_path / "scores.json"
    code = main(["evaluate", str(tiny_checkpoints["pair"]), "--task", "xnli", "--data",
                 str(data), "--device", "cpu", "--no-cache", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    doc = json.loads(out.read_text("utf-8"))
    assert doc["unlabeled"] == ["de"]
    assert doc["average"]["score"] == doc["results"]["ru"]["score"]


def test_compare_on_unlabeled_data_is_one_line_saying_it_needs_gold(tiny_checkpoints,
                                                                    tmp_path, capsys):
    data = unlabeled("panx", "de", tmp_path / "data")
    ckpt = str(tiny_checkpoints["tagging"])
    code = main(["compare", ckpt, ckpt, "--task", "panx", "--data", str(data), "--out",
                 str(tmp_path / "report"), "--device", "cpu", "--no-cache"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert "has no gold labels" in err and "a comparison needs gold" in err
    assert "robustx evaluate --predictions DIR" in err
    assert not (tmp_path / "report" / "report.json").exists()


@pytest.mark.parametrize("task", ["xnli", "panx", "udpos", "xquad"])
def test_corrupt_noises_unlabeled_files(tmp_path, capsys, task):
    data = unlabeled(task, "de", tmp_path / "data")
    out = tmp_path / "noisy"
    code = main(["corrupt", "--profile", "typo", "--severity", "5", "--task", task,
                 "--input", str(data), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 0, err
    clean, noisy = rows(data), rows(out / f"{task}" / "de.jsonl") if (
        out / task).is_dir() else rows(out / "de.jsonl")
    assert len(noisy) == len(clean) and noisy != clean
    for c, n in zip(clean, noisy, strict=True):
        assert set(n) == set(c)  # no gold column appears
        if "tokens" in c:
            assert len(n["tokens"]) == len(c["tokens"])
        if task == "xquad":
            assert n["answers"] == {"answer_start": [0], "text": [""]}
            assert n["id"] == c["id"]
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    assert m["invalid_examples"] == 0
    assert m["intensity"]["de"]["share_words_changed"] > 0


@pytest.mark.parametrize(("task", "line"), [
    ("tatoeba", {"source_sentence": "Ich bin hier."}),  # no target column at all
    ("bucc", {"source_sentence": "Ich bin hier.", "target_sentence": None}),  # no target row
])
def test_a_retrieval_split_with_one_side_only_is_predicted_as_unlabeled(
        tiny_checkpoints, tmp_path, capsys, task, line):
    (tmp_path / "de.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    code = main(["evaluate", str(tiny_checkpoints["retrieval"]), "--task", task, "--data",
                 str(tmp_path / "de.jsonl"), "--device", "cpu", "--no-cache", "--quiet",
                 "--out", str(tmp_path / "s.json")])
    assert code == 0, capsys.readouterr().err
    result = json.loads((tmp_path / "s.json").read_text())["results"]["de"]
    assert result["unlabeled"] and result["score"] is None
