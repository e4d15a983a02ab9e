"""``robustx attack`` on tagging and QA with the tiny random checkpoints: the adversarial split
keeps each family's structure, is read back by ``robustx evaluate`` with the score attack.json
gives, and an attack only counts as a success when a part right before is lost."""

from __future__ import annotations

import json

import pytest

from robustx import api
from robustx.cli import main
from robustx.noise.engine import _answers_valid


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


UPOS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
        "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X")


@pytest.fixture(scope="module")
def checkpoints(tiny_checkpoints, tmp_path_factory):
    from tests.fixtures.tiny_models import build

    pos = build("tagging", tmp_path_factory.mktemp("pos") / "pos", labels=UPOS, seed=5)
    return {"panx": tiny_checkpoints["tagging"], "udpos": pos, "xquad": tiny_checkpoints["qa"]}


@pytest.mark.parametrize("task, lang", [("panx", "en"), ("panx", "de"), ("udpos", "en"),
                                        ("xquad", "en")])
def test_family_output_keeps_structure_and_scores_back(checkpoints, tmp_path, task, lang):
    fam = "qa" if task == "xquad" else "tagging"
    ckpt = checkpoints[task]
    out = tmp_path / "adv"
    assert main(["attack", str(ckpt), "--task", task, "--sample", "--lang",
                 lang, "--out", str(out), "--device", "cpu", "--budget", "0.5",
                 "--quiet"]) == 0
    doc = json.loads((out / "attack.json").read_text(encoding="utf-8"))
    r = doc["results"][lang]
    assert r["robust_score"] <= r["clean_score"]
    assert r["succeeded"] <= r["attacked"] <= r["n"]
    assert "evaluate_robust_score" not in r  # per-example heads: robust_score is evaluate's
    scores = api.evaluate(ckpt, task, data=out, device="cpu",
                          cache_dir=tmp_path / "cache")
    assert scores["results"][lang]["score"] == pytest.approx(r["robust_score"])
    from robustx.tasks.sources import load_splits

    split, = load_splits(task, [lang], None, sample=True)
    adv = _rows(out / task / f"{lang}.jsonl")
    assert len(adv) == len(split.dataset)
    for a, c in zip(adv, split.dataset, strict=True):
        if fam == "tagging":
            tags = "ner_tags" if "ner_tags" in c else "pos_tags"
            assert a[tags] == c[tags] and len(a["tokens"]) == len(c["tokens"])
        else:
            assert _answers_valid(a["context"], a["answers"]) and a["id"] == c["id"]


def test_tagging_attack_breaks_something(tiny_checkpoints, tmp_path):
    """The random tagger gets some entities right by chance; the attack takes them away."""
    out = tmp_path / "adv"
    api.attack(tiny_checkpoints["tagging"], "panx", out, sample=True, langs=["en", "de"],
               budget=0.5, device="cpu")
    doc = json.loads((out / "attack.json").read_text(encoding="utf-8"))
    assert doc["average"]["clean_score"] > 0
    assert sum(r["succeeded"] for r in doc["results"].values()) > 0
    assert doc["average"]["robust_score"] < doc["average"]["clean_score"]
    hit = [r["success_rate"] for r in doc["results"].values() if r["attacked"]]
    assert doc["average"]["success_rate"] == pytest.approx(sum(hit) / len(hit))  # no 0 for
    # a language with nothing to attack
