"""BUCC on its full corpora (the original BUCC 2018 files as a retrieval split).

The split's contract: ``source_id``, ``source_sentence``, ``target_id``, ``target_sentence``;
a gold pair has all four, a sentence without a gold partner has the other side null. Agreement
of the F1 with XTREME's ``bucc_eval``/``bucc_optimize`` on generated corpora with distractors
is in ``tests/eval/metrics/test_xtreme_agreement.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from robustx import api
from robustx.errors import InputError, UsageError
from robustx.eval.heads import HEADS, retrieval
from robustx.eval.metrics import METRICS
from robustx.eval.metrics.bucc import GOLD_ONLY_NOTE
from tests.eval.helpers import RETRIEVAL_ROWS, make_split, write_jsonl

SCHEMA = Path(retrieval.__file__).resolve().parents[1] / "scores.schema.json"


def _row(sid, s, tid, t):
    return {"source_id": sid, "source_sentence": s, "target_id": tid, "target_sentence": t}


FULL = [  # de-000001 and de-000004 are the same sentence under two ids, as in BUCC's files
    _row("de-000001", "Der Hund schläft im Garten.", "en-000003", "The dog sleeps in the garden."),
    _row("de-000002", "Die Katze frisst einen Fisch.", None, None),
    _row(None, None, "en-000001", "It is raining in Berlin today."),
    _row("de-000004", "Der Hund schläft im Garten.", None, None),
    _row("de-000005", "Berlin ist die Hauptstadt.", "en-000002", "Berlin is the capital."),
    _row(None, None, "en-000004", "Paris is in France."),
]


def test_pools_are_by_id_with_one_sided_rows():
    p = retrieval.pools(make_split("retrieval", FULL, "bucc", "de"))
    assert p.sources == ["Der Hund schläft im Garten.", "Die Katze frisst einen Fisch.",
                         "Der Hund schläft im Garten.", "Berlin ist die Hauptstadt."]
    assert p.targets == ["The dog sleeps in the garden.", "It is raining in Berlin today.",
                         "Berlin is the capital.", "Paris is in France."]
    assert p.rows == [(0, 0), (1, None), (None, 1), (2, None), (3, 2), (None, 3)]
    assert p.gold == [(0, 0), (3, 2)] and p.one_sided


def test_pools_are_by_text_without_ids():
    p = retrieval.pools(make_split("retrieval", RETRIEVAL_ROWS, "bucc", "de"))
    assert len(p.sources) == 4 and p.rows[0][0] == p.rows[4][0]  # one sentence, one entry
    assert not p.one_sided


def test_a_sentence_under_two_ids_is_dropped_from_the_candidates_as_xtreme_does():
    p = retrieval.pools(make_split("retrieval", FULL, "bucc", "de"))
    src_texts, tgt_texts = list(dict.fromkeys(p.sources)), list(dict.fromkeys(p.targets))
    # read_sent2id cannot map "Der Hund ..." (two ids) back, so its candidate goes
    cands = [(0, 0, 1.5), (1, 1, 1.2), (2, 2, 1.1)]
    assert retrieval.pool_candidates(cands, src_texts, tgt_texts, p) == [[1, 1, 1.2],
                                                                          [3, 2, 1.1]]


def test_distractor_rows_predict_pairs_but_hold_no_gold():
    split = make_split("retrieval", FULL, "bucc", "de")
    # pool indices: source 1 (no partner) -> target 1 (no partner) is a wrong prediction
    values, stats = METRICS.get("bucc").score([[3, 2, 1.4], [1, 1, 1.3], [0, 0, 1.0]], split)
    assert stats["gold"] == [1, 0, 0, 0, 1, 0] and stats["tp"] == [1, 0, 0, 0, 1, 0]
    assert stats["pred"] == [1, 1, 0, 0, 1, 0]
    assert values["precision"] == pytest.approx(200 / 3) and values["recall"] == 100.0
    assert values["threshold"] == 1.0  # the last candidate: its own score


def test_scores_say_whether_the_corpus_is_full_or_gold_pairs_only():
    bucc = METRICS.get("bucc")
    assert bucc.details(make_split("retrieval", FULL, "bucc", "de")) == ({"corpus": "full"}, [])
    assert bucc.details(make_split("retrieval", RETRIEVAL_ROWS, "bucc", "de")) == (
        {"corpus": "gold pairs only"}, [GOLD_ONLY_NOTE])
    assert METRICS.get("tatoeba").details(make_split("retrieval", RETRIEVAL_ROWS)) == ({}, [])


def test_tatoeba_refuses_a_row_without_a_source():
    split = make_split("retrieval", FULL, "tatoeba", "de")
    with pytest.raises(InputError, match="without source_sentence"):
        HEADS.get("retrieval").check(split, METRICS.get("tatoeba"))


def test_corrupt_keeps_the_null_sides_of_a_full_corpus(tmp_path):
    write_jsonl(tmp_path / "in" / "bucc" / "de.jsonl", FULL)
    manifest = api.corrupt("typo", tmp_path / "out", input=tmp_path / "in", severity=5)
    (entry,) = manifest["files"]
    assert (entry["task"], entry["family"], entry["examples"]) == ("bucc", "retrieval", 6)
    assert entry["invalid_examples"] == 0
    out = [json.loads(line) for line in
           (tmp_path / "out" / "bucc" / "de.jsonl").read_text("utf-8").splitlines()]
    for clean, noisy in zip(FULL, out, strict=True):
        assert set(noisy) == set(clean)
        for col in ("source_id", "target_id", "target_sentence"):  # the default side: source
            assert noisy[col] == clean[col]
        assert (noisy["source_sentence"] is None) == (clean["source_sentence"] is None)
    assert any(n["source_sentence"] != c["source_sentence"] for c, n in zip(FULL, out,
                                                                            strict=True))


def test_evaluate_a_full_corpus_and_a_gold_only_one(tiny_checkpoints, tmp_path):
    import jsonschema

    schema = json.loads(SCHEMA.read_text("utf-8"))
    ckpt = tiny_checkpoints["retrieval"]
    full = write_jsonl(tmp_path / "full" / "bucc" / "de.jsonl", FULL)
    doc = api.evaluate(ckpt, "bucc", data=full, device="cpu", cache=False)
    jsonschema.validate(doc, schema)
    res = doc["results"]["de"]
    assert res["corpus"] == "full" and res["n"] == len(FULL)
    assert doc["params"] == {"layer": 2, "pooling": "cls", "margin_k": 4}  # 2-layer model
    assert not any(GOLD_ONLY_NOTE in w for w in doc["warnings"])
    gold = write_jsonl(tmp_path / "gold" / "bucc" / "de.jsonl", RETRIEVAL_ROWS)
    with pytest.warns(UserWarning, match="gold-pairs only"):
        doc = api.evaluate(ckpt, "bucc", data=gold, device="cpu", cache=False, pool="mean",
                           layer=1)
    assert doc["results"]["de"]["corpus"] == "gold pairs only"
    assert any(GOLD_ONLY_NOTE in w for w in doc["warnings"])
    assert doc["params"]["pooling"] == "mean" and doc["params"]["layer"] == 1
    with pytest.raises(UsageError, match="--pool must be one of cls, mean"):
        api.evaluate(ckpt, "bucc", data=gold, device="cpu", cache=False, pool="max")


def _bucc_doc(corpus: str) -> dict:
    stats = {"tp": [1.0, 0.0, 1.0], "pred": [1.0, 1.0, 1.0], "gold": [1.0, 1.0, 1.0]}
    return {"task": "bucc", "family": "retrieval", "kind": "bucc", "metric": "f1",
            "languages": ["de"], "checkpoint": {"name": "x", "path": "x", "fingerprint": "f"},
            "data": {"source": "d", "fingerprint": "d"},
            "results": {"de": {"score": 200 / 3, "n": 3, "data": {"fingerprint": "de"},
                               "corpus": corpus}},
            "predictions": {"de": {"stats": stats}}}


@pytest.mark.parametrize("corpus", ["full", "gold pairs only"])
def test_the_report_says_when_bucc_is_gold_pairs_only(tmp_path, corpus):
    from robustx.eval.comparison import Condition, build_report
    from robustx.eval.report import markdown

    clean = Condition("clean", 0)
    clean.docs = {"A": _bucc_doc(corpus), "B": _bucc_doc(corpus)}
    doc = build_report([clean], [], seed=1, bootstrap=20, confidence=0.95, out=tmp_path)
    assert doc["data"]["corpus"] == {"de": corpus}
    assert (GOLD_ONLY_NOTE in markdown(doc)) == (corpus == "gold pairs only")


def test_robustx_evaluate_prints_the_gold_only_note(tiny_checkpoints, tmp_path, capsys):
    from robustx.cli import main

    gold = write_jsonl(tmp_path / "bucc" / "de.jsonl", RETRIEVAL_ROWS)
    assert main(["evaluate", str(tiny_checkpoints["retrieval"]), "--task", "bucc", "--data",
                 str(gold), "--device", "cpu", "--no-cache", "--pool", "mean"]) == 0
    err = capsys.readouterr().err
    assert f"robustx: warning: bucc/de: {GOLD_ONLY_NOTE}" in err
