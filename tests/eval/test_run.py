"""End to end: evaluate() on local files for every family, the cache, and typed errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from robustx.errors import InputError, ModelError
from robustx.eval import run as R
from robustx.eval.metrics import METRICS

from .helpers import PAIR_ROWS, QA_ROWS, RETRIEVAL_ROWS, TAG_ROWS, make_split, write_jsonl

CASES = [
    ("xnli", "pair", "de", PAIR_ROWS, "accuracy"),
    ("panx", "tagging", "en", TAG_ROWS, "f1"),
    ("xquad", "qa", "en", QA_ROWS, "f1"),
    ("mlqa", "qa", "zh", QA_ROWS, "f1"),
    ("tatoeba", "retrieval", "de", RETRIEVAL_ROWS, "accuracy"),
    ("bucc", "retrieval", "de", RETRIEVAL_ROWS, "f1"),
]


def _eval(ckpt, task, data, tmp_path, **kw):
    kw.setdefault("cache_dir", tmp_path / "cache")
    return R.evaluate(ckpt, task, data=data, device="cpu", progress=False, **kw)


@pytest.mark.parametrize(("task", "family", "lang", "rows", "metric"), CASES)
def test_evaluate_every_family(tiny_checkpoints, tmp_path, task, family, lang, rows, metric):
    data = write_jsonl(tmp_path / "data" / task / f"{lang}.jsonl", rows)
    doc = _eval(tiny_checkpoints[family], task, data, tmp_path, return_predictions=True)
    assert doc["schema"] == "robustx.scores/1"
    assert (doc["task"], doc["family"], doc["metric"]) == (task, family, metric)
    res = doc["results"][lang]
    assert res["n"] == len(rows) and 0.0 <= res["score"] <= 100.0
    assert doc["average"]["score"] == pytest.approx(res["score"])
    assert len(doc["checkpoint"]["fingerprint"]) == 16 and doc["precision"] == "fp32"
    assert doc["data"]["noise_signature"] is None
    pred = doc["predictions"][lang]
    assert all(len(v) == len(rows) for v in pred["stats"].values())
    sums = {k: sum(v) for k, v in pred["stats"].items()}
    again = METRICS.get(pred["kind"]).from_sums(sums, len(rows))
    assert again[metric] == pytest.approx(res["metrics"][metric])
    json.dumps(doc)  # the whole document is JSON


def test_known_scores_by_hand(tiny_checkpoints, tmp_path):
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    doc = _eval(tiny_checkpoints["pair"], "xnli", data, tmp_path, return_predictions=True)
    preds = doc["predictions"]["de"]["pred"]
    gold = [r["gold_label"] for r in PAIR_ROWS]
    expected = 100 * sum(p == g for p, g in zip(preds, gold, strict=True)) / len(gold)
    assert doc["results"]["de"]["metrics"]["accuracy"] == pytest.approx(expected)


def test_int_labels_facebook_xnli_columns(tiny_checkpoints, tmp_path):
    names = ["entailment", "neutral", "contradiction"]
    rows = [{"premise": r["sentence1"], "hypothesis": r["sentence2"],
             "label": names.index(r["gold_label"])} for r in PAIR_ROWS]
    a = _eval(tiny_checkpoints["pair"], "xnli", write_jsonl(tmp_path / "a" / "de.jsonl", rows),
              tmp_path, cache=False, return_predictions=True)
    b = _eval(tiny_checkpoints["pair"], "xnli",
              write_jsonl(tmp_path / "b" / "de.jsonl", PAIR_ROWS), tmp_path, cache=False,
              return_predictions=True)
    assert a["predictions"]["de"]["stats"] == b["predictions"]["de"]["stats"]


def test_cache_makes_rescoring_free_and_no_cache_bypasses(tiny_checkpoints, tmp_path,
                                                          monkeypatch):
    data = write_jsonl(tmp_path / "panx" / "en.jsonl", TAG_ROWS)
    first = _eval(tiny_checkpoints["tagging"], "panx", data, tmp_path)
    assert list((tmp_path / "cache" / "predictions").glob("*.json"))

    def boom(*a, **k):
        raise AssertionError("predicted again")

    monkeypatch.setattr(R, "predict_split", boom)
    second = _eval(tiny_checkpoints["tagging"], "panx", data, tmp_path)
    assert second["results"] == first["results"]
    with pytest.raises(AssertionError, match="predicted again"):
        _eval(tiny_checkpoints["tagging"], "panx", data, tmp_path, cache=False)


def test_squad_json_scores_like_its_rows_and_its_noisy_copy_reads_back(tiny_checkpoints,
                                                                        tmp_path):
    """SQuAD-style JSON goes through the same loader as for ``corrupt``: the hidden columns it
    adds change neither the predictions nor the data fingerprint (the cache key)."""
    from robustx import api

    doc = {"version": "1.1", "data": [{"title": "t", "paragraphs": [
        {"context": QA_ROWS[0]["context"], "qas": [
            {"id": "q1", "question": QA_ROWS[0]["question"],
             "answers": [{"answer_start": 46, "text": "1903"}]},
            {"id": "q1b", "question": "What did Marie Curie win?",
             "answers": [{"answer_start": 20, "text": "Nobel Prize"}]}]}]},
        {"paragraphs": [{"context": r["context"], "qas": [
            {"id": r["id"], "question": r["question"], "answers": [
                {"answer_start": s, "text": t} for s, t in zip(*r["answers"].values())]}]}
            for r in QA_ROWS[1:]]}]}
    assert QA_ROWS[0]["context"][20:31] == "Nobel Prize"
    rows = [QA_ROWS[0], dict(QA_ROWS[0], id="q1b", question="What did Marie Curie win?",
                             answers={"answer_start": [20], "text": ["Nobel Prize"]}),
            *QA_ROWS[1:]]
    squad = tmp_path / "squad" / "xquad" / "en.json"
    squad.parent.mkdir(parents=True)
    squad.write_text(json.dumps(doc), encoding="utf-8")
    flat = write_jsonl(tmp_path / "flat" / "xquad" / "en.jsonl", rows)
    a = _eval(tiny_checkpoints["qa"], "xquad", squad, tmp_path, cache=False,
              return_predictions=True)
    b = _eval(tiny_checkpoints["qa"], "xquad", flat, tmp_path, cache=False,
              return_predictions=True)
    assert a["results"]["en"]["n"] == 4
    assert a["predictions"]["en"] == b["predictions"]["en"]
    assert a["results"]["en"]["data"]["fingerprint"] == b["results"]["en"]["data"]["fingerprint"]
    api.corrupt("typo", tmp_path / "noisy", input=squad, severity=5)
    c = _eval(tiny_checkpoints["qa"], "xquad", tmp_path / "noisy" / "en.json", tmp_path,
              cache=False)
    assert c["results"]["en"]["n"] == 4 and c["data"]["noise_signature"].startswith("typo.")


def test_noise_signature_from_manifest(tiny_checkpoints, tmp_path):
    write_jsonl(tmp_path / "noisy" / "xnli" / "de.jsonl", PAIR_ROWS)
    sig = "typo.v1[kbd:0.10]|sev:3|rs:1|data:00000000|v:0.1.0"
    (tmp_path / "noisy" / "manifest.json").write_text(json.dumps({"signature": sig}))
    doc = _eval(tiny_checkpoints["pair"], "xnli", tmp_path / "noisy", tmp_path)
    assert doc["data"]["noise_signature"] == sig
    assert doc["results"]["de"]["noise_signature"] == sig


def test_render_scores(tiny_checkpoints, tmp_path):
    from rich.console import Console

    from robustx.cli import render

    data = write_jsonl(tmp_path / "xquad" / "en.jsonl", QA_ROWS)
    doc = _eval(tiny_checkpoints["qa"], "xquad", data, tmp_path)
    console = Console(record=True, width=100)
    render.scores(doc, console)
    text = console.export_text()
    assert "exact_match" in text and "avg" in text and "en" in text


# --- bad input ------------------------------------------------------------------------------

def test_missing_checkpoint(tmp_path):
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    with pytest.raises(ModelError, match="does not exist"):
        _eval(tmp_path / "nope", "xnli", data, tmp_path)


def test_pickle_only_needs_opt_in(tmp_path):
    from tests.fixtures.tiny_models import build

    ckpt = build("pair", tmp_path / "pickled", safetensors=False)
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    with pytest.raises(ModelError, match="allow-pickle"):
        _eval(ckpt, "xnli", data, tmp_path)
    doc = _eval(ckpt, "xnli", data, tmp_path, allow_pickle=True)
    assert doc["results"]["de"]["n"] == len(PAIR_ROWS)


def test_head_does_not_fit_task(tiny_checkpoints, tmp_path):
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    with pytest.raises(ModelError, match="ForSequenceClassification"):
        _eval(tiny_checkpoints["tagging"], "xnli", data, tmp_path)


def test_unmatchable_labels(tmp_path):
    from tests.fixtures.tiny_models import build

    ckpt = build("pair", tmp_path / "yesno", labels=("yes", "no", "maybe"))
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    with pytest.raises(ModelError, match="cannot match"):
        _eval(ckpt, "xnli", data, tmp_path)


def test_generic_labels_map_by_index_with_warning(tmp_path):
    from tests.fixtures.tiny_models import build

    ckpt = build("pair", tmp_path / "generic", labels=("LABEL_0", "LABEL_1", "LABEL_2"))
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    with pytest.warns(UserWarning, match="index"):
        doc = _eval(ckpt, "xnli", data, tmp_path)
    assert any("generic" in w for w in doc["warnings"])


def test_empty_split(tiny_checkpoints, tmp_path):
    split = make_split("pair", PAIR_ROWS, "xnli", "de")
    split.dataset = split.dataset.select([])
    with pytest.raises(InputError, match="empty"):
        R.evaluate(tiny_checkpoints["pair"], "xnli", splits=[split], device="cpu",
                   progress=False, cache=False)


def test_config_without_weights(tmp_path):
    (tmp_path / "bare").mkdir()
    (tmp_path / "bare" / "config.json").write_text("{}")
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    with pytest.raises(ModelError, match="no weights"):
        _eval(tmp_path / "bare", "xnli", data, tmp_path)


@pytest.mark.parametrize(("rows", "message"), [
    ([{**PAIR_ROWS[0], "gold_label": "maybe"}], "gold label"),
    ([{"premise": "a", "hypothesis": "b", "label": -1}], r"\['-1'\]"),
    ([{"premise": "a", "hypothesis": "b", "label": 7}], r"\['7'\]"),
])
def test_unknown_gold_labels_are_input_errors(tiny_checkpoints, tmp_path, rows, message):
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", rows)
    with pytest.raises(InputError, match=message):
        _eval(tiny_checkpoints["pair"], "xnli", data, tmp_path)


@pytest.mark.parametrize(("rows", "message"), [
    ([{"tokens": ["a", "b"], "ner_tags": ["B-FOO", "O"]}], "B-FOO"),
    ([{"tokens": ["a", "b"], "ner_tags": ["O"]}], "2 tokens but 1 tags"),
])
def test_bad_gold_tags_are_input_errors(tiny_checkpoints, tmp_path, rows, message):
    data = write_jsonl(tmp_path / "panx" / "en.jsonl", rows)
    with pytest.raises(InputError, match=message):
        _eval(tiny_checkpoints["tagging"], "panx", data, tmp_path)


def test_checkpoint_without_a_trained_head(tmp_path):
    """A base encoder saved without architectures would get a random head: refused."""
    import json as _json

    from tests.fixtures.tiny_models import build

    ckpt = build("retrieval", tmp_path / "encoder")
    cfg = _json.loads((ckpt / "config.json").read_text())
    cfg.pop("architectures", None)
    (ckpt / "config.json").write_text(_json.dumps(cfg))
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    with pytest.raises(ModelError, match="no trained pair head"):
        _eval(ckpt, "xnli", data, tmp_path)


def test_hub_ids_offline_and_pickle_only_hub_repos(tmp_path, monkeypatch):
    import huggingface_hub
    import huggingface_hub.constants

    from robustx.eval import checkpoint as C

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelError) as err:
        C.resolve("some-org/some-model")
    assert "cannot be fetched from the hub" in str(err.value)
    assert "\n" not in str(err.value)
    # a local-looking path is never sent to the hub
    (tmp_path / "ckpts").mkdir()
    with pytest.raises(ModelError, match="does not exist"):
        C.resolve("ckpts/missing")

    calls = []
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()

    def fake_download(repo, allow_patterns):
        calls.append(allow_patterns)
        return str(snapshot)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_download)
    monkeypatch.setattr(huggingface_hub, "list_repo_files",
                        lambda repo: ["config.json", "pytorch_model.bin"])
    with pytest.raises(ModelError, match="allow-pickle"):
        C.resolve("org/pickled")
    assert all("*.bin" not in p for p in calls)             # never downloaded without opt-in
    assert C.resolve("org/pickled", allow_pickle=True) == snapshot
    assert "*.bin" in calls[-1]


def test_cache_location_follows_hf_conventions(monkeypatch, tmp_path):
    from robustx.eval.cache import cache_root

    for var in ("ROBUSTX_CACHE", "HF_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "huggingface" / "robustx"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "huggingface" / "robustx"
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert cache_root() == tmp_path / "hf" / "robustx"
    monkeypatch.setenv("ROBUSTX_CACHE", str(tmp_path / "rx"))
    assert cache_root() == tmp_path / "rx"
    assert cache_root(tmp_path / "given") == tmp_path / "given"


def test_cache_key_changes_with_checkpoint_and_data(tiny_checkpoints, tmp_path, monkeypatch):
    """A different checkpoint or different data is predicted again; the same is not."""
    from tests.fixtures.tiny_models import build

    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    calls = []
    real = R.predict_split

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(R, "predict_split", counting)
    _eval(tiny_checkpoints["pair"], "xnli", data, tmp_path)
    _eval(tiny_checkpoints["pair"], "xnli", data, tmp_path)
    assert len(calls) == 1
    _eval(build("pair", tmp_path / "other", seed=7), "xnli", data, tmp_path)
    assert len(calls) == 2
    write_jsonl(data, [*PAIR_ROWS[:2], {**PAIR_ROWS[2], "sentence2": "changed"}])
    _eval(tiny_checkpoints["pair"], "xnli", data, tmp_path)
    assert len(calls) == 3


def test_scores_document_validates_against_its_schema(tiny_checkpoints, tmp_path):
    import jsonschema

    from robustx.eval import run as _run

    schema = json.loads((Path(_run.__file__).parent / "scores.schema.json").read_text())
    for task, family, lang, rows, _ in CASES:
        data = write_jsonl(tmp_path / "data" / task / f"{lang}.jsonl", rows)
        doc = _eval(tiny_checkpoints[family], task, data, tmp_path)
        jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)


def test_remote_code_is_never_run(tmp_path):
    """A checkpoint that asks for custom code (auto_map) is refused, and the code never runs."""
    import json as _json

    from tests.fixtures.tiny_models import build

    ckpt = build("pair", tmp_path / "custom")
    marker = tmp_path / "ran"
    (ckpt / "modeling_evil.py").write_text(
        f"open({str(marker)!r}, 'w').write('pwned')\n"
        "from transformers import XLMRobertaForSequenceClassification as EvilModel\n")
    (ckpt / "configuration_evil.py").write_text(
        f"open({str(marker)!r}, 'w').write('pwned')\n"
        "from transformers import XLMRobertaConfig as EvilConfig\n")
    cfg = _json.loads((ckpt / "config.json").read_text())
    cfg.update(model_type="evil", architectures=["EvilForSequenceClassification"],
               auto_map={"AutoConfig": "configuration_evil.EvilConfig",
                         "AutoModelForSequenceClassification": "modeling_evil.EvilModel"})
    (ckpt / "config.json").write_text(_json.dumps(cfg))
    data = write_jsonl(tmp_path / "xnli" / "de.jsonl", PAIR_ROWS)
    with pytest.raises(ModelError, match=r"trust_remote_code|custom code"):
        _eval(ckpt, "xnli", data, tmp_path)
    assert not marker.exists()
