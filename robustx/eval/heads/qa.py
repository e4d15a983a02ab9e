"""Extractive QA (XQuAD, MLQA, TyDiQA-GoldP): sliding windows and n-best span decoding.

Windows and decoding follow XTREME's reference scripts (``third_party/run_squad.py`` and
``processors/squad.py``): ``max_seq_len`` 384, ``max_query_len`` 64 (question tokens kept),
``doc_stride`` 128, ``n_best`` 20, ``max_answer_len`` 30. As there, ``doc_stride`` is the
distance between the starts of consecutive windows (window k starts at context token
``k * doc_stride``), so consecutive windows share ``room - doc_stride`` tokens, and an answer
may only *start* at a token whose "max context" window is the current one (the window where the
token has the most context on its shorter side). Unlike the legacy scripts, answers are mapped
back to the context through the fast tokenizer's character offsets, so contexts without spaces
(Chinese, Japanese, Thai) get sub-word-exact answers rather than whole space-separated chunks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ...tasks import QA
from .. import engine
from . import HEADS, Head, Outcome
from .classify import max_len


@dataclass(frozen=True)
class QAParams:
    max_seq_len: int = 384
    doc_stride: int = 128
    max_query_len: int = 64
    max_answer_len: int = 30
    n_best: int = 20

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Window:
    """One window of one example: character offsets of its context tokens (None elsewhere),
    and which of them may start an answer (max-context tokens)."""

    example: int
    offsets: tuple[tuple[int, int] | None, ...]
    can_start: tuple[bool, ...]


def _clip_questions(tokenizer, questions: list[str], limit: int) -> list[str]:
    """Cut each question after ``limit`` tokens (by character offset, so text stays intact)."""
    enc = tokenizer(questions, add_special_tokens=False, return_offsets_mapping=True)
    out = []
    for q, offsets in zip(questions, enc["offset_mapping"], strict=True):
        out.append(q[: offsets[limit - 1][1]] if len(offsets) > limit else q)
    return out


def max_context(starts: list[int], lengths: list[int]) -> list[list[bool]]:
    """For windows ``[start, start + length)`` over one context, whether each of their tokens
    has its maximum context in that window (score ``min(left, right) + 0.01 * length``, the first
    window wins a tie), as in the SQuAD/XTREME reference scripts."""
    import numpy as np

    n = max((s + n for s, n in zip(starts, lengths, strict=True)), default=0)
    scores = np.full((len(starts), n), -np.inf)
    for k, (s, m) in enumerate(zip(starts, lengths, strict=True)):
        pos = np.arange(m)
        scores[k, s: s + m] = np.minimum(pos, m - 1 - pos) + 0.01 * m
    best = scores.argmax(axis=0) if len(starts) else np.zeros(0, int)
    return [[bool(best[s + j] == k) for j in range(m)]
            for k, (s, m) in enumerate(zip(starts, lengths, strict=True))]


def encode(tokenizer, split, params: QAParams, limit: int
           ) -> tuple[list[dict[str, list[int]]], list[Window]]:
    """Window features and, per window, its :class:`Window` (features grouped by example)."""
    f, ds = split.fields, split.dataset
    seq_len = min(params.max_seq_len, limit)
    added = tokenizer.num_special_tokens_to_add(pair=True)
    query_len = max(1, min(params.max_query_len, (seq_len - added) // 2))
    questions = _clip_questions(tokenizer, [str(q).lstrip() for q in ds[f["question"]]], query_len)
    contexts = [str(c) for c in ds[f["context"]]]
    q_lens = [len(ids) for ids in tokenizer(questions, add_special_tokens=False)["input_ids"]]
    # A tokenizer call has one overlap (``stride``) for all its windows, but the XTREME step
    # (doc_stride) leaves an overlap that depends on the question's length: one call per length.
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(q_lens):
        groups.setdefault(n, []).append(i)
    per_example: list[list[tuple[dict[str, list[int]], list]]] = [[] for _ in contexts]
    for q_len, idx in groups.items():
        room = seq_len - q_len - added
        step = max(1, min(params.doc_stride, room))  # never skip context tokens
        enc = tokenizer(
            [questions[i] for i in idx], [contexts[i] for i in idx], truncation="only_second",
            max_length=seq_len, stride=room - step, return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        keys = [k for k in ("input_ids", "token_type_ids") if k in enc]
        for w in range(len(enc["input_ids"])):
            ex = idx[int(enc["overflow_to_sample_mapping"][w])]
            offsets = [tuple(o) if s == 1 else None
                       for o, s in zip(enc["offset_mapping"][w], enc.sequence_ids(w), strict=True)]
            per_example[ex].append(({k: list(enc[k][w]) for k in keys}, offsets, step))
    feats: list[dict[str, list[int]]] = []
    meta: list[Window] = []
    for ex, windows in enumerate(per_example):
        lengths = [sum(o is not None for o in offsets) for _, offsets, _ in windows]
        starts = [k * step for k, (_, _, step) in enumerate(windows)]
        ok = max_context(starts, lengths)
        for (feat, offsets, _), flags in zip(windows, ok, strict=True):
            it = iter(flags)
            can_start = tuple(next(it) if o is not None else False for o in offsets)
            feats.append(feat)
            meta.append(Window(ex, tuple(offsets), can_start))
    return feats, meta


def collect(outputs, mask) -> list[Any]:
    start = outputs.start_logits.float().cpu().numpy()
    end = outputs.end_logits.float().cpu().numpy()
    lengths = mask.sum(dim=1).tolist()
    return [(start[i, : n], end[i, : n]) for i, n in enumerate(lengths)]


def best_span(start, end, offsets, params: QAParams, can_start=None
              ) -> tuple[float, int, int] | None:
    """(score, char start, char end) of the best span in one window, or None.

    Candidates are the ``n_best`` highest start and end logits among context tokens (starts
    only where ``can_start``); a span needs end >= start and at most ``max_answer_len`` tokens;
    its score is start logit + end logit.
    """
    import numpy as np

    valid = np.array([o is not None for o in offsets], dtype=bool)
    starts_ok = valid if can_start is None else valid & np.array(can_start, dtype=bool)
    if not starts_ok.any():
        return None
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    s_idx = np.flatnonzero(starts_ok)
    e_idx = np.flatnonzero(valid)
    s_top = s_idx[np.argsort(-start[s_idx], kind="stable")[: params.n_best]]
    e_top = e_idx[np.argsort(-end[e_idx], kind="stable")[: params.n_best]]
    best = None
    for s in s_top:
        for e in e_top:
            if e < s or e - s + 1 > params.max_answer_len:
                continue
            score = float(start[s] + end[e])
            if best is None or score > best[0]:
                best = (score, offsets[s][0], offsets[e][1])
    return best


def decode(rows, meta: list[Window], contexts: list[str], params: QAParams) -> list[str]:
    """The best span over all windows of each example, as text of its context."""
    best: dict[int, tuple[float, int, int]] = {}
    for win, (start, end) in zip(meta, rows, strict=True):
        span = best_span(start, end, win.offsets, params, win.can_start)
        if span is not None and (win.example not in best or span[0] > best[win.example][0]):
            best[win.example] = span
    return [contexts[i][best[i][1]: best[i][2]].strip() if i in best else ""
            for i in range(len(contexts))]


def predict(model, tokenizer, split, config: engine.EngineConfig, params: QAParams = QAParams()):
    """Predicted answer text per example and warnings."""
    feats, meta = encode(tokenizer, split, params, max_len(model, tokenizer, params.max_seq_len))
    rows = engine.run(model, feats, collect, pad_id=tokenizer.pad_token_id, config=config,
                      desc=f"{split.lang}")
    contexts = [str(c) for c in split.dataset[split.fields["context"]]]
    return decode(rows, meta, contexts, params), []


def answer_tokens(offsets, start: int, end: int) -> tuple[int, int]:
    """Token positions of the answer ``context[start:end]`` in one window (``offsets``: the
    window's context offsets, None elsewhere); (0, 0), the first token, when the window does
    not hold the whole answer (as in XTREME's ``run_squad.py``)."""
    first = last = None
    for i, o in enumerate(offsets):
        if o is None or o[1] <= o[0]:
            continue
        if first is None and o[1] > start:
            first = i
        if o[0] < end:
            last = i
    inside = [o for o in offsets if o is not None]
    if (first is None or last is None or last < first or not inside
            or inside[0][0] > start or inside[-1][1] < end):
        return 0, 0
    return first, last


class QAHead(Head):
    attackable = True

    def outcomes(self, model, tokenizer, split, config, params, metric, corpus=None):
        """Per question: the F1 of the predicted answer (its support, 0..1; right while above
        0) and the answer."""
        preds, _ = predict(model, tokenizer, split, config, QAParams(**params))
        f1 = metric.example_stats(preds, split)["f1"]
        return [Outcome(f / 100, frozenset({0} if f > 0 else ()), p)
                for f, p in zip(f1, preds, strict=True)]

    train_length = 384

    def train_config(self, labels):
        """Two outputs per token, the start and end logits, as transformers' QA heads."""
        return super().train_config(["LABEL_0", "LABEL_1"])

    def train_features(self, tokenizer, split, max_length, labels):
        """Every window of every answered question, with the first answer's token start and
        end (the first token where the window does not hold it); unanswered rows are left out."""
        params = QAParams(max_seq_len=max_length)
        feats, meta = encode(tokenizer, split, params, max_length)
        answers = split.dataset[split.fields["answers"]]
        out = []
        for feat, win in zip(feats, meta, strict=True):
            a = answers[win.example]
            texts, starts = list(a.get("text") or ()), list(a.get("answer_start") or ())
            if not texts or not str(texts[0]) or not starts:
                continue
            s, e = answer_tokens(win.offsets, int(starts[0]), int(starts[0]) + len(texts[0]))
            out.append((win.example, {**feat, "start_positions": s, "end_positions": e}))
        return out

    def params(self, model_config, layer, metric=None, pool=None):
        return QAParams().as_dict()

    def predict(self, model, tokenizer, split, config, params, metric):
        return predict(model, tokenizer, split, config, QAParams(**params))


HEADS.add(QA, QAHead())
