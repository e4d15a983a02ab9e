"""Which task a fine-tuned checkpoint was trained for, read from its config alone.

``robustx compare ckpt_a ckpt_b`` needs no ``--task`` when the checkpoints say it: the config's
``finetuning_task`` when it names an XTREME task, else the head (the architecture's suffix gives
the family) narrowed by the label names. Both checkpoints must agree; anything ambiguous is a
usage error naming the candidates, never a guess.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ModelError, UsageError
from ..tasks import FAMILIES, TASKS, Task, get_task
from .checkpoint import resolve

_GENERIC = "label_"


def _config(checkpoint: str | os.PathLike) -> dict[str, Any]:
    path = resolve(checkpoint) / "config.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path} ({exc})") from None
    if not isinstance(doc, dict):
        raise ModelError(f"{path} is not a JSON object")
    return doc


def _family(config: dict[str, Any]) -> str:
    archs = [str(a) for a in config.get("architectures") or []]
    headed = [f for f in FAMILIES.names()
              if FAMILIES.get(f).arch_suffix
              and any(a.endswith(FAMILIES.get(f).arch_suffix) for a in archs)]
    if headed:
        return headed[0]
    return next(f for f in FAMILIES.names() if not FAMILIES.get(f).arch_suffix)


def candidates(config: dict[str, Any]) -> tuple[list[str], str]:
    """(task names this config fits, why), the most specific evidence first."""
    named = config.get("finetuning_task")
    if isinstance(named, str) and named:
        try:
            return [get_task(named).name], f"finetuning_task {named!r}"
        except UsageError:
            pass  # e.g. "mnli": an intermediate task, not an XTREME one
    family = _family(config)
    tasks = [n for n in TASKS.names() if TASKS.get(n).family == family]
    labels = [str(v) for _, v in sorted((config.get("id2label") or {}).items(),
                                        key=lambda kv: int(kv[0]))]
    if not labels or not any(TASKS.get(n).labels for n in tasks):
        return tasks, f"a {family} head"
    if all(lab.lower().startswith(_GENERIC) for lab in labels):
        fit = [n for n in tasks if len(TASKS.get(n).labels) == len(labels)]
        return fit, f"a {family} head with {len(labels)} generic labels"
    have = {lab.lower() for lab in labels}
    fit = [n for n in tasks if {lab.lower() for lab in TASKS.get(n).labels} == have]
    return fit, f"a {family} head with labels {', '.join(labels[:4])}" + (
        "…" if len(labels) > 4 else "")


def infer_task(checkpoints: Sequence[str | os.PathLike]) -> tuple[Task, str]:
    """(the one task every checkpoint fits, a sentence saying why) or a UsageError."""
    found: list[tuple[str, list[str], str]] = []
    for ckpt in checkpoints:
        names, why = candidates(_config(ckpt))
        found.append((str(ckpt), names, why))
    common = [n for n in found[0][1] if all(n in names for _, names, _ in found)]
    evidence = "; ".join(f"{Path(c).name or c}: {why}" for c, _, why in found)
    if len(common) == 1:
        return TASKS.get(common[0]), evidence
    if not common:
        raise UsageError(f"cannot infer --task: the checkpoints fit different tasks ({evidence}; "
                         + ", ".join(f"{Path(c).name or c} -> {' or '.join(n) or 'none'}"
                                     for c, n, _ in found) + "); pass --task")
    raise UsageError(f"cannot infer --task: the checkpoints fit {', '.join(common)} "
                     f"({evidence}); pass --task")
