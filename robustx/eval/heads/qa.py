"""Extractive QA (XQuAD, MLQA, TyDiQA-GoldP): sliding windows and n-best span decoding.

Defaults follow XTREME's reference scripts: max_seq_len 384, max_query_len 64, n_best 20,
max_answer_len 30. ``doc_stride`` is the number of tokens consecutive windows share (the
``stride`` of Hugging Face tokenizers and of ``run_qa.py``), default 128.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .. import engine
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


def _clip_questions(tokenizer, questions: list[str], limit: int) -> list[str]:
    """Cut each question after ``limit`` tokens (by character offset, so text stays intact)."""
    enc = tokenizer(questions, add_special_tokens=False, return_offsets_mapping=True)
    out = []
    for q, offsets in zip(questions, enc["offset_mapping"], strict=True):
        out.append(q[: offsets[limit - 1][1]] if len(offsets) > limit else q)
    return out


def encode(tokenizer, split, params: QAParams, limit: int):
    """Window features and, per window, (example index, offsets or None per token)."""
    f, ds = split.fields, split.dataset
    seq_len = min(params.max_seq_len, limit)
    query_len = max(1, min(params.max_query_len, seq_len // 2))
    questions = _clip_questions(tokenizer, [str(q).lstrip() for q in ds[f["question"]]], query_len)
    contexts = [str(c) for c in ds[f["context"]]]
    # the overlap must leave room for new context tokens in every window
    stride = max(0, min(params.doc_stride, (seq_len - query_len - 4) // 2))
    enc = tokenizer(
        questions, contexts, truncation="only_second", max_length=seq_len, stride=stride,
        return_overflowing_tokens=True, return_offsets_mapping=True,
    )
    feats, meta = [], []
    for w in range(len(enc["input_ids"])):
        seq_ids = enc.sequence_ids(w)
        offsets = [tuple(o) if s == 1 else None
                   for o, s in zip(enc["offset_mapping"][w], seq_ids, strict=True)]
        feats.append({"input_ids": list(enc["input_ids"][w])})
        meta.append((int(enc["overflow_to_sample_mapping"][w]), offsets))
    return feats, meta


def collect(outputs, mask) -> list[Any]:
    start = outputs.start_logits.float().cpu().numpy()
    end = outputs.end_logits.float().cpu().numpy()
    lengths = mask.sum(dim=1).tolist()
    return [(start[i, : n], end[i, : n]) for i, n in enumerate(lengths)]


def best_span(start, end, offsets, params: QAParams) -> tuple[float, int, int] | None:
    """(score, char start, char end) of the best valid span in one window, or None."""
    import numpy as np

    valid = np.array([o is not None for o in offsets])
    if not valid.any():
        return None
    s_masked = np.where(valid, start, -np.inf)
    e_masked = np.where(valid, end, -np.inf)
    k = min(params.n_best, int(valid.sum()))
    starts = np.argsort(-s_masked, kind="stable")[:k]
    ends = np.argsort(-e_masked, kind="stable")[:k]
    best = None
    for s in starts:
        for e in ends:
            if e < s or e - s + 1 > params.max_answer_len:
                continue
            score = float(start[s] + end[e])
            if best is None or score > best[0]:
                best = (score, offsets[s][0], offsets[e][1])
    return best


def decode(rows, meta, contexts: list[str], params: QAParams) -> list[str]:
    best: dict[int, tuple[float, int, int]] = {}
    for (ex, offsets), (start, end) in zip(meta, rows, strict=True):
        span = best_span(start, end, offsets, params)
        if span is not None and (ex not in best or span[0] > best[ex][0]):
            best[ex] = span
    return [contexts[i][best[i][1]: best[i][2]].strip() if i in best else ""
            for i in range(len(contexts))]


def predict(model, tokenizer, split, config: engine.EngineConfig, params: QAParams = QAParams()):
    """Predicted answer text per example and warnings."""
    feats, meta = encode(tokenizer, split, params, max_len(model, tokenizer, params.max_seq_len))
    rows = engine.run(model, feats, collect, pad_id=tokenizer.pad_token_id, config=config,
                      desc=f"{split.lang}")
    contexts = [str(c) for c in split.dataset[split.fields["context"]]]
    return decode(rows, meta, contexts, params), []
