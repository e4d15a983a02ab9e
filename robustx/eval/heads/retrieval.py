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
sentence looks for its nearest source sentence. BUCC mines the distinct source and target
sentences with ratio-margin scoring (Artetxe & Schwenk 2019, k=4), see
:func:`margin_candidates`, and maps the mined sentences back to the pools of :func:`pools`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from ...errors import InputError, UsageError
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

    if not sentences:  # one side of a split may be empty (a BUCC file without its partner rows)
        return np.zeros((0, 1), np.float32)
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


@dataclass(frozen=True)
class Pools:
    """The distinct sources and targets of a retrieval split and where each row points.

    Sentences are told apart by their ids when the split has ``source_id``/``target_id``
    (BUCC's corpora hold the same sentence under several ids), else by their text. ``rows``:
    each row's (source, target) index, None for a side the row does not have (a sentence of
    BUCC's full corpora without a gold partner); a row with both is a gold pair.
    """

    sources: list[str]
    targets: list[str]
    rows: list[tuple[int | None, int | None]]

    @property
    def gold(self) -> list[tuple[int, int]]:
        return [(s, t) for s, t in self.rows if s is not None and t is not None]

    @property
    def one_sided(self) -> bool:
        """Some sentence has no gold partner: the full corpus, not gold pairs only."""
        return any(s is None or t is None for s, t in self.rows)


def _side(split, text_role: str, id_role: str) -> tuple[list[str], list[int | None]]:
    f, ds = split.fields, split.dataset
    n = len(ds)
    texts = ds[f[text_role]] if text_role in f else [None] * n
    ids = ds[f[id_role]] if id_role in f else [None] * n
    keys: dict[tuple[str, str], int] = {}
    where: list[int | None] = []
    for text, id_ in zip(texts, ids, strict=True):
        if text is None:
            where.append(None)
            continue
        key = ("text", str(text)) if id_ is None else ("id", str(id_))
        where.append(keys.setdefault(key, len(keys)))
    pool = [""] * len(keys)
    for text, at in zip(texts, where, strict=True):
        if at is not None and not pool[at]:
            pool[at] = str(text)
    return pool, where


def pools(split) -> Pools:
    """The split's distinct sources and targets (by id, else by text) and each row's pair."""
    sources, src_at = _side(split, "source", "source_id")
    targets, tgt_at = _side(split, "target", "target_id")
    return Pools(sources, targets, list(zip(src_at, tgt_at, strict=True)))


def pool_candidates(candidates: Sequence[Sequence], src_texts: Sequence[str],
                    tgt_texts: Sequence[str], p: Pools) -> list[list]:
    """Candidates mined between distinct *texts* as pool [source, target, score] triples.

    As XTREME's ``read_sent2id``, a text held by several pool entries (one sentence under two
    ids) cannot be attributed, so its candidates are dropped; when pools are by text every text
    is one entry and nothing is dropped.
    """
    def unique(pool: Sequence[str], texts: Sequence[str]) -> list[int | None]:
        at: dict[str, list[int]] = {}
        for i, t in enumerate(pool):
            at.setdefault(t, []).append(i)
        return [at[t][0] if len(at[t]) == 1 else None for t in texts]

    src_of, tgt_of = unique(p.sources, src_texts), unique(p.targets, tgt_texts)
    return [[src_of[i], tgt_of[j], float(s)] for i, j, s in candidates
            if src_of[i] is not None and tgt_of[j] is not None]


def predict(model, tokenizer, split, config: engine.EngineConfig, layer: int | None = None,
            mode: str = "nearest", pool: str | None = None):
    """``nearest`` (Tatoeba): per row, the index of the row whose source is nearest to this
    row's target (None for a row without one: XTREME's unaligned files have one side a row). ``candidates`` (BUCC): [source, target, margin] candidates mined over the
    distinct sentences and given as indices into the pools of :func:`pools`."""
    layer = check_layer(model, layer, mode)
    pool = check_pool(pool, mode)
    if mode == "nearest":
        f, ds = split.fields, split.dataset
        none = [None] * len(ds)  # a file of one side only (no target column) retrieves nothing
        sources = ds[f["source"]] if "source" in f else none
        targets = ds[f["target"]] if "target" in f else none
        src_rows = [i for i, s in enumerate(sources) if s is not None]
        tgt_rows = [i for i, t in enumerate(targets) if t is not None]
        if not src_rows or not tgt_rows:
            return list(none), []
        src = embed(model, tokenizer, [str(sources[i]) for i in src_rows], layer, config, pool)
        tgt = embed(model, tokenizer, [str(targets[i]) for i in tgt_rows], layer, config, pool)
        out: list[int | None] = [None] * len(ds)  # a row without a target retrieves nothing
        for i, j in zip(tgt_rows, nearest(tgt, src), strict=True):
            out[i] = src_rows[j]
        return out, []
    if mode != "candidates":
        raise ValueError(f"unknown retrieval mode {mode!r} (nearest or candidates)")
    return mine(pools(split), lambda texts: embed(model, tokenizer, texts, layer, config, pool)
                ), []


def mine(p: Pools, embed_texts: Callable[[list[str]], Any], k: int = 4) -> list[list]:
    """BUCC candidates of the pools ``p``: one embedding per distinct text (``embed_texts``:
    texts -> L2-normalised rows), as ``mine_bitext``'s ``text_load_unify``, mined with
    :func:`margin_candidates` and mapped back with :func:`pool_candidates`."""
    src_texts, tgt_texts = list(dict.fromkeys(p.sources)), list(dict.fromkeys(p.targets))
    cands = margin_candidates(embed_texts(src_texts), embed_texts(tgt_texts), k)
    return pool_candidates(cands, src_texts, tgt_texts, p)


class RetrievalHead(Head):
    """The encoder alone; the metric's ``retrieval_mode`` says what to retrieve.

    An attack rewrites sources and ranks the split's fixed targets for each: the direction in
    which one source's rewrite cannot change another row's result (for BUCC's margin, with the
    targets' neighbourhoods taken from the clean sources).
    """

    trained = False
    layered = True
    attackable = True

    def can_attack(self, metric):
        return metric.retrieval_mode in DEFAULTS

    def corpus(self, model, tokenizer, split, config, params, metric):
        from .retrieval_attack import targets

        margin = params["margin_k"] if metric.retrieval_mode == "candidates" else None
        return targets(model, tokenizer, split, config, params["layer"], params["pooling"],
                       margin)

    def outcomes(self, model, tokenizer, split, config, params, metric, corpus=None):
        from .retrieval_attack import source_outcomes

        if corpus is None:
            corpus = self.corpus(model, tokenizer, split, config, params, metric)
        return source_outcomes(model, tokenizer, split, config, params["layer"],
                               params["pooling"], corpus)

    def outcome_score(self, outcomes, split, metric):
        """Source-to-target top-1 accuracy (percent) over the gold pairs (rows with both
        sides), the attack's own direction."""
        pairs = [o for o, p in zip(outcomes, pools(split).rows, strict=True)
                 if None not in p]
        return 100 * sum(bool(o.right) for o in pairs) / len(pairs) if pairs else 0.0

    def params(self, model_config, layer, metric=None, pool=None):
        mode = getattr(metric, "retrieval_mode", None) or "nearest"
        layer = check_layer(SimpleNamespace(config=model_config), layer, mode)
        return {"layer": layer, "pooling": check_pool(pool, mode), "margin_k": 4}

    def check(self, split, metric):
        """Nearest-neighbour search (Tatoeba) needs both sides on every row."""
        if metric.retrieval_mode != "nearest":
            return
        for role in ("source", "target"):
            col = split.fields.get(role)
            if col is not None and None in split.dataset[col]:
                raise InputError(f"{split.source}: a row without {col}: {split.name} pairs "
                                 "every source with a target (only BUCC mines full corpora)")

    def predict(self, model, tokenizer, split, config, params, metric):
        return predict(model, tokenizer, split, config, params["layer"],
                       mode=metric.retrieval_mode, pool=params["pooling"])


HEADS.add(RETRIEVAL, RetrievalHead())
