"""Retrieval (BUCC, Tatoeba): mean-pooled hidden states of one layer, cosine similarity.

The default layer follows XTREME's scripts: layer 7 of 12 (mBERT/base) and 13 of 24
(XLM-R large), i.e. ``num_hidden_layers // 2 + 1``, counted in ``hidden_states`` where 0 is the
embedding output. BUCC uses ratio-margin scoring (Artetxe & Schwenk 2019, k=4) over the pools of
all distinct source and target sentences, with forward and backward candidates merged.
"""

from __future__ import annotations

from typing import Any

from ...errors import UsageError
from .. import engine
from .classify import max_len


def default_layer(model) -> int:
    return int(model.config.num_hidden_layers) // 2 + 1


def check_layer(model, layer: int | None) -> int:
    n = int(model.config.num_hidden_layers)
    layer = default_layer(model) if layer is None else int(layer)
    if not 0 <= layer <= n:
        raise UsageError(f"--layer must be between 0 (embeddings) and {n}, got {layer}")
    return layer


def embed(model, tokenizer, sentences: list[str], layer: int, config: engine.EngineConfig):
    """L2-normalised mean-pooled embeddings, one row per sentence (float32 numpy)."""
    import numpy as np

    enc = tokenizer(sentences, truncation=True, max_length=max_len(model, tokenizer))
    feats = [{"input_ids": list(ids)} for ids in enc["input_ids"]]

    def collect(outputs, mask) -> list[Any]:
        hidden = outputs.hidden_states[layer].float()
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1)
        return list(pooled.cpu().numpy())

    rows = engine.run(model, feats, collect, pad_id=tokenizer.pad_token_id, config=config,
                      model_kwargs={"output_hidden_states": True}, desc="embedding")
    mat = np.stack(rows).astype(np.float32) if rows else np.zeros((0, 1), np.float32)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.maximum(norms, 1e-12)


def nearest(src, tgt) -> list[int]:
    """Index of the most cosine-similar target for each source (first on ties)."""
    import numpy as np

    return [int(i) for i in np.argmax(src @ tgt.T, axis=1)] if len(src) else []


def margin_candidates(src, tgt, k: int = 4) -> list[tuple[int, int, float]]:
    """(source, target, ratio-margin score): best forward and backward pairs, deduplicated."""
    import numpy as np

    sim = src @ tgt.T
    kx, ky = min(k, sim.shape[1]), min(k, sim.shape[0])
    fwd_mean = np.sort(sim, axis=1)[:, ::-1][:, :kx].mean(axis=1)
    bwd_mean = np.sort(sim, axis=0)[::-1, :][:ky, :].mean(axis=0)
    margin = sim / ((fwd_mean[:, None] + bwd_mean[None, :]) / 2)
    pairs: dict[tuple[int, int], float] = {}
    for i, j in enumerate(np.argmax(margin, axis=1)):
        pairs[(i, int(j))] = float(margin[i, j])
    for j, i in enumerate(np.argmax(margin, axis=0)):
        pairs[(int(i), j)] = float(margin[i, j])
    return sorted(((i, j, s) for (i, j), s in pairs.items()), key=lambda p: (-p[2], p[0], p[1]))


def pools(split) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """Distinct sources, distinct targets, and each row's (source, target) index: the gold pair."""
    f, ds = split.fields, split.dataset
    srcs, tgts, gold = {}, {}, []
    for s, t in zip(ds[f["source"]], ds[f["target"]], strict=True):
        gold.append((srcs.setdefault(str(s), len(srcs)), tgts.setdefault(str(t), len(tgts))))
    return list(srcs), list(tgts), gold


def predict(model, tokenizer, split, config: engine.EngineConfig, layer: int | None = None,
            mode: str = "tatoeba"):
    """Tatoeba: nearest target index per row. BUCC: [source, target, margin] candidates."""
    layer = check_layer(model, layer)
    if mode == "tatoeba":
        f, ds = split.fields, split.dataset
        src = embed(model, tokenizer, [str(s) for s in ds[f["source"]]], layer, config)
        tgt = embed(model, tokenizer, [str(t) for t in ds[f["target"]]], layer, config)
        return nearest(src, tgt), []
    sources, targets, _ = pools(split)
    src = embed(model, tokenizer, sources, layer, config)
    tgt = embed(model, tokenizer, targets, layer, config)
    return [list(c) for c in margin_candidates(src, tgt)], []
