"""The library surface: what the CLI calls and what users import.

Heavy dependencies (datasets, torch, transformers) load inside these functions, never at import.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .core import defaults
from .noise.profiles import Profile, load_profile


def corrupt(profile: str | Profile, out: str | Path, *, task: str | None = None,
            langs: Sequence[str] | None = None, input: str | Path | None = None,
            severity: int | None = None, seed: int = defaults.SEED, num_proc: int = 1,
            force: bool = False, sample: bool = False, split: str | None = None,
            progress: bool = False, command: str | None = None) -> dict[str, Any]:
    """Write noisy copies of task data to ``out``; returns the manifest.

    With no ``input`` and no ``task`` (or with ``sample=True``) the built-in sample is used;
    with a task and no input, google/xtreme is read from the hub.
    """
    from .noise.pipeline import run_corruption
    from .tasks.sources import load_splits

    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    prof = prof.at(severity)
    _check_out(Path(out), input, force)
    use_sample = sample or (input is None and task is None)
    splits = load_splits(task, langs, input, split, sample=use_sample)
    skipped: list[str] = []
    if langs is None and prof.languages:  # no explicit --lang: keep what the profile covers
        kept = [s for s in splits if s.lang in prof.languages or s.lang == "mixed"]
        skipped = sorted({s.lang for s in splits} - {s.lang for s in kept})
        if not kept:
            from .errors import UsageError

            raise UsageError(f"profile {prof.name} covers none of the languages in the data "
                             f"({', '.join(skipped)}); it covers {', '.join(prof.languages)}")
        splits = kept
    return run_corruption(splits, prof, seed, Path(out), force=force, num_proc=num_proc,
                          progress=progress, command=command, skipped_langs=skipped)


def _check_out(out: Path, input: str | Path | None, force: bool) -> None:
    """Refuse, before any work, an output that cannot be written or that --force would let
    replace the input data itself."""
    from .errors import UsageError

    out = out.expanduser().resolve()
    if input is not None and force:
        src = Path(input).expanduser().resolve()
        if src == out or out in src.parents:
            raise UsageError(f"--out {out} holds the input {src}; --force would delete it. "
                             "Write the noisy copy somewhere else")
    parent = next((p for p in out.parents if p.exists()), None)
    if out.exists() and not out.is_dir() and force:
        raise UsageError(f"{out} exists and is not a folder")
    if parent is None or not parent.is_dir():
        raise UsageError(f"cannot write the output folder {out}: {parent} is not a folder")
    try:  # a probe: root may "access" /proc and still fail to write there
        os.rmdir(tempfile.mkdtemp(prefix=".robustx-probe-", dir=parent))
    except OSError as exc:
        raise UsageError(f"cannot write the output folder {out}: cannot create a folder in "
                         f"{parent} ({exc.strerror or exc})") from None


def list_profiles() -> list[dict[str, Any]]:
    """Shipped profiles with their default-severity signatures."""
    from .noise.profiles import shipped_profiles
    from .noise.signature import signature

    out = []
    for name in shipped_profiles():
        p = load_profile(name)
        out.append({"name": name, "version": p.version, "description": p.description,
                    "signature": signature(p.at(None), defaults.SEED)})
    return out


def evaluate(checkpoint: str, task: str, **kwargs: Any) -> dict[str, Any]:
    """Score ``checkpoint`` on ``task``; see :func:`robustx.eval.run.evaluate`."""
    from .eval.run import evaluate as _evaluate

    return _evaluate(checkpoint, task, **kwargs)


def compare(ckpt_a: str, ckpt_b: str, task: str, **kwargs: Any) -> dict[str, Any]:
    """Compare two checkpoints on clean and noisy data; see :func:`robustx.eval.compare.compare`."""
    from .eval.compare import compare as _compare

    return _compare(ckpt_a, ckpt_b, task, **kwargs)


def gate(report: str | Path | dict[str, Any], config: str | Path,
         junit: str | Path | None = None) -> Any:
    """Check a compare report against a gate file; see :func:`robustx.eval.gate.gate`."""
    from .eval.gate import gate as _gate

    return _gate(report, config, junit)
