"""One batched inference engine shared by every head.

Examples arrive pre-tokenised (lists of ids). The engine sorts them by length, cuts batches
bounded by a token budget that counts padding (``max_len * n``), pads each batch only to its own
longest row, runs the model under ``torch.inference_mode`` (with bf16/fp16 autocast on CUDA),
backs off on CUDA out-of-memory by halving the budget, and hands back one result per example
in the original order. Under ``torchrun``/``accelerate launch`` the examples are sharded across
ranks and the results are all-gathered, so every rank sees the full output; only rank 0 should
write files (:func:`is_main_process`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core import defaults
from ..core.progress import bar
from ..errors import ResourceError, UsageError

PRECISIONS = ("auto", "fp32", "bf16", "fp16")
BATCH_OVERHEAD = 1024  # the fixed cost of one forward pass, in padded tokens (see make_batches)


@dataclass(frozen=True)
class EngineConfig:
    """How to run a model; none of these fields may change a prediction beyond float noise."""

    device: str = "auto"
    batch_tokens: int = defaults.BATCH_TOKENS  # padded tokens per batch (see make_batches)
    precision: str = "auto"
    progress: bool = True
    label: str = ""  # what runs, before each bar's language: "A typo-s3 xnli"


def dist_env() -> tuple[int, int]:
    """(rank, world size) from the torch.distributed launcher environment; (0, 1) otherwise."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    return (rank, world) if world > 1 else (0, 1)


def is_main_process() -> bool:
    """True on rank 0 (or when not distributed): the one process that writes outputs."""
    return dist_env()[0] == 0


def resolve_device(device: str = "auto"):
    """A torch.device; 'auto' picks CUDA when present (this rank's GPU under a launcher)."""
    import torch

    if device not in ("auto", "cpu", "cuda") and not device.startswith("cuda:"):
        raise UsageError(f"unknown device {device!r} (valid: auto, cpu, cuda, cuda:N)")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise UsageError("--device cuda was asked for but no CUDA device is available")
        if device == "cuda":
            device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
    return torch.device(device)


def resolve_precision(precision: str, device) -> tuple[str, Any]:
    """(name, autocast dtype or None). 'auto' is bf16 (else fp16) on CUDA and fp32 on CPU."""
    import torch

    if precision not in PRECISIONS:
        raise UsageError(f"unknown precision {precision!r} (valid: {', '.join(PRECISIONS)})")
    if precision == "auto":
        if device.type != "cuda":
            return "fp32", None
        precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if precision == "fp32":
        return "fp32", None
    if precision == "fp16" and device.type != "cuda":
        raise UsageError("fp16 needs a CUDA device; use fp32 or bf16 on CPU")
    return precision, {"bf16": torch.bfloat16, "fp16": torch.float16}[precision]


def init_distributed(device) -> tuple[int, int]:
    """Join the process group a launcher prepared (gloo on CPU, nccl on CUDA); idempotent."""
    rank, world = dist_env()
    if world == 1:
        return rank, world
    import torch.distributed as dist

    if not dist.is_initialized():
        if device.type == "cuda":
            import torch

            torch.cuda.set_device(device)
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return dist.get_rank(), dist.get_world_size()


def make_batches(lengths: Sequence[int], budget: int,
                 overhead: int = BATCH_OVERHEAD) -> list[list[int]]:
    """Indices in batches of similar length, longest first, with ``max_len * n <= budget``
    (a lone row longer than the budget still gets its own batch).

    Among all ways of cutting the length-sorted examples into consecutive batches within the
    budget, this picks the one with the least padded tokens plus ``overhead`` tokens per batch
    (dynamic programming): the cost of a forward pass is close to affine in its padded size, so
    a greedy cut that fills each batch to the budget pads short rows up to long ones, while
    exact-length batches pay the per-batch overhead too often. Longest first: an out-of-memory
    error, if any, happens on the first batch.
    """
    import numpy as np

    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    if not order:
        return []
    widths = np.array([max(1, lengths[i]) for i in order], dtype=np.int64)
    m = len(widths)
    # a batch that starts at sorted position i may hold rows i .. reach[i]-1; reach is
    # increasing (widths do not increase), so the feasible starts for an end j form a window
    reach = np.arange(m) + np.maximum(1, budget // widths)
    cost = np.zeros(m + 1)
    start = np.zeros(m + 1, dtype=np.int64)
    lo = 0
    for j in range(1, m + 1):
        while reach[lo] < j:
            lo += 1
        size = j - np.arange(lo, j)
        c = cost[lo:j] + overhead + widths[lo:j] * size
        k = int(np.argmin(c))
        cost[j], start[j] = c[k], lo + k
    batches: list[list[int]] = []
    j = m
    while j > 0:
        i = int(start[j])
        batches.append(order[i:j])
        j = i
    return batches[::-1]


def pad_batch(rows: Sequence[dict[str, list[int]]], pad_id: int, device) -> dict[str, Any]:
    """Right-pad a batch to its own longest row and add the attention mask."""
    import numpy as np
    import torch

    lengths = np.array([len(r["input_ids"]) for r in rows])
    width = int(lengths.max())
    out: dict[str, Any] = {}
    for key in rows[0]:
        arr = np.full((len(rows), width), pad_id if key == "input_ids" else 0, dtype=np.int64)
        for k, r in enumerate(rows):
            arr[k, : len(r[key])] = r[key]
        out[key] = torch.from_numpy(arr)
    out["attention_mask"] = torch.from_numpy(
        (np.arange(width)[None, :] < lengths[:, None]).astype(np.int64))
    return {k: v.to(device) for k, v in out.items()}


Collect = Callable[[Any, Any], list[Any]]


def run(
    model,
    features: Sequence[dict[str, list[int]]],
    collect: Collect,
    *,
    pad_id: int,
    config: EngineConfig = EngineConfig(),
    model_kwargs: dict[str, Any] | None = None,
    desc: str = "evaluating",
) -> list[Any]:
    """Run ``model`` over ``features``; ``collect(outputs, attention_mask)`` turns a batch's
    outputs into one (CPU, unpadded) result per row. Results come back in input order."""
    device = resolve_device(config.device)
    _, dtype = resolve_precision(config.precision, device)
    rank, world = init_distributed(device)
    mine = list(range(rank, len(features), world))
    model.to(device).eval()
    local = _run_local(
        model, [features[i] for i in mine], collect, pad_id, device, dtype,
        config.batch_tokens, model_kwargs or {}, config.progress and rank == 0,
        f"{config.label} {desc}".strip(),
    )
    if world == 1:
        return local
    import torch.distributed as dist

    gathered: list[Any] = [None] * world
    dist.all_gather_object(gathered, list(zip(mine, local, strict=True)))
    out: list[Any] = [None] * len(features)
    for part in gathered:
        for i, result in part:
            out[i] = result
    return out


def _forward(model, rows, collect, pad_id, device, dtype, model_kwargs) -> list[Any]:
    import torch

    inputs = pad_batch(rows, pad_id, device)
    with torch.inference_mode(), torch.autocast(
        device_type=device.type, dtype=dtype or torch.float32, enabled=dtype is not None,
    ):
        outputs = model(**inputs, **model_kwargs)
    return collect(outputs, inputs["attention_mask"])


def _run_local(model, features, collect, pad_id, device, dtype, budget, model_kwargs,
               progress, desc) -> list[Any]:
    import torch

    if budget < 1:
        raise UsageError(f"batch_tokens must be positive, got {budget}")
    lengths = [len(f["input_ids"]) for f in features]
    results: list[Any] = [None] * len(features)
    pending = make_batches(lengths, budget)
    pending.reverse()  # pop() from the end: longest batches first
    with bar(progress, len(features), desc, transient=True) as advance:
        while pending:
            batch = pending.pop()
            try:
                rows = _forward(model, [features[i] for i in batch], collect, pad_id, device,
                                dtype, model_kwargs)
            except torch.cuda.OutOfMemoryError:
                rows = None  # handled below, once the traceback (and its tensors) is gone
            if rows is None:
                if len(batch) == 1:
                    raise ResourceError(
                        f"out of GPU memory on a single example of {lengths[batch[0]]} tokens; "
                        "lower --batch-tokens or use a larger GPU"
                    )
                budget = max(1, min(budget, max(lengths[i] for i in batch) * len(batch)) // 2)
                torch.cuda.empty_cache()
                rest = batch + [i for b in reversed(pending) for i in b]
                regrouped = make_batches([lengths[i] for i in rest], budget)
                pending = [[rest[j] for j in b] for b in reversed(regrouped)]
                continue
            for i, row in zip(batch, rows, strict=True):
                results[i] = row
            advance(len(batch))
    return results
