"""``robustx evaluate``: score one checkpoint on one task, clean or noisy, into a scores document.

The document (schema ``robustx.scores/1``) holds, per language, the task's primary ``score``,
all metric values and ``n``; the XTREME average over languages; checkpoint and data
fingerprints; the noise signature when the data came from ``robustx corrupt``; and the
robustx version, device and precision. With ``return_predictions=True`` it also holds, per
language, the predictions and the additive per-example statistics that ``compare`` resamples
(see :mod:`robustx.eval.metrics`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..core import defaults
from ..errors import InputError, UsageError
from ..tasks import Task
from . import cache as C
from .engine import (
    EngineConfig,
    init_distributed,
    is_main_process,
    resolve_device,
    resolve_precision,
)
from .heads import HEADS
from .metrics import Metric, metric_of

SCHEMA = "robustx.scores/1"
# Part of every prediction-cache key: bump it whenever a head's predictions change within a
# robustx version (2: XTREME doc_stride/max-context QA windows, LASER BUCC mining, Tatoeba
# target->source search, retrieval default layer, <unk> for empty words).
PREDICTION_REVISION = 2


def predict_split(model, tokenizer, split, config: EngineConfig, metric: Metric,
                  params: dict[str, Any]) -> tuple[list, list[str]]:
    """Predictions for one split (JSON-able) and warnings, through the family's head."""
    return HEADS.get(split.family).predict(model, tokenizer, split, config, params, metric)


def check_splits(splits: Sequence) -> list[Metric]:
    """Each split's metric, after failing on what no model could score: an empty split, a
    missing gold column, unknown gold labels. Cheap: run it before any model or noise.

    An unlabeled split (``Split.labelled`` False: XTREME's test files without labels, tags or
    answers) has no gold to check; it is predicted and reported as unlabeled."""
    metrics = [metric_of(s) for s in splits]
    for split, metric in zip(splits, metrics, strict=True):
        if len(split.dataset) == 0:
            raise InputError(f"{split.source}: the split for {split.lang} is empty")
        if split.labelled:
            metric.check(split)
            HEADS.get(split.family).check(split, metric)
    return metrics


def evaluate(
    checkpoint: str | Path,
    task: Task | str | None,
    data: str | Path | None = None,
    langs: Sequence[str] | None = None,
    device: str = "auto",
    batch_tokens: int = defaults.BATCH_TOKENS,
    layer: int | None = None,
    pool: str | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    precision: str = "auto",
    allow_pickle: bool = False,
    progress: bool = True,
    split: str | None = None,
    return_predictions: bool = False,
    splits: Sequence | None = None,
    progress_label: str = "",
    predictions: str | Path | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Score ``checkpoint`` on ``task`` and return the scores document.

    ``splits`` (already loaded :class:`robustx.tasks.split.Split` objects) replaces
    ``task``/``data``/``langs``/``split`` when given. ``progress_label`` says on each progress
    bar what runs (compare: the checkpoint and the condition). ``predictions``: a folder to
    write the predictions into in XTREME's submission layout (:mod:`.submission`; existing
    files are refused before any model loads unless ``force``).
    """
    from . import checkpoint as ckpt

    ckpt.check_local(checkpoint)  # a mistyped path fails now, not after the data is read
    if splits is None:
        from ..tasks.sources import load_splits

        splits = load_splits(task, langs, data, split)
    if not splits:
        raise InputError("no data to evaluate")
    from ..tasks.sources import by_language

    splits = by_language(splits)  # a file of several languages is scored per language
    family = splits[0].family
    for flag, value, what in (("--layer", layer, "hidden layer"), ("--pool", pool, "pooling")):
        if value is not None and not HEADS.get(family).layered:
            raise UsageError(f"{flag} picks the {what} of retrieval embeddings (bucc, "
                             f"tatoeba); a {family} task predicts with its trained head")
    metrics = check_splits(splits)
    files = None
    if predictions is not None:
        from . import submission

        files = submission.plan(splits, metrics, Path(predictions), force)
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
                          label=progress_label,
                          progress=progress)

    results: dict[str, Any] = {}
    preds_out: dict[str, Any] = {}
    all_preds: list = []
    all_values: list[dict] = []
    unlabeled: list[str] = []
    notes: list[str] = []
    params: dict[str, Any] = {}
    for s, m in zip(splits, metrics, strict=True):
        params = HEADS.get(s.family).params(model_config, layer, m, pool)
        data_fp = C.data_fingerprint(s.dataset, list(s.fields.values()))
        key = {"checkpoint": ckpt_fp, "data": data_fp, "family": s.family, "kind": m.name,
               "lang": s.lang, "params": params, "labels": m.label_space(s),
               "precision": prec, "version": __version__, "revision": PREDICTION_REVISION}
        preds = C.get(root, key) if cache else None
        if world > 1:  # every rank must agree on a hit, or the others wait in the engine forever
            preds = _from_rank0(preds)
        if preds is None:
            preds, split_notes = predict_split(*model_and_tokenizer(), s, config, m, params)
            notes += [f"{s.name}: {n}" for n in split_notes]
            if cache and is_main_process():
                C.put(root, key, preds)
        all_preds.append(preds)
        values, stats = m.score(preds, s) if s.labelled else ({}, {})
        all_values.append(values)
        fields, split_notes = m.details(s)
        notes += [f"{s.name}: {n}" for n in split_notes]
        name = s.lang if s.lang not in results else f"{s.lang}:{s.relpath}"
        results[name] = {
            "score": values[m.primary] if s.labelled else None, "metrics": values,
            "n": len(s.dataset),
            "data": {"fingerprint": data_fp, "source": s.source, "relpath": s.relpath},
            "noise_signature": (s.manifest or {}).get("signature"), **fields,
        }
        if not s.labelled:
            results[name]["unlabeled"] = True
            unlabeled.append(name)
        if return_predictions:
            preds_out[name] = {"kind": m.name, "pred": preds, "stats": stats}
    for n in dict.fromkeys(notes):
        warnings.warn(n, stacklevel=2)

    metric = metrics[0]
    names = list(results)
    scored = [n for n in names if n not in unlabeled]  # the average is over labelled splits
    metric_names = list(results[scored[0]]["metrics"]) if scored else []
    average = {m: _mean([results[n]["metrics"].get(m) for n in scored]) for m in metric_names}
    signatures = {r["noise_signature"] for r in results.values()}
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "task": splits[0].task.name if splits[0].task else None,
        "family": family,
        "metric": metric.primary,
        "kind": metric.name,
        "languages": names,
        "results": results,
        "average": {"score": average[metric.primary] if scored else None, "metrics": average},
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
    if unlabeled:
        doc["unlabeled"] = unlabeled
    if files is not None:
        from . import submission

        written = (submission.write(files, splits, metrics, all_preds, all_values)
                   if is_main_process() else [])
        doc["submission"] = {"dir": str(predictions), "layout": "xtreme", "files": written}
    if return_predictions:
        doc["predictions"] = preds_out
    return doc


def _from_rank0(obj: Any) -> Any:
    import torch.distributed as dist

    box = [obj]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def _mean(values: list) -> float:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else 0.0
