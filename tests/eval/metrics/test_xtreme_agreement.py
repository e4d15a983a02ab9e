"""Every metric against XTREME's official scoring code on seeded random cases (issue 11).

The reference is :mod:`tests.eval.metrics.xtreme_reference`: XTREME's ``evaluate.py``,
``evaluate_squad.py``, ``evaluate_mlqa.py`` and ``utils_retrieve.py`` and seqeval 1.2.2's
chunking *reimplemented* from the official code (not vendored; seqeval is not imported).
robustx's side is always the registered metric scoring a split, so the per-example statistics
and ``from_sums`` are what is compared. Values agree within 1e-6 (percentages).

Known, deliberate differences kept out of the generated cases (documented in docs/evaluate.md):
robustx compares class labels case-insensitively (XTREME's are the same strings anyway);
Tatoeba counts a duplicate of the row's own source sentence as found (XTREME only its index);
BUCC takes candidates with equal margins together (XTREME may cut between them).
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from robustx.eval.heads import retrieval
from robustx.eval.metrics import METRICS
from robustx.tasks import TASKS
from tests.eval.helpers import make_split
from tests.eval.metrics import xtreme_reference as X

CASES = 300
TOL = 1e-6
# characters that exercise the normalisations: ASCII and Unicode punctuation, articles of each
# MLQA language, CJK, Arabic, Devanagari, combining marks, odd spaces
PIECES = [*"abcxyzABCÉé .,;!?'-«»¿¡。，、：“”‘’·•…—", "the", "a", "an", "The", "un", "una", "los",
          "las", "el", "la", "der", "die", "das", "dem", "Ein", "của", "là", "cái", "những",
          "ال", "الكتاب", "كتاب", "हिन्दी", "।", "北京", "是", "中国", "的", "首都", "2008", "1990s",
          "\u00a0", "\t", "e\u0301", "ñ"]


def _text(rng: random.Random, most: int = 8) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(["", " ", " "]) for _ in
                   range(rng.randint(0, most)))


def _agree(ours: dict, ref: dict, keys: dict[str, str]) -> float:
    worst = 0.0
    for mine, theirs in keys.items():
        diff = abs(ours[mine] - ref[theirs])
        assert diff <= TOL, (mine, ours[mine], ref[theirs])
        worst = max(worst, diff)
    return worst


def _qa_case(rng: random.Random, case: int):
    rows, preds, qas = [], [], []
    for q in range(rng.randint(1, 5)):
        golds = [_text(rng) for _ in range(rng.randint(1, 3))]
        # a prediction close to a gold answer half the time, so exact matches and overlaps occur
        pred = rng.choice(golds) + rng.choice(["", " .", "!", " the"]) if rng.random() < 0.5 \
            else _text(rng)
        qid = f"{case}-{q}"
        rows.append({"id": qid, "context": "c", "question": "q",
                     "answers": {"answer_start": [0] * len(golds), "text": golds}})
        preds.append(pred)
        qas.append({"id": qid, "answers": [{"text": g} for g in golds]})
    return rows, preds, [{"paragraphs": [{"qas": qas}]}], {r["id"]: p for r, p in
                                                            zip(rows, preds, strict=True)}


def _cases(metric, family, task, lang, make_case, keys):
    """Score every case's rows in one split (building a split per case would be most of the
    test's time), then each case from its own rows' statistics with the metric's formula."""
    rows, preds, refs, bounds = [], [], [], []
    for case in range(CASES):
        c_rows, c_preds, ref = make_case(case)
        bounds.append((len(rows), len(rows) + len(c_rows)))
        rows += c_rows
        preds += c_preds
        refs.append(ref)
    _, stats = metric.score(preds, make_split(family, rows, task, lang=lang))
    worst = 0.0
    for (lo, hi), ref in zip(bounds, refs, strict=True):
        values = metric.values({k: v[lo:hi] for k, v in stats.items()}, hi - lo)
        worst = max(worst, _agree(values, ref, keys))
    return worst


@pytest.mark.parametrize("task", ["xquad", "tydiqa"])
def test_squad_agrees_with_evaluate_squad(task):
    rng = random.Random(f"squad-{task}")

    def case(n):
        rows, preds, dataset, by_id = _qa_case(rng, n)
        return rows, preds, X.squad_evaluate(dataset, by_id)

    _cases(METRICS.get(TASKS.get(task).metric), "qa", task, "en", case,
           {"exact_match": "exact_match", "f1": "f1"})


@pytest.mark.parametrize("lang", ["en", "es", "de", "ar", "hi", "vi", "zh"])
def test_mlqa_agrees_with_evaluate_mlqa(lang):
    rng = random.Random(f"mlqa-{lang}")

    def case(n):
        rows, preds, dataset, by_id = _qa_case(rng, n)
        return rows, preds, X.mlqa_evaluate(dataset, by_id, lang)

    _cases(METRICS.get(TASKS.get("mlqa").metric), "qa", "mlqa", lang, case,
           {"exact_match": "exact_match", "f1": "f1"})


NER_TAGS = [*TASKS.get("panx").labels, "I-", "B", "X", "S-PER", "E-LOC", "B-MISC-X"]
POS_TAGS = [*TASKS.get("udpos").labels, "."]


def _tag_case(rng: random.Random, tags: list[str]):
    golds = [[rng.choice(tags) for _ in range(rng.randint(0, 9))] for _ in range(rng.randint(1, 6))]
    preds = [[t if rng.random() < 0.6 else rng.choice(tags) for t in g] for g in golds]
    return golds, preds


@pytest.mark.parametrize(("task", "tags"), [("panx", NER_TAGS), ("udpos", POS_TAGS)])
def test_seqeval_f1_agrees_with_evaluate_f1(task, tags):
    metric = METRICS.get(TASKS.get(task).metric)
    col = "ner_tags" if task == "panx" else "pos_tags"
    rng = random.Random(f"tags-{task}")
    for _ in range(CASES):
        golds, preds = _tag_case(rng, tags)
        split = make_split("tagging", [{"tokens": ["w"] * len(g), col: g} for g in golds], task)
        values, stats = metric.score(preds, split)
        ref = X.seqeval_f1(golds, preds)
        _agree(values, ref, {"f1": "f1", "precision": "precision", "recall": "recall"})
        assert sum(stats["gold"]) == len(X.get_entities(golds))


@pytest.mark.parametrize("task", ["xnli", "pawsx"])
def test_accuracy_agrees_with_evaluate_accuracy(task):
    names = list(TASKS.get(task).labels)
    rng = random.Random(f"acc-{task}")

    def case(n):
        gold = [rng.choice(names) for _ in range(rng.randint(1, 30))]
        preds = [g if rng.random() < 0.6 else rng.choice(names) for g in gold]
        rows = [{"sentence1": "s", "sentence2": "t", "label": g} for g in gold]
        return rows, preds, X.accuracy(gold, preds)

    _cases(METRICS.get(TASKS.get(task).metric), "pair", task, "en", case,
           {"accuracy": "accuracy"})


def _unit(rng: np.random.Generator, n: int, dim: int):
    v = rng.normal(size=(n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_tatoeba_agrees_with_similarity_search_accuracy():
    metric = METRICS.get("tatoeba")
    rng = np.random.default_rng(7)
    for case in range(CASES):
        n, dim = int(rng.integers(2, 40)), int(rng.integers(4, 16))
        src = _unit(rng, n, dim)
        tgt = src + rng.normal(scale=float(rng.uniform(0.1, 1.5)), size=src.shape)
        tgt = (tgt / np.linalg.norm(tgt, axis=1, keepdims=True)).astype(np.float32)
        rows = [{"source_sentence": f"s{case}-{i}", "target_sentence": f"t{i}"} for i in range(n)]
        preds = retrieval.nearest(tgt, src)  # what the head predicts from these embeddings
        values, _ = metric.score(preds, make_split("retrieval", rows, "tatoeba", "de"))
        ref = X.accuracy([str(i) for i in range(n)],
                         [str(int(p)) for p in X.similarity_search(src, tgt)])
        _agree(values, ref, {"accuracy": "accuracy"})


def _bucc_corpus(rng: np.random.Generator, with_ids: bool):
    """A BUCC-like corpus: gold pairs (noisy copies), distractor sentences on both sides, and
    (with ids) a few sentences that occur twice under different ids. Returns the split's rows,
    the source and target files as (id, text) lines and one embedding per distinct text."""
    dim = int(rng.integers(6, 24))
    n_gold, n_src, n_tgt = (int(rng.integers(a, b)) for a, b in ((1, 25), (0, 40), (0, 40)))
    emb: dict[str, np.ndarray] = {}
    src_lines, tgt_lines, rows = [], [], []

    def sentence(side: str, n: int, near=None) -> str:
        text = f"{side}{n}"
        v = rng.normal(size=dim) if near is None else near + rng.normal(
            scale=float(rng.uniform(0.2, 1.2)), size=dim)
        emb[text] = (v / np.linalg.norm(v)).astype(np.float32)
        return text

    for g in range(n_gold):
        s = sentence("s", g)
        t = sentence("t", g, emb[s])
        src_lines.append((f"de-{len(src_lines):06d}", s))
        tgt_lines.append((f"en-{len(tgt_lines):06d}", t))
        rows.append({"source_id": src_lines[-1][0], "source_sentence": s,
                     "target_id": tgt_lines[-1][0], "target_sentence": t})
    for side, lines, n in (("s", src_lines, n_src), ("t", tgt_lines, n_tgt)):
        for k in range(n):
            dup = with_ids and lines and rng.random() < 0.1  # the same sentence, another id
            text = lines[int(rng.integers(len(lines)))][1] if dup else sentence(side, 1000 + k)
            lines.append((f"{'de' if side == 's' else 'en'}-{len(lines):06d}", text))
            row = {"source_id": None, "source_sentence": None, "target_id": None,
                   "target_sentence": None}
            row.update({f"{'source' if side == 's' else 'target'}_id": lines[-1][0],
                        f"{'source' if side == 's' else 'target'}_sentence": text})
            rows.append(row)
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    if not with_ids:
        rows = [{k: v for k, v in r.items() if not k.endswith("_id")} for r in rows]
        src_lines = [(t, t) for _, t in src_lines]  # without ids a sentence is its own id
        tgt_lines = [(t, t) for _, t in tgt_lines]
    return rows, src_lines, tgt_lines, emb


@pytest.mark.parametrize("with_ids", [True, False])
def test_bucc_full_corpus_agrees_with_bucc_eval(with_ids):
    metric = METRICS.get("bucc")
    rng = np.random.default_rng(11 + with_ids)
    worst = 0.0
    for _ in range(CASES):
        rows, src_lines, tgt_lines, emb = _bucc_corpus(rng, with_ids)
        split = make_split("retrieval", rows, "bucc", "de")
        p = retrieval.pools(split)
        preds = retrieval.mine(p, lambda texts, emb=emb: np.stack([emb[t] for t in texts]))
        values, stats = metric.score(preds, split)

        gold_pairs = {(r["source_id"], r["target_id"]) if with_ids else
                      (r["source_sentence"], r["target_sentence"]) for r in rows
                      if r["source_sentence"] is not None and r["target_sentence"] is not None}
        gold = {f"{s}\t{t}" for s, t in gold_pairs}
        src_ids, src_sents = zip(*src_lines, strict=True)
        tgt_ids, tgt_sents = zip(*tgt_lines, strict=True)
        cands = X.mine_bitext(np.stack([emb[t] for t in src_sents]),
                              np.stack([emb[t] for t in tgt_sents]), src_sents, tgt_sents)
        ref = X.bucc_eval(cands, gold, src_sents, tgt_sents, src_ids, tgt_ids)
        worst = max(worst, _agree(values, ref, {"f1": "F1", "precision": "precision",
                                                "recall": "recall", "threshold": "best-threshold"}))
        # the per-row statistics sum to the corpus counts the bootstrap resamples
        c2s = X.read_candidate2score(cands, src_sents, tgt_sents, src_ids, tgt_ids)
        extracted = X.bucc_extract(c2s, ref["best-threshold"])
        assert sum(stats["gold"]) == len(gold)
        assert sum(stats["pred"]) == pytest.approx(len(extracted))
        assert sum(stats["tp"]) == len(gold.intersection(extracted))
    assert worst <= TOL
