"""Sequence classification (XNLI, PAWS-X; single sentences too): argmax over matched labels."""

from __future__ import annotations

from typing import Any

from ...errors import InputError
from ...tasks import PAIR
from ...tasks.labels import gold_labels, gold_names, label_space, unknown_labels
from .. import engine
from . import HEADS, Head, Outcome, check_gold, match_labels


def max_len(model, tokenizer, requested: int = 512) -> int:
    """The longest input the model accepts (XLM-R-style position ids lose 2 to padding offset)."""
    limits = [requested, int(getattr(tokenizer, "model_max_length", requested) or requested)]
    pos = getattr(model.config, "max_position_embeddings", None)
    if pos:
        offset = 2 if getattr(model.config, "model_type", "") in ("xlm-roberta", "roberta") else 0
        limits.append(int(pos) - offset)
    return min(limits)


def encode(tokenizer, split, limit: int) -> list[dict[str, list[int]]]:
    f, ds = split.fields, split.dataset
    first = [str(s) for s in ds[f["sentence1"]]]
    second_col = f.get("sentence2")
    second = [str(s) for s in ds[second_col]] if second_col in ds.column_names else None
    enc = tokenizer(first, second, truncation=True, max_length=limit)
    keys = [k for k in ("input_ids", "token_type_ids") if k in enc]
    return [{k: list(enc[k][i]) for k in keys} for i in range(len(first))]


def collect(outputs, mask) -> list[Any]:
    return list(outputs.logits.float().cpu().numpy())


def predict(model, tokenizer, split, config: engine.EngineConfig) -> tuple[list[str], list[str]]:
    """Predicted label names (in the data's label space) and warnings."""
    import numpy as np

    names = label_space(split)
    ids, notes = match_labels(model.config.id2label, names, "label")
    feats = encode(tokenizer, split, max_len(model, tokenizer))
    rows = engine.run(model, feats, collect, pad_id=tokenizer.pad_token_id, config=config,
                      desc=f"{split.lang}")
    preds = [names[int(np.argmax(r[ids]))] for r in rows]
    return preds, notes


def outcomes(model, tokenizer, split, config: engine.EngineConfig) -> list[Outcome]:
    """Per row: the probability of the gold label (softmax over the data's labels) and
    whether the argmax is the gold label (ties go to the first label, as :func:`predict`)."""
    import numpy as np

    names = label_space(split)
    ids, _ = match_labels(model.config.id2label, names, "label")
    index = {n.lower(): i for i, n in enumerate(names)}
    gold = [index.get(g.lower(), -1) for g in
            gold_names(split.dataset[split.fields["label"]], split.label_names)]
    feats = encode(tokenizer, split, max_len(model, tokenizer))
    rows = engine.run(model, feats, collect, pad_id=tokenizer.pad_token_id, config=config,
                      desc=f"{split.lang}")
    out = []
    for r, g in zip(rows, gold, strict=True):
        logits = np.asarray(r[ids], dtype=np.float64)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        right = g >= 0 and int(np.argmax(logits)) == g
        out.append(Outcome(float(p[g]) if g >= 0 else 0.0, frozenset({0} if right else ()),
                           names[int(np.argmax(logits))]))
    return out


class ClassifyHead(Head):
    attackable = True

    def outcomes(self, model, tokenizer, split, config, params, metric, corpus=None):
        return outcomes(model, tokenizer, split, config)

    def check(self, split, metric):
        check_gold(split, metric, lambda: gold_labels(split, split.label_names), "label")

    def predict(self, model, tokenizer, split, config, params, metric):
        return predict(model, tokenizer, split, config)

    def train_features(self, tokenizer, split, max_length, labels):
        gold = gold_labels(split, split.label_names)
        index = label_index(labels, gold, split.source, "label")
        feats = encode(tokenizer, split, max_length)
        return [(i, {**f, "labels": index[g.lower()]})
                for i, (f, g) in enumerate(zip(feats, gold, strict=True))]


def label_index(labels, gold, source: str, what: str) -> dict[str, int]:
    """Lower-cased label name -> output id; an InputError for gold outside ``labels``."""
    bad = unknown_labels(gold, labels)
    if bad:
        raise InputError(f"{source}: gold {what}(s) {bad[:5]} are not among the model's "
                         f"{what}s {list(labels)}")
    return {str(n).lower(): i for i, n in enumerate(labels)}


HEADS.add(PAIR, ClassifyHead())
