"""Retrieval outcomes for ``robustx attack``: sources ranked against the split's fixed targets.

A retrieval prediction depends on the whole split; with the English targets fixed and embedded
once (:func:`targets`), each rewritten source is judged on its own (:func:`source_outcomes`),
by cosine (Tatoeba) or BUCC's forward ratio margin against the clean neighbourhoods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import engine
from . import Outcome
from .retrieval import embed, knn


def _key(text, id_) -> tuple[str, str]:
    """How :func:`pools` tells sentences apart: by id when there is one, else by text."""
    return ("text", str(text)) if id_ is None else ("id", str(id_))


def _column(split, role: str) -> list:
    f, ds = split.fields, split.dataset
    return list(ds[f[role]]) if role in f else [None] * len(ds)


@dataclass(frozen=True)
class Targets:
    """A split's distinct targets (as :func:`pools` tells them apart), embedded once: what an
    attacked source is ranked against. ``rows[j]``: the first row holding target ``j``.
    ``means``: for BUCC's margin, each target's mean cosine to its ``k`` nearest sources of the
    clean split (None for Tatoeba's plain cosine)."""

    index: dict[tuple[str, str], int]
    rows: list[int]
    embeddings: Any
    means: Any = None
    k: int = 4

    def gold(self, target, target_id) -> int | None:
        return None if target is None else self.index[_key(target, target_id)]


def targets(model, tokenizer, split, config: engine.EngineConfig, layer: int, pool: str,
            margin_k: int | None = None) -> Targets:
    """The :class:`Targets` of ``split``; with ``margin_k``, also each target's neighbourhood
    mean over the clean sources (BUCC's ratio margin, :func:`margin_candidates`)."""
    index: dict[tuple[str, str], int] = {}
    rows: list[int] = []
    texts: list[str] = []
    for i, (t, id_) in enumerate(zip(_column(split, "target"), _column(split, "target_id"),
                                     strict=True)):
        if t is not None and _key(t, id_) not in index:
            index[_key(t, id_)] = len(rows)
            rows.append(i)
            texts.append(str(t))
    tgt = embed(model, tokenizer, texts, layer, config, pool)
    if margin_k is None:
        return Targets(index, rows, tgt)
    sources = list(dict.fromkeys(str(x) for x in _column(split, "source") if x is not None))
    src = embed(model, tokenizer, sources, layer, config, pool)
    means = knn(tgt, src, margin_k)[0].mean(axis=1) if len(src) and len(tgt) else None
    return Targets(index, rows, tgt, means, margin_k)


def source_outcomes(model, tokenizer, split, config: engine.EngineConfig, layer: int,
                    pool: str, corpus: Targets) -> list[Outcome]:
    """Per row: its source ranks every target of ``corpus``, by cosine similarity (Tatoeba) or
    by the forward ratio margin against the clean neighbourhoods (BUCC: ``corpus.means``);
    right when the row's own target (or one that :func:`pools` cannot tell apart from it) is
    first (first on ties, as :func:`knn`); support: the gold target's value minus the best
    other target's, below 0 once another target takes the top; pred: the top target's first
    row. A row without both sides is not a gold pair: nothing right, support 0, pred None."""
    import numpy as np

    rows = list(zip(_column(split, "source"), _column(split, "target"),
                    _column(split, "target_id"), strict=True))
    live = [i for i, (src, tgt, _) in enumerate(rows) if src is not None and tgt is not None]
    out = [Outcome(0.0, frozenset(), None)] * len(rows)
    if not live or not len(corpus.rows):
        return out
    emb = embed(model, tokenizer, [str(rows[i][0]) for i in live], layer, config, pool)
    sims = emb @ corpus.embeddings.T
    if corpus.means is not None:  # ratio margin: cos / ((mean of x's k best + y's mean) / 2)
        k = min(corpus.k, sims.shape[1])
        x_means = -np.partition(-sims, k - 1, axis=1)[:, :k].mean(axis=1)
        sims = sims / ((x_means[:, None] + corpus.means[None, :]) / 2)
    for i, row in zip(live, sims, strict=True):
        gold = corpus.gold(rows[i][1], rows[i][2])
        top = int(np.argmax(row))
        others = np.delete(row, gold)
        support = float(row[gold] - others.max()) if len(others) else float(row[gold])
        out[i] = Outcome(support, frozenset({0} if top == gold else ()), corpus.rows[top])
    return out
