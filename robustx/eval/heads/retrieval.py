"""Retrieval (BUCC, Tatoeba): pooled hidden states of one layer, cosine similarity.

``--layer`` counts in ``hidden_states``, where 0 is the embedding output and ``n`` the last
layer; ``--pool`` is ``cls`` (the first token) or ``mean`` (all tokens, special tokens included,
as ``evaluate_retrieval.py`` without ``--pool_skip_special_token``). The defaults are what
XTREME's scripts run, per retrieval mode (:data:`DEFAULTS`). Those scripts pick
``all_layer_outputs[-num_layers:][specific_layer]``, i.e. ``hidden_states[n + 1 - num_layers +
specific_layer]``:

- Tatoeba (``run_tatoeba.sh``: mean pooling, ``--num_layers`` 12 and ``--specific_layer`` 7, or
  24 and 13 for XLM-R): ``hidden_states[8]`` of 12 layers, ``[14]`` of 24; robustx's rule is
  ``min(n, n // 2 + 2)``.
- BUCC (``run_bucc2018.sh``: ``--pool_type cls``, ``--specific_layer 7`` and no
  ``--num_layers``, so 12 for every model): the 7th of the *last 12* layers,
  ``hidden_states[n - 4]``: ``[8]`` of 12 layers, ``[20]`` of 24 (XLM-R large); models with
  fewer than 12 layers, which the script cannot run, get the Tatoeba rule.

Tatoeba follows ``evaluate_retrieval.py``'s ``similarity_search``: each target (English)
sentence looks for its nearest source sentence. BUCC mines the pools of all distinct source and
target sentences with ratio-margin scoring (Artetxe & Schwenk 2019, k=4), see
:func:`margin_candidates`.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ...errors import UsageError
from ...tasks import RETRIEVAL
from .. import engine
from . import HEADS, Head
from .classify import max_len

POOLS = ("cls", "mean")


def _tatoeba_layer(n: int) -> int:
    return min(n, n // 2 + 2)


def _bucc_layer(n: int) -> int:
    return max(n - 4, _tatoeba_layer(n))


# retrieval mode -> (default layer of an n-layer model, default pooling, where it comes from)
DEFAULTS = {
    "nearest": (_tatoeba_layer, "mean", "run_tatoeba.sh"),
    "candidates": (_bucc_layer, "cls", "run_bucc2018.sh"),
}


def default_layer(model, mode: str = "nearest") -> int:
    return DEFAULTS[mode][0](int(model.config.num_hidden_layers))


def check_layer(model, layer: int | None, mode: str = "nearest") -> int:
    n = int(model.config.num_hidden_layers)
    layer = default_layer(model, mode) if layer is None else int(layer)
    if not 0 <= layer <= n:
        raise UsageError(f"--layer must be between 0 (embeddings) and {n}, got {layer}")
    return layer


def check_pool(pool: str | None, mode: str = "nearest") -> str:
    pool = DEFAULTS[mode][1] if pool is None else str(pool)
    if pool not in POOLS:
        raise UsageError(f"--pool must be one of {', '.join(POOLS)}, got {pool!r}")
    return pool


def embed(model, tokenizer, sentences: list[str], layer: int, config: engine.EngineConfig,
          pool: str = "mean"):
    """L2-normalised embeddings, one row per sentence (float32 numpy): the ``pool`` (``mean``
    over all tokens, or the ``cls`` first token) of ``hidden_states[layer]``."""
    import numpy as np

    enc = tokenizer(sentences, truncation=True, max_length=max_len(model, tokenizer))
    feats = [{"input_ids": list(ids)} for ids in enc["input_ids"]]

    def collect(outputs, mask) -> list[Any]:
        hidden = outputs.hidden_states[layer].float()
        if pool == "cls":  # batches are right-padded: position 0 is each row's first token
            return list(hidden[:, 0].cpu().numpy())
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1)
        return list(pooled.cpu().numpy())

    rows = engine.run(model, feats, collect, pad_id=tokenizer.pad_token_id, config=config,
                      model_kwargs={"output_hidden_states": True}, desc="embedding")
    mat = np.stack(rows).astype(np.float32) if rows else np.zeros((0, 1), np.float32)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.maximum(norms, 1e-12)


def knn(query, base, k: int, chunk: int = 2048):
    """(similarities, indices) of the ``k`` rows of ``base`` most similar (inner product) to each
    row of ``query``, best first; ties go to the lower index. Computed in blocks of ``chunk``
    queries, so memory stays at ``chunk x len(base)``."""
    import numpy as np

    k = min(k, len(base))
    sims = np.zeros((len(query), k), np.float32)
    inds = np.zeros((len(query), k), np.int64)
    for lo in range(0, len(query), chunk):
        block = query[lo: lo + chunk] @ base.T
        if k < block.shape[1]:
            # the k-th best value, then everything at least as good (ties included)
            kth = -np.partition(-block, k - 1, axis=1)[:, k - 1: k]
            for r in range(block.shape[0]):
                cand = np.flatnonzero(block[r] >= kth[r])
                order = cand[np.lexsort((cand, -block[r, cand]))][:k]
                inds[lo + r] = order
                sims[lo + r] = block[r, order]
        else:
            order = np.lexsort((np.broadcast_to(np.arange(k), block.shape), -block), axis=1)
            inds[lo: lo + chunk] = order
            sims[lo: lo + chunk] = np.take_along_axis(block, order, axis=1)
    return sims, inds


def nearest(query, base) -> list[int]:
    """Index of the most cosine-similar row of ``base`` for each row of ``query`` (first on ties)."""
    if not len(query):
        return []
    return [int(i) for i in knn(query, base, 1)[1][:, 0]]


def margin_candidates(src, tgt, k: int = 4) -> list[tuple[int, int, float]]:
    """(source, target, ratio-margin score) pairs mined as XTREME's ``utils_retrieve.py`` does
    (LASER ``mine_bitexts``: mode mine, retrieval max, margin ratio, k neighbours):

    - ``margin(x, y) = cos(x, y) / ((mean cos of x's k nearest targets
      + mean cos of y's k nearest sources) / 2)``;
    - forward: each source's best target by margin among its k nearest targets (by cosine);
      backward: each target's best source among its k nearest sources;
    - all forward and backward pairs, best score first, are kept greedily when neither their
      source nor their target was taken yet, and when the score is positive.
    """
    import numpy as np

    if not len(src) or not len(tgt):
        return []
    x2y_sim, x2y_ind = knn(src, tgt, k)
    y2x_sim, y2x_ind = knn(tgt, src, k)
    x2y_mean, y2x_mean = x2y_sim.mean(axis=1), y2x_sim.mean(axis=1)
    fwd = x2y_sim / ((x2y_mean[:, None] + y2x_mean[x2y_ind]) / 2)
    bwd = y2x_sim / ((y2x_mean[:, None] + x2y_mean[y2x_ind]) / 2)
    f_arg, b_arg = fwd.argmax(axis=1), bwd.argmax(axis=1)
    rows_x, rows_y = np.arange(len(src)), np.arange(len(tgt))
    pairs = np.concatenate([np.stack([rows_x, x2y_ind[rows_x, f_arg]], axis=1),
                            np.stack([y2x_ind[rows_y, b_arg], rows_y], axis=1)])
    scores = np.concatenate([fwd[rows_x, f_arg], bwd[rows_y, b_arg]])
    out: list[tuple[int, int, float]] = []
    seen_src: set[int] = set()
    seen_tgt: set[int] = set()
    for n in np.argsort(-scores, kind="stable"):
        i, j = int(pairs[n, 0]), int(pairs[n, 1])
        if i in seen_src or j in seen_tgt:
            continue
        seen_src.add(i)
        seen_tgt.add(j)
        if scores[n] > 0:
            out.append((i, j, float(scores[n])))
    return out


def pools(split) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """Distinct sources, distinct targets, and each row's (source, target) index: the gold pair."""
    f, ds = split.fields, split.dataset
    srcs, tgts, gold = {}, {}, []
    for s, t in zip(ds[f["source"]], ds[f["target"]], strict=True):
        gold.append((srcs.setdefault(str(s), len(srcs)), tgts.setdefault(str(t), len(tgts))))
    return list(srcs), list(tgts), gold


def predict(model, tokenizer, split, config: engine.EngineConfig, layer: int | None = None,
            mode: str = "nearest", pool: str | None = None):
    """``nearest`` (Tatoeba): per row, the index of the row whose source is nearest to this
    row's target. ``candidates`` (BUCC): mined [source, target, margin] candidates over the
    pools of :func:`pools`."""
    layer = check_layer(model, layer, mode)
    pool = check_pool(pool, mode)
    if mode == "nearest":
        f, ds = split.fields, split.dataset
        src = embed(model, tokenizer, [str(s) for s in ds[f["source"]]], layer, config, pool)
        tgt = embed(model, tokenizer, [str(t) for t in ds[f["target"]]], layer, config, pool)
        return nearest(tgt, src), []
    if mode != "candidates":
        raise ValueError(f"unknown retrieval mode {mode!r} (nearest or candidates)")
    sources, targets, _ = pools(split)
    src = embed(model, tokenizer, sources, layer, config, pool)
    tgt = embed(model, tokenizer, targets, layer, config, pool)
    return [list(c) for c in margin_candidates(src, tgt)], []


class RetrievalHead(Head):
    """The encoder alone; the metric's ``retrieval_mode`` says what to retrieve."""

    trained = False
    layered = True

    def params(self, model_config, layer, metric=None, pool=None):
        mode = getattr(metric, "retrieval_mode", None) or "nearest"
        layer = check_layer(SimpleNamespace(config=model_config), layer, mode)
        return {"layer": layer, "pooling": check_pool(pool, mode), "margin_k": 4}

    def predict(self, model, tokenizer, split, config, params, metric):
        return predict(model, tokenizer, split, config, params["layer"],
                       mode=metric.retrieval_mode, pool=params["pooling"])


HEADS.add(RETRIEVAL, RetrievalHead())
