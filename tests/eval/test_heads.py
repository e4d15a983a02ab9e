"""Every head: batched, length-sorted, padded inference equals one-example-at-a-time (fp32)."""

from __future__ import annotations

import numpy as np
import pytest

from robustx.errors import ModelError
from robustx.eval import engine
from robustx.eval.heads import classify, match_labels, qa, retrieval, tagging
from robustx.eval.metrics import METRICS

from .helpers import PAIR_ROWS, QA_CONTEXT, QA_ROWS, RETRIEVAL_ROWS, TAG_ROWS, make_split

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
    feats, meta, unk = tagging.encode(tok, split, classify.max_len(model, tok))
    assert unk == 0
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
    assert sum(1 for w in meta if w.example == 0) > 2
    rows = [engine.run(model, feats, qa.collect, pad_id=tok.pad_token_id, config=c)
            for c in (BATCHED, SINGLE)]
    _same_rows(*rows)
    preds = [qa.predict(model, tok, split, c)[0] for c in (BATCHED, SINGLE)]
    assert preds[0] == preds[1]
    for p, row in zip(preds[0], QA_ROWS, strict=True):
        assert p and p in row["context"]                          # spans map back to context


THAI = "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทยและเป็นเมืองที่มีประชากรมากที่สุด" * 3
CHINESE = "北京是中华人民共和国的首都，也是全国的政治中心和文化中心，上海是最大的城市。" * 3
LONG_ROWS = [
    {"id": "th", "context": THAI, "question": "เมืองหลวง?",
     "answers": {"answer_start": [THAI.rindex("ประเทศไทย")], "text": ["ประเทศไทย"]}},
    {"id": "zh", "context": CHINESE, "question": "最大的城市?",
     "answers": {"answer_start": [CHINESE.rindex("上海")], "text": ["上海"]}},
    {"id": "en", "context": QA_CONTEXT, "question": "When did Marie Curie win in Chemistry?",
     "answers": {"answer_start": [QA_CONTEXT.rindex("1911")], "text": ["1911"]}},
]


@pytest.mark.parametrize("stride", [128, 5, 3])
def test_qa_windows_follow_xtreme_doc_stride(tiny_checkpoints, stride):
    """Window k starts at context token k * doc_stride (XTREME's run_squad.py), every context
    token is covered, each window's offsets are those of the context tokenised alone, and
    exactly one window may start an answer at each context token."""
    model, tok = _load(tiny_checkpoints["qa"], "qa")
    split = make_split("qa", LONG_ROWS, "xquad", "th")
    params = qa.QAParams(doc_stride=stride)
    limit = classify.max_len(model, tok)
    feats, meta = qa.encode(tok, split, params, limit)
    assert all(len(f["input_ids"]) <= limit for f in feats)
    for ex, row in enumerate(LONG_ROWS):
        alone = tok(row["context"], add_special_tokens=False, return_offsets_mapping=True)
        ctx = [tuple(o) for o in alone["offset_mapping"]]
        wins = [w for w in meta if w.example == ex]
        assert len(wins) > 2
        room = max(sum(o is not None for o in w.offsets) for w in wins)
        step = min(stride, room)
        covered = set()
        starts = []
        for k, w in enumerate(wins):
            got = [o for o in w.offsets if o is not None]
            assert got == ctx[k * step: k * step + len(got)]
            covered |= set(range(k * step, k * step + len(got)))
            flags = [f for o, f in zip(w.offsets, w.can_start, strict=True) if o is not None]
            starts += [k * step + j for j, ok in enumerate(flags) if ok]
        assert covered == set(range(len(ctx)))
        assert sorted(starts) == list(range(len(ctx)))


def test_max_context_by_hand():
    # windows [0, 4) and [2, 6): token 2 scores min(2, 1)=1 in the first and min(0, 3)=0 in
    # the second; token 3 scores 0 and 1
    assert qa.max_context([0, 2], [4, 4]) == [[True, True, True, False],
                                              [False, True, True, True]]
    # a tie goes to the first window
    assert qa.max_context([0, 0], [3, 3]) == [[True, True, True], [False, False, False]]
    # ... unless the 0.01 * length term breaks it in favour of the longer window
    assert qa.max_context([0, 0], [4, 5]) == [[False] * 4, [True] * 5]
    assert qa.max_context([], []) == []


def _peaked_rows(meta, feats, answers):
    """Fake model output: start/end logits peak at the tokens of each example's answer."""
    rows = []
    for w, f in zip(meta, feats, strict=True):
        a, b = answers[w.example]
        start = np.zeros(len(f["input_ids"]))
        end = np.zeros(len(f["input_ids"]))
        for t, o in enumerate(w.offsets):
            if o is not None and o[0] <= a < o[1]:
                start[t] = 10.0
            if o is not None and o[0] < b <= o[1]:
                end[t] = 10.0
        rows.append((start, end))
    return rows


def test_qa_answers_map_back_through_offsets_in_long_unspaced_contexts(tiny_checkpoints):
    """Answers deep inside long Thai/Chinese contexts (no spaces, several windows) come back as
    exactly the gold text, whatever window holds them."""
    _, tok = _load(tiny_checkpoints["qa"], "qa")
    split = make_split("qa", LONG_ROWS, "xquad", "th")
    params = qa.QAParams()
    feats, meta = qa.encode(tok, split, params, 32)
    answers = {i: (r["answers"]["answer_start"][0],
                   r["answers"]["answer_start"][0] + len(r["answers"]["text"][0]))
               for i, r in enumerate(LONG_ROWS)}
    contexts = [r["context"] for r in LONG_ROWS]
    preds = qa.decode(_peaked_rows(meta, feats, answers), meta, contexts, params)
    assert preds == [r["answers"]["text"][0] for r in LONG_ROWS]
    # the Thai answer is several tokens: a one-token maximum cannot return it
    short = qa.decode(_peaked_rows(meta, feats, answers), meta, contexts,
                      qa.QAParams(max_answer_len=1))
    assert short[0] != LONG_ROWS[0]["answers"]["text"][0]


def test_qa_long_unspaced_batched_equals_single(tiny_checkpoints):
    model, tok = _load(tiny_checkpoints["qa"], "qa")
    split = make_split("qa", LONG_ROWS, "xquad", "th")
    preds = [qa.predict(model, tok, split, c)[0] for c in (BATCHED, SINGLE)]
    assert preds[0] == preds[1]
    assert all(p in r["context"] for p, r in zip(preds[0], LONG_ROWS, strict=True))


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
    # a token that is not max-context in this window cannot start the answer
    assert qa.best_span(start, end, offsets, qa.QAParams(),
                        can_start=[False, False, True, True]) == (10.0, 4, 9)
    # n_best 1: only the best start (token 1) and the best end (token 3) are tried
    assert qa.best_span(start, end, offsets, qa.QAParams(n_best=1, max_answer_len=2)) is None


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
    from types import SimpleNamespace

    from robustx.errors import UsageError

    model, _ = _load(tiny_checkpoints["retrieval"], "retrieval")
    assert retrieval.default_layer(model) == 2                    # 2 layers: the last one
    # XTREME's --specific_layer 7 (of 12) and 13 (of 24) index the layers without the
    # embeddings: hidden_states[8] and hidden_states[14]
    for n, expected in [(12, 8), (24, 14), (6, 5)]:
        stub = SimpleNamespace(config=SimpleNamespace(num_hidden_layers=n))
        assert retrieval.default_layer(stub) == expected
    with pytest.raises(UsageError):
        retrieval.check_layer(model, 3)
    with pytest.raises(UsageError):
        retrieval.check_layer(model, -1)


def test_tatoeba_searches_each_target_among_the_sources():
    # XTREME's similarity_search indexes the sources and queries with the targets
    src = np.array([[1.0, 0.0], [0.8, 0.6]], dtype=np.float32)
    tgt = np.array([[0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    assert retrieval.nearest(tgt, src) == [1, 1]                  # targets -> sources
    assert retrieval.nearest(src, tgt) == [0, 0]                  # (not sources -> targets)
    split = make_split("retrieval", [{"source_sentence": "a", "target_sentence": "x"},
                                     {"source_sentence": "b", "target_sentence": "y"}],
                       "tatoeba", "de")
    metrics, stats = METRICS.get("tatoeba").score([1, 1], split)
    assert stats["correct"] == [0.0, 1.0] and metrics["accuracy"] == 50.0


def test_knn_orders_best_first_and_breaks_ties_by_index():
    base = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    sims, inds = retrieval.knn(np.array([[1.0, 0.0]], dtype=np.float32), base, 3, chunk=1)
    assert inds.tolist() == [[0, 2, 3]]
    np.testing.assert_allclose(sims, [[1.0, 1.0, 0.6]])
    assert retrieval.knn(base, base, 9)[1].shape == (4, 4)        # k capped at the pool size


def _laser_mine(x, y, k):
    """LASER/XTREME mine_bitext (mode mine, retrieval max, margin ratio), written as loops."""
    sim = x @ y.T
    kx, ky = min(k, len(y)), min(k, len(x))
    x2y = [sorted(range(len(y)), key=lambda j, i=i: (-sim[i, j], j))[:kx] for i in range(len(x))]
    y2x = [sorted(range(len(x)), key=lambda i, j=j: (-sim[i, j], i))[:ky] for j in range(len(y))]
    x2y_mean = [np.mean([sim[i, j] for j in x2y[i]]) for i in range(len(x))]
    y2x_mean = [np.mean([sim[i, j] for i in y2x[j]]) for j in range(len(y))]

    def margin(i, j):
        return sim[i, j] / ((x2y_mean[i] + y2x_mean[j]) / 2)

    cands = []
    for i in range(len(x)):
        j = max(x2y[i], key=lambda j, i=i: margin(i, j))
        cands.append((margin(i, j), i, j))
    for j in range(len(y)):
        i = max(y2x[j], key=lambda i, j=j: margin(i, j))
        cands.append((margin(i, j), i, j))
    seen_x, seen_y, out = set(), set(), []
    for s, i, j in sorted(cands, key=lambda c: -c[0]):
        if i not in seen_x and j not in seen_y:
            seen_x.add(i)
            seen_y.add(j)
            if s > 0:
                out.append((i, j, s))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bucc_mining_matches_laser_definition(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(40, 8)).astype(np.float32)
    y = np.concatenate([x[:25] + 0.4 * rng.normal(size=(25, 8)),       # 25 true pairs
                        rng.normal(size=(20, 8))]).astype(np.float32)  # 20 decoy targets
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    ours = retrieval.margin_candidates(x, y, k=4)
    ref = _laser_mine(x, y, 4)
    assert [(i, j) for i, j, _ in ours] == [(i, j) for i, j, _ in ref]
    np.testing.assert_allclose([s for *_, s in ours], [s for *_, s in ref], rtol=1e-5)
    # one-to-one: every source and every target appears at most once
    assert len({i for i, _, _ in ours}) == len(ours) == len({j for _, j, _ in ours})


def test_bucc_margin_on_constructed_embeddings():
    src = np.eye(3, dtype=np.float32)
    tgt = np.array([[1, 0.1, 0], [0, 1, 0.1], [0.1, 0, 1]], dtype=np.float32)
    tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
    cands = retrieval.margin_candidates(src, tgt, k=2)
    assert {(i, j) for i, j, _ in cands} == {(0, 0), (1, 1), (2, 2)}
    split = make_split("retrieval", [
        {"source_sentence": s, "target_sentence": t} for s, t in
        [("a", "x"), ("b", "y"), ("c", "z")]], "bucc", "de")
    metrics, stats = METRICS.get("bucc").score([list(c) for c in cands], split)
    assert metrics["f1"] == 100.0 and sum(stats["tp"]) == 3
    # ratio margin of (0, 0) by hand, k=2: cos = c = 1/sqrt(1.01); both neighbourhoods average
    # (c + 0.1c) / 2, so the margin is c / (1.1c / 2) = 2 / 1.1
    assert dict(((i, j), s) for i, j, s in cands)[(0, 0)] == pytest.approx(2 / 1.1, rel=1e-5)


def test_tagging_word_without_subwords_is_read_as_unknown(tiny_checkpoints):
    model, tok = _load(tiny_checkpoints["tagging"], "tagging")
    rows = [{"tokens": ["Marie", "", "Curie"], "ner_tags": ["B-PER", "O", "I-PER"]},
            {"tokens": [], "ner_tags": []}]
    split = make_split("tagging", rows, "panx")
    feats, meta, unk = tagging.encode(tok, split, classify.max_len(model, tok))
    assert unk == 1
    assert feats[0]["input_ids"][meta[0][2][1]] == tok.unk_token_id
    preds, notes = tagging.predict(model, tok, split, BATCHED)
    assert [len(p) for p in preds] == [3, 0] and None not in preds[0]
    assert any("unknown token" in n for n in notes)


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


def test_tagging_reads_the_first_subword_of_each_word(tiny_checkpoints):
    model, tok = _load(tiny_checkpoints["tagging"], "tagging")
    words = ["Berlin", "北京是中国的首都", "Москва", "x"]
    split = make_split("tagging", [{"tokens": words, "ner_tags": ["O"] * 4}], "panx")
    feats, meta, _ = tagging.encode(tok, split, 512)
    ((_, _, positions),) = meta
    ids = feats[0]["input_ids"]
    for w, pos in zip(words, positions, strict=True):
        pieces = tok(w, add_special_tokens=False)["input_ids"]
        assert ids[pos: pos + len(pieces)] == pieces            # the word's sub-words start here
    # the prediction of each word is the argmax of the logits at that first position
    rows = engine.run(model, feats, tagging.collect, pad_id=tok.pad_token_id, config=BATCHED)
    names = list(model.config.id2label.values())
    preds, _ = tagging.predict(model, tok, split, BATCHED)
    assert preds[0] == [names[int(np.argmax(rows[0][p]))] for p in positions]


def test_retrieval_mean_pools_the_chosen_layer(tiny_checkpoints):
    import torch

    model, tok = _load(tiny_checkpoints["retrieval"], "retrieval")
    sents = ["Der Fuchs springt", "北京是中国的首都 " * 3]
    for layer in (0, 1, 2):
        got = retrieval.embed(model, tok, sents, layer, BATCHED)
        for k, s in enumerate(sents):
            enc = tok(s, return_tensors="pt")
            with torch.no_grad():
                hidden = model(**enc, output_hidden_states=True).hidden_states[layer][0]
            vec = hidden.mean(dim=0).numpy()
            np.testing.assert_allclose(got[k], vec / np.linalg.norm(vec), atol=1e-5)


def test_retrieval_cls_pools_the_first_token_of_the_chosen_layer(tiny_checkpoints):
    import torch

    model, tok = _load(tiny_checkpoints["retrieval"], "retrieval")
    sents = ["Der Fuchs springt", "北京是中国的首都 " * 3, "ok"]   # padded rows in one batch
    for layer in (0, 2):
        got = retrieval.embed(model, tok, sents, layer, BATCHED, pool="cls")
        for k, s in enumerate(sents):
            with torch.no_grad():
                hidden = model(**tok(s, return_tensors="pt"), output_hidden_states=True
                               ).hidden_states[layer][0]
            vec = hidden[0].numpy()
            np.testing.assert_allclose(got[k], vec / np.linalg.norm(vec), atol=1e-5)


@pytest.mark.parametrize(("depth", "mode", "layer", "pool"), [
    (12, "candidates", 8, "cls"),    # run_bucc2018.sh: --specific_layer 7 of the last 12
    (24, "candidates", 20, "cls"),   # XLM-R large: still 7 of the last 12 (no --num_layers)
    (12, "nearest", 8, "mean"),      # run_tatoeba.sh: 7 of 12
    (24, "nearest", 14, "mean"),     # XLM-R large: 13 of 24
    (2, "candidates", 2, "cls"),     # under 12 layers: the Tatoeba rule, at most the last
    (6, "nearest", 5, "mean"),
])
def test_retrieval_defaults_follow_the_xtreme_scripts(depth, mode, layer, pool):
    from types import SimpleNamespace

    from robustx.eval.heads import HEADS

    config = SimpleNamespace(num_hidden_layers=depth)
    metric = SimpleNamespace(retrieval_mode=mode)
    assert HEADS.get("retrieval").params(config, None, metric) == {
        "layer": layer, "pooling": pool, "margin_k": 4}
    assert HEADS.get("retrieval").params(config, 1, metric, "mean") == {
        "layer": 1, "pooling": "mean", "margin_k": 4}


def test_every_family_has_a_registered_head():
    from types import SimpleNamespace

    from robustx.eval.heads import HEADS
    from robustx.tasks import FAMILIES

    assert HEADS.names() == FAMILIES.names()
    assert [f for f, h in HEADS.items() if not h.trained] == ["retrieval"]
    config = SimpleNamespace(num_hidden_layers=12)
    assert HEADS.get("retrieval").params(config, None) == {"layer": 8, "pooling": "mean",
                                                          "margin_k": 4}
    assert HEADS.get("qa").params(config, None) == qa.QAParams().as_dict()
    assert HEADS.get("pair").params(config, 3) == {}
