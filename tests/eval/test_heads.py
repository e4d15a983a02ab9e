"""Every head: batched, length-sorted, padded inference equals one-example-at-a-time (fp32)."""

from __future__ import annotations

import numpy as np
import pytest

from robustx.errors import ModelError
from robustx.eval import engine
from robustx.eval.heads import classify, match_labels, qa, retrieval, tagging
from robustx.eval.scoring import score

from .helpers import PAIR_ROWS, QA_ROWS, RETRIEVAL_ROWS, TAG_ROWS, make_split

BATCHED = engine.EngineConfig(device="cpu", batch_tokens=4096, precision="fp32", progress=False)
SINGLE = engine.EngineConfig(device="cpu", batch_tokens=1, precision="fp32", progress=False)


def _load(path, family):
    from robustx.eval.checkpoint import load

    model, tok, _ = load(path, family)
    return model, tok


def _same_rows(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, tuple):
            for u, v in zip(x, y, strict=True):
                np.testing.assert_allclose(u, v, atol=1e-5)
        else:
            np.testing.assert_allclose(x, y, atol=1e-5)


def test_pair_batched_equals_single(tiny_checkpoints):
    model, tok = _load(tiny_checkpoints["pair"], "pair")
    split = make_split("pair", PAIR_ROWS, "xnli")
    feats = classify.encode(tok, split, classify.max_len(model, tok))
    assert max(len(f["input_ids"]) for f in feats) == classify.max_len(model, tok)  # truncated
    rows = [engine.run(model, feats, classify.collect, pad_id=tok.pad_token_id, config=c)
            for c in (BATCHED, SINGLE)]
    _same_rows(*rows)
    preds = [classify.predict(model, tok, split, c)[0] for c in (BATCHED, SINGLE)]
    assert preds[0] == preds[1]
    assert set(preds[0]) <= {"entailment", "neutral", "contradiction"}


def test_tagging_long_sentence_gets_several_windows(tiny_checkpoints):
    model, tok = _load(tiny_checkpoints["tagging"], "tagging")
    split = make_split("tagging", TAG_ROWS, "panx")
    feats, meta = tagging.encode(tok, split, classify.max_len(model, tok))
    assert sum(1 for m in meta if m[0] == 0) > 1                  # sentence 0 needs windows
    assert all(len(f["input_ids"]) <= classify.max_len(model, tok) for f in feats)
    words = [k for ex, first, pos in meta if ex == 0 for k in range(first, first + len(pos))]
    assert words == list(range(len(TAG_ROWS[0]["tokens"])))     # every word exactly once
    rows = [engine.run(model, feats, tagging.collect, pad_id=tok.pad_token_id, config=c)
            for c in (BATCHED, SINGLE)]
    _same_rows(*rows)
    preds = [tagging.predict(model, tok, split, c)[0] for c in (BATCHED, SINGLE)]
    assert preds[0] == preds[1]
    assert [len(p) for p in preds[0]] == [len(r["tokens"]) for r in TAG_ROWS]


def test_tagging_windows():
    assert tagging.windows([[1, 2], [3], [4, 5, 6]], 3) == [(0, [[1, 2], [3]]), (2, [[4, 5, 6]])]
    assert tagging.windows([[1, 2, 3, 4]], 2) == [(0, [[1, 2]])]  # an over-long word is cut
    assert tagging.windows([], 2) == [(0, [])]


def test_qa_several_windows_and_offsets(tiny_checkpoints):
    model, tok = _load(tiny_checkpoints["qa"], "qa")
    split = make_split("qa", QA_ROWS, "xquad")
    params = qa.QAParams()
    feats, meta = qa.encode(tok, split, params, classify.max_len(model, tok))
    assert sum(1 for ex, _ in meta if ex == 0) > 2
    rows = [engine.run(model, feats, qa.collect, pad_id=tok.pad_token_id, config=c)
            for c in (BATCHED, SINGLE)]
    _same_rows(*rows)
    preds = [qa.predict(model, tok, split, c)[0] for c in (BATCHED, SINGLE)]
    assert preds[0] == preds[1]
    for p, row in zip(preds[0], QA_ROWS, strict=True):
        assert p and p in row["context"]                          # spans map back to context


def test_best_span_respects_limits():
    start = np.array([0.0, 5.0, 1.0, 0.0])
    end = np.array([0.0, 0.0, 1.0, 9.0])
    offsets = [None, (0, 3), (4, 6), (7, 9)]
    # tokens 1..3 score 5+9=14 but span 3 tokens; with at most 2, tokens 2..3 win (1+9)
    assert qa.best_span(start, end, offsets, qa.QAParams()) == (14.0, 0, 9)
    assert qa.best_span(start, end, offsets, qa.QAParams(max_answer_len=2)) == (10.0, 4, 9)
    assert qa.best_span(start, end, offsets, qa.QAParams(max_answer_len=1)) == (9.0, 7, 9)
    assert qa.best_span(start, end, [None] * 4, qa.QAParams()) is None
    end_before_start = qa.best_span(np.array([0.0, 0, 9]), np.array([0.0, 9, 0]),
                                    [None, (0, 1), (2, 3)], qa.QAParams())
    assert end_before_start == (9.0, 2, 3)


def test_retrieval_batched_equals_single(tiny_checkpoints):
    model, tok = _load(tiny_checkpoints["retrieval"], "retrieval")
    sents = [r["source_sentence"] for r in RETRIEVAL_ROWS] + ["北京是中国的首都 " * 6]
    a = retrieval.embed(model, tok, sents, 1, BATCHED)
    b = retrieval.embed(model, tok, sents, 1, SINGLE)
    np.testing.assert_allclose(a, b, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    split = make_split("retrieval", RETRIEVAL_ROWS, "tatoeba", "de")
    preds = [retrieval.predict(model, tok, split, c)[0] for c in (BATCHED, SINGLE)]
    assert preds[0] == preds[1]
    # identical source text -> identical embedding -> same nearest target, scored by text
    assert preds[0][0] == preds[0][4]


def test_retrieval_default_layer_and_bounds(tiny_checkpoints):
    from robustx.errors import UsageError

    model, _ = _load(tiny_checkpoints["retrieval"], "retrieval")
    assert retrieval.default_layer(model) == 2                    # 2 layers -> 2 // 2 + 1
    with pytest.raises(UsageError):
        retrieval.check_layer(model, 3)


def test_bucc_margin_on_constructed_embeddings():
    src = np.eye(3, dtype=np.float32)
    tgt = np.array([[1, 0.1, 0], [0, 1, 0.1], [0.1, 0, 1]], dtype=np.float32)
    tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
    cands = retrieval.margin_candidates(src, tgt, k=2)
    assert {(i, j) for i, j, _ in cands} == {(0, 0), (1, 1), (2, 2)}
    split = make_split("retrieval", [
        {"source_sentence": s, "target_sentence": t} for s, t in
        [("a", "x"), ("b", "y"), ("c", "z")]], "bucc", "de")
    metrics, stats = score("bucc", [list(c) for c in cands], split)
    assert metrics["f1"] == 100.0 and sum(stats["tp"]) == 3


def test_match_labels():
    ids, notes = match_labels({0: "Contradiction", 1: "Entailment", 2: "Neutral"},
                              ["entailment", "neutral", "contradiction"])
    assert ids == [1, 2, 0] and notes == []
    ids, notes = match_labels({1: "LABEL_1", 0: "LABEL_0"}, ["0", "1"])
    assert ids == [0, 1] and "index" in notes[0]
    ids, notes = match_labels({0: "O", 1: "B-PER", 2: "B-MISC"}, ["O", "B-PER"], "tag")
    assert ids == [0, 1] and "B-MISC" in notes[0]
    with pytest.raises(ModelError, match="contradiction"):
        match_labels({0: "yes", 1: "no"}, ["entailment", "contradiction"])
    with pytest.raises(ModelError):
        match_labels({0: "LABEL_0", 1: "LABEL_1"}, ["a", "b", "c"])
