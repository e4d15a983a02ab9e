"""``robustx evaluate``: score one checkpoint on one task, clean or noisy, into a scores document.

The document (schema ``robustx.scores/1``) holds, per language, the task's primary ``score``,
all metric values and ``n``; the XTREME average over languages; checkpoint and data
fingerprints; the noise signature when the data came from ``robustx corrupt``; and the
robustx version, device and precision. With ``return_predictions=True`` it also holds, per
language, the predictions and the additive per-example statistics that ``compare`` resamples
(see :mod:`robustx.eval.scoring`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from .. import __version__
from ..core import defaults
from ..errors import InputError
from . import cache as C
from . import scoring
from .engine import (
    EngineConfig,
    init_distributed,
    is_main_process,
    resolve_device,
    resolve_precision,
)

SCHEMA = "robustx.scores/1"
# Part of every prediction-cache key: bump it whenever a head's predictions change within a
# robustx version (2: XTREME doc_stride/max-context QA windows, LASER BUCC mining, Tatoeba
# target->source search, retrieval default layer, <unk> for empty words).
PREDICTION_REVISION = 2


def head_params(kind: str, layer: int | None, model) -> dict[str, Any]:
    """Parameters that change predictions, recorded in the document and the cache key."""
    if kind in ("squad", "mlqa"):
        from .heads.qa import QAParams

        return QAParams().as_dict()
    if kind in ("bucc", "tatoeba"):
        from .heads.retrieval import check_layer

        return {"layer": check_layer(model, layer), "pooling": "mean", "margin_k": 4}
    return {}


def predict_split(model, tokenizer, split, config: EngineConfig, kind: str,
                  params: dict[str, Any]) -> tuple[list, list[str]]:
    """Predictions for one split (JSON-able) and warnings, through the family's head."""
    if split.family == "pair":
        from .heads import classify

        return classify.predict(model, tokenizer, split, config)
    if split.family == "tagging":
        from .heads import tagging

        return tagging.predict(model, tokenizer, split, config)
    if split.family == "qa":
        from .heads import qa

        return qa.predict(model, tokenizer, split, config, qa.QAParams(**params))
    from .heads import retrieval

    return retrieval.predict(model, tokenizer, split, config, params["layer"], mode=kind)


def _check_split(split, kind: str) -> None:
    """Fail before loading any model: empty split, missing gold column, unknown gold labels."""
    if len(split.dataset) == 0:
        raise InputError(f"{split.source}: the split for {split.lang} is empty")
    need = {"accuracy": "label", "tatoeba": "target"}.get(kind)
    if need and need not in split.fields:
        raise InputError(f"{split.source}: no {need} column, so {split.name} cannot be scored")
    if kind in ("accuracy", "ner", "pos"):
        from .heads import gold_names, unknown_labels

        if kind == "accuracy":
            from .heads.classify import data_labels

            names, what = data_labels(split), "label"
            gold = gold_names(split.dataset[split.fields["label"]], split.label_names)
        else:
            from .heads.tagging import tag_names

            f = split.fields
            for n, (words, tags) in enumerate(zip(split.dataset[f["tokens"]],
                                                  split.dataset[f["tags"]], strict=True)):
                if len(words) != len(tags):
                    raise InputError(f"{split.source}: row {n + 1} has {len(words)} tokens but "
                                     f"{len(tags)} tags")
            names, what = tag_names(split), "tag"
            gold = [t for row in split.dataset[split.fields["tags"]]
                    for t in gold_names(row, split.label_names)]
        bad = unknown_labels(gold, names)
        if bad:
            raise InputError(
                f"{split.source}: gold {what}(s) {bad[:5]} are not among the {what}s of "
                f"{split.name} {list(names)}"
            )


def evaluate(
    checkpoint: str | Path,
    task: str | None,
    data: str | Path | None = None,
    langs: Sequence[str] | None = None,
    device: str = "auto",
    batch_tokens: int = defaults.BATCH_TOKENS,
    layer: int | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    precision: str = "auto",
    allow_pickle: bool = False,
    progress: bool = True,
    split: str | None = None,
    return_predictions: bool = False,
    splits: Sequence | None = None,
) -> dict[str, Any]:
    """Score ``checkpoint`` on ``task`` and return the scores document.

    ``splits`` (already loaded :class:`robustx.tasks.loaders.Split` objects) replaces
    ``task``/``data``/``langs``/``split`` when given.
    """
    from . import checkpoint as ckpt

    ckpt.check_local(checkpoint)  # a mistyped path fails now, not after the data is read
    if splits is None:
        from ..tasks.sources import load_splits

        splits = load_splits(task, langs, data, split)
    if not splits:
        raise InputError("no data to evaluate")
    family = splits[0].family
    kinds = [scoring.kind_of(s) for s in splits]
    for s, k in zip(splits, kinds, strict=True):
        _check_split(s, k)
    # The weights are read on the first cache miss only: a fully cached re-run reads none.
    path, model_config = ckpt.inspect(checkpoint, family, allow_pickle)
    loaded: list = []

    def model_and_tokenizer() -> tuple[Any, Any]:
        if not loaded:
            loaded.extend(ckpt.load(checkpoint, family, allow_pickle)[:2])
        return loaded[0], loaded[1]

    root = C.cache_root(cache_dir)
    ckpt_fp = ckpt.fingerprint(path, root if cache else None)
    dev = resolve_device(device)
    prec, _ = resolve_precision(precision, dev)
    _, world = init_distributed(dev)
    config = EngineConfig(device=str(dev), batch_tokens=batch_tokens, precision=prec,
                          progress=progress)

    results: dict[str, Any] = {}
    preds_out: dict[str, Any] = {}
    notes: list[str] = []
    params: dict[str, Any] = {}
    for s, kind in zip(splits, kinds, strict=True):
        params = head_params(kind, layer, SimpleNamespace(config=model_config))
        data_fp = C.data_fingerprint(s.dataset, list(s.fields.values()))
        key = {"checkpoint": ckpt_fp, "data": data_fp, "family": s.family, "kind": kind,
               "lang": s.lang, "params": params, "labels": _label_space(s, kind),
               "precision": prec, "version": __version__, "revision": PREDICTION_REVISION}
        preds = C.get(root, key) if cache else None
        if world > 1:  # every rank must agree on a hit, or the others wait in the engine forever
            preds = _from_rank0(preds)
        if preds is None:
            preds, split_notes = predict_split(*model_and_tokenizer(), s, config, kind, params)
            notes += [f"{s.name}: {n}" for n in split_notes]
            if cache and is_main_process():
                C.put(root, key, preds)
        values, stats = scoring.score(kind, preds, s)
        name = s.lang if s.lang not in results else f"{s.lang}:{s.relpath}"
        results[name] = {
            "score": values[scoring.PRIMARY[kind]], "metrics": values, "n": len(s.dataset),
            "data": {"fingerprint": data_fp, "source": s.source, "relpath": s.relpath},
            "noise_signature": (s.manifest or {}).get("signature"),
        }
        if return_predictions:
            preds_out[name] = {"kind": kind, "pred": preds, "stats": stats}
    for n in dict.fromkeys(notes):
        warnings.warn(n, stacklevel=2)

    kind = kinds[0]
    names = list(results)
    metric_names = list(results[names[0]]["metrics"])
    average = {m: _mean([results[n]["metrics"].get(m) for n in names]) for m in metric_names}
    signatures = {r["noise_signature"] for r in results.values()}
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "task": splits[0].task.name if splits[0].task else None,
        "family": family,
        "metric": scoring.PRIMARY[kind],
        "kind": kind,
        "languages": names,
        "results": results,
        "average": {"score": average[scoring.PRIMARY[kind]], "metrics": average},
        "checkpoint": {"name": str(checkpoint), "path": str(path), "fingerprint": ckpt_fp},
        "data": {
            "source": str(data) if data is not None else (
                "hub:google/xtreme" if splits[0].source.startswith("hub:") else splits[0].source),
            "fingerprint": C.stable_hash([r["data"]["fingerprint"] for r in results.values()]),
            "noise_signature": signatures.pop() if len(signatures) == 1 else sorted(
                str(s) for s in signatures),
        },
        "params": params,
        "robustx_version": __version__,
        "device": str(dev),
        "precision": prec,
        "warnings": list(dict.fromkeys(notes)),
    }
    if return_predictions:
        doc["predictions"] = preds_out
    return doc


def _label_space(split, kind: str) -> list[str] | None:
    """The label or tag names predictions are expressed in (part of the cache key)."""
    if kind == "accuracy":
        from .heads.classify import data_labels

        return data_labels(split)
    if kind in ("ner", "pos"):
        from .heads.tagging import tag_names

        return tag_names(split)
    return None


def _from_rank0(obj: Any) -> Any:
    import torch.distributed as dist

    box = [obj]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def _mean(values: list) -> float:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else 0.0


def render_scores(doc: dict[str, Any], console=None) -> None:
    """Print the scores document as a rich table (one row per language, then the average)."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    results = doc["results"]
    metric_names = list(doc["average"]["metrics"])
    title = f"{doc.get('task') or doc['family']} · {doc['checkpoint']['name']}"
    sig = doc["data"].get("noise_signature")
    if sig:
        title += f"\n{sig}"
    table = Table(title=title)
    table.add_column("lang")
    table.add_column("n", justify="right")
    for m in metric_names:
        style = "bold" if m == doc["metric"] else None
        table.add_column(m, justify="right", style=style)
    for lang, r in results.items():
        table.add_row(lang, str(r["n"]), *(f"{r['metrics'][m]:.2f}" for m in metric_names))
    n_total = sum(r["n"] for r in results.values())
    table.add_row("avg", str(n_total), *(f"{doc['average']['metrics'][m]:.2f}"
                                         for m in metric_names), style="italic")
    console.print(table)
