"""Token classification (PAN-X, UD-POS): one tag per word from the word's first sub-word.

Sentences longer than the model's limit are cut at word boundaries into several windows, so
no word is ever dropped (XTREME's scripts truncate instead); a word that is longer than a whole
window keeps its first sub-words. A word the tokenizer turns into nothing (an empty string, or
only characters it drops) is read as the unknown token, as in XTREME's ``utils_tag.py``, so that
every word gets a prediction from the model.
"""

from __future__ import annotations

from typing import Any

from ...errors import InputError
from ...tasks import TAGGING
from ...tasks.labels import gold_labels, gold_names, label_space
from .. import engine
from . import HEADS, Head, Outcome, check_gold, match_labels
from .classify import label_index, max_len


def windows(word_pieces: list[list[int]], room: int) -> list[tuple[int, list[list[int]]]]:
    """Greedy word-boundary windows of at most ``room`` sub-words: (first word index, words)."""
    out: list[tuple[int, list[list[int]]]] = []
    start, cur, used = 0, [], 0
    for w, pieces in enumerate(word_pieces):
        pieces = pieces[:room]
        if cur and used + len(pieces) > room:
            out.append((start, cur))
            start, cur, used = w, [], 0
        cur.append(pieces)
        used += len(pieces)
    if cur or not out:
        out.append((start, cur))
    return out


def encode(tokenizer, split, limit: int) -> tuple[list[dict[str, list[int]]], list[Any], int]:
    """Features (one per window); per window, (example, first word, per-word first position);
    and how many words had no sub-word and were read as the unknown token."""
    sentences = [[str(t) for t in row] for row in split.dataset[split.fields["tokens"]]]
    enc = tokenizer(sentences, is_split_into_words=True, add_special_tokens=False)
    room = limit - 2
    feats, meta, unk = [], [], 0
    for ex, words in enumerate(sentences):
        ids, word_ids = enc["input_ids"][ex], enc.word_ids(ex)
        pieces: list[list[int]] = [[] for _ in words]
        for tok, w in zip(ids, word_ids, strict=True):
            if w is not None:
                pieces[w].append(tok)
        for p in pieces:
            if not p:
                p.append(tokenizer.unk_token_id)
                unk += 1
        for first, chunk in windows(pieces, room):
            row = [tokenizer.cls_token_id]
            positions = []
            for p in chunk:
                positions.append(len(row))
                row.extend(p)
            row.append(tokenizer.sep_token_id)
            feats.append({"input_ids": row})
            meta.append((ex, first, positions))
    return feats, meta, unk


def collect(outputs, mask) -> list[Any]:
    logits = outputs.logits.float().cpu().numpy()
    lengths = mask.sum(dim=1).tolist()
    return [logits[i, : lengths[i]] for i in range(len(lengths))]


def predict(model, tokenizer, split, config: engine.EngineConfig):
    """Predicted tag names per word (same shape as the gold tags) and warnings."""
    import numpy as np

    names = label_space(split)
    ids, notes = match_labels(model.config.id2label, names, "tag")
    feats, meta, unk = encode(tokenizer, split, max_len(model, tokenizer))
    rows = engine.run(model, feats, collect, pad_id=tokenizer.pad_token_id, config=config,
                      desc=f"{split.lang}")
    n_words = [len(r) for r in split.dataset[split.fields["tokens"]]]
    preds: list[list[str | None]] = [[None] * n for n in n_words]
    for (ex, first, positions), logits in zip(meta, rows, strict=True):
        scores = logits[positions][:, ids]
        for k, j in enumerate(np.argmax(scores, axis=1)):
            preds[ex][first + k] = names[int(j)]
    if unk:
        notes.append(f"{unk} word(s) produced no sub-word and were read as the unknown token")
    return preds, notes


def outcomes(model, tokenizer, split, config: engine.EngineConfig, metric) -> list[Outcome]:
    """Per sentence: the mean probability of the gold tags over its words, the tags
    :func:`predict` gives, and the parts (the metric's: entities or tokens) predicted right."""
    import numpy as np

    names = label_space(split)
    ids, _ = match_labels(model.config.id2label, names, "tag")
    index = {n.lower(): i for i, n in enumerate(names)}
    feats, meta, _ = encode(tokenizer, split, max_len(model, tokenizer))
    rows = engine.run(model, feats, collect, pad_id=tokenizer.pad_token_id, config=config,
                      desc=f"{split.lang}")
    golds = [gold_names(r, split.label_names) for r in split.dataset[split.fields["tags"]]]
    preds = [[None] * len(g) for g in golds]
    support = [[0.0] * len(g) for g in golds]
    for (ex, first, positions), logits in zip(meta, rows, strict=True):
        scores = np.asarray(logits[positions][:, ids], dtype=np.float64)
        probs = np.exp(scores - scores.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        for k, j in enumerate(np.argmax(scores, axis=1)):
            preds[ex][first + k] = names[int(j)]
            g = index.get(golds[ex][first + k].lower())
            support[ex][first + k] = float(probs[k, g]) if g is not None else 0.0
    return [Outcome(sum(s) / len(s) if s else 1.0, metric.right_parts(g, p), p)
            for s, g, p in zip(support, golds, preds, strict=True)]


class TaggingHead(Head):
    attackable = True

    def outcomes(self, model, tokenizer, split, config, params, metric, corpus=None):
        return outcomes(model, tokenizer, split, config, metric)

    def check(self, split, metric):
        f, ds = split.fields, split.dataset
        for n, (words, tags) in enumerate(zip(ds[f["tokens"]], ds[f["tags"]], strict=True)):
            if len(words) != len(tags):
                raise InputError(f"{split.source}: row {n + 1} has {len(words)} tokens but "
                                 f"{len(tags)} tags")
        if metric is None:
            return
        check_gold(split, metric, lambda: gold_labels(split, split.label_names), "tag")

    def predict(self, model, tokenizer, split, config, params, metric):
        return predict(model, tokenizer, split, config)

    def train_features(self, tokenizer, split, max_length, labels):
        """A tag on each word's first sub-word, -100 (ignored by the loss) everywhere else:
        the positions :func:`predict` reads."""
        self.check(split, None)
        rows = [gold_names(r, split.label_names) for r in split.dataset[split.fields["tags"]]]
        index = label_index(labels, [t for r in rows for t in r], split.source, "tag")
        feats, meta, _ = encode(tokenizer, split, max_length)
        out = []
        for feat, (ex, first, positions) in zip(feats, meta, strict=True):
            target = [-100] * len(feat["input_ids"])
            for k, pos in enumerate(positions):
                target[pos] = index[rows[ex][first + k].lower()]
            out.append((ex, {**feat, "labels": target}))
        return out


HEADS.add(TAGGING, TaggingHead())
