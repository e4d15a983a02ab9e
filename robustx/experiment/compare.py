"""``robustx compare``: corrupt the clean data once per condition, score both checkpoints on
every split, and pair their statistics into the report.

For every profile x severity the noisy split is built once from the *same* clean data (and
reused when ``<out>/noisy/<profile>-s<sev>/manifest.json`` already carries the expected
signature); both checkpoints are scored on the clean and every noisy split (the prediction
cache makes repeated clean scoring free). This is where noise and evaluation meet, so it lives
above both: ``eval/`` never imports ``noise/``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core import defaults
from ..errors import RobustxError, UsageError
from ..eval.comparison import CLEAN, Condition, build_report
from ..noise.profiles import load_profile
from ..tasks import Task
from ..tasks.discovery import resolve_task

# Conditions of ``compare --attack``: each checkpoint on its own adversarial split (the worst
# case), and each on the other's (transfer).
ATTACK, TRANSFER = "attack", "attack-transfer"
ATTACK_CONDITIONS = (ATTACK, TRANSFER)

__all__ = ["check_coverage", "compare", "load_profiles", "plan"]


def load_profiles(profiles: Sequence[str], severities: Sequence[int] | None) -> list[Condition]:
    """Resolve every profile at every severity up front, so a bad name fails before any work."""
    conds: list[Condition] = []
    names: dict[str, str] = {}
    for spec in profiles:
        prof = load_profile(spec)
        if prof.name in (CLEAN, *ATTACK_CONDITIONS):
            raise UsageError(f"a noise profile cannot be called {prof.name!r} (reserved for "
                             "the clean data and the attack conditions)")
        if prof.name in names:
            raise UsageError(f"two profiles are both named {prof.name!r}: {names[prof.name]} "
                             f"and {spec}")
        names[prof.name] = spec
        for sev in severities or [None]:
            resolved = prof.at(sev)
            conds.append(Condition(prof.name, resolved.severity, resolved))
    return conds


def _noisy_split(cond: Condition, clean: list, task: Task, langs, seed: int, out: Path,
                 progress: bool) -> list:
    """Build (or reuse) the noisy copy of ``clean`` for ``cond`` and load it back."""
    from ..noise.pipeline import run_corruption
    from ..noise.signature import signature
    from ..tasks.fingerprint import data_fingerprint
    from ..tasks.sources import load_splits

    cond.path = out / "noisy" / cond.key
    expected = signature(cond.resolved, seed, data_fingerprint(clean))
    manifest_path = cond.path / "manifest.json"
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = None
    if isinstance(old, dict) and old.get("signature") == expected:
        cond.manifest, cond.reused = old, True
    else:
        cond.manifest = run_corruption(clean, cond.resolved, seed, cond.path, force=True,
                                       progress=progress, requested=langs)
    return load_splits(task, langs, cond.path)


def compare(ckpt_a: str | Path, ckpt_b: str | Path, task: Task | str,
            profiles: Sequence[str] = defaults.PROFILES, severities: Sequence[int] | None = None,
            langs: Sequence[str] | None = None, data: str | Path | None = None,
            out: str | Path = defaults.REPORT_DIR, *, seed: int = defaults.SEED, bootstrap: int = defaults.BOOTSTRAP,
            confidence: float = defaults.CONFIDENCE, device: str = "auto",
            batch_tokens: int = defaults.BATCH_TOKENS, cache: bool = True, cache_dir: str | Path | None = None,
            precision: str = "auto", allow_pickle: bool = False, force: bool = False,
            sample: bool = False, progress: bool = False, command: str | None = None,
            gate: Any = None, attack: bool = False, budget: float = 0.15,
            max_queries: int = 300, beam: int = 1) -> dict[str, Any]:
    """Compare checkpoint B against A on ``task``; returns the ``robustx.report/1`` document.

    Data: ``data`` (local file/folder), else the built-in sample with ``sample=True``, else the
    hub. ``severities`` None means each profile's default severity. The noisy copies go to
    ``<out>/noisy/``; nothing else is written here (see :func:`robustx.eval.report.write`).
    A failure on a noisy condition is recorded in the report (the gate then fails closed);
    a failure on the clean data raises. ``gate`` (a gate YAML path or a
    :class:`robustx.eval.gate.GateConfig`) is checked against what will be run (task,
    languages, profiles, severities) before any model is loaded, so a gate that no report of
    this run could satisfy fails fast; apply it to the result with
    :func:`robustx.eval.gate.run_checks` or :func:`robustx.eval.gate.gate`.

    ``attack``: also attack each checkpoint (``robustx attack`` with the first profile,
    ``budget``, ``max_queries``, ``beam``; outputs in ``<out>/attack/A`` and ``B``) and add two
    conditions: ``attack`` (each checkpoint on its own adversarial split) and
    ``attack-transfer`` (each on the other's), paired and gated like the noisy ones.
    """
    from ..eval.checkpoint import inspect, reuse_last
    from ..eval.run import check_splits, evaluate
    from ..tasks.sources import load_splits

    out = Path(out)
    if not task:
        raise UsageError("compare needs a task (--task)")
    task = resolve_task(task)  # once, then passed down as a Task
    if bootstrap < 1:
        raise UsageError(f"bootstrap resamples must be >= 1, got {bootstrap}")
    if not 0 < confidence < 1:
        raise UsageError(f"confidence must be between 0 and 1, got {confidence}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"the seed must be a non-negative integer, got {seed!r}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder")
    if (out / "report.json").exists() and not force:
        raise UsageError(f"{out / 'report.json'} already exists; pass --force to replace it")
    if data is not None and sample:
        raise UsageError("--data and --sample exclude each other")
    if isinstance(gate, (str, Path)):
        from ..eval.gate import load_config

        gate = load_config(gate)
    noisy = load_profiles(list(profiles), severities)
    clean_splits = load_splits(task, langs, data, sample=sample)
    unlabeled = [s for s in clean_splits if not s.labelled]
    if unlabeled:
        raise UsageError(
            f"{unlabeled[0].source}: {unlabeled[0].name} has no gold labels (an unlabeled test "
            "split), and a comparison needs gold: give labelled data (a dev split, or the test "
            "labels), or write predictions for XTREME's evaluate.py with robustx evaluate "
            "--predictions DIR")
    check_splits(clean_splits)  # bad gold labels fail before any noisy copy is written
    check_coverage(noisy, clean_splits)
    attacks: list[Condition] = []
    if attack:
        from ..eval.probe import check_attackable

        check_attackable(task.family, task.metric)
        if not 0 < budget <= 1:
            raise UsageError(f"--budget is a share of words, in (0, 1]; got {budget}")
        if max_queries < 1 or beam < 1:
            raise UsageError("--max-queries and --beam must be >= 1")
        attack_spec = next(iter(profiles))
        prof = load_profiles([attack_spec], None)[0]
        attacks = [Condition(name, prof.severity, prof.resolved) for name in ATTACK_CONDITIONS]
    if gate is not None:
        from ..eval.gate import validate_against

        validate_against(gate, plan(clean_splits, [*noisy, *attacks], confidence))
    for ckpt in (ckpt_a, ckpt_b):  # a missing, pickle-only or wrong-head B fails before any
        inspect(ckpt, task.family, allow_pickle)  # noisy copy is built or A is scored
    clean = Condition(CLEAN, 0)
    kwargs = {"device": device, "batch_tokens": batch_tokens, "cache": cache,
              "cache_dir": cache_dir, "precision": precision, "allow_pickle": allow_pickle,
              "progress": progress, "return_predictions": True}
    ckpts = {"A": ckpt_a, "B": ckpt_b}
    failures: list[dict[str, Any]] = []

    def failed(cond: Condition, exc: Exception) -> None:
        failures.append({"profile": cond.profile, "severity": cond.severity, "lang": None,
                         "error": f"{type(exc).__name__}: {exc}"})

    noisy_splits: dict[str, list] = {}
    for cond in noisy:  # all noisy copies first: they do not depend on the models
        try:
            noisy_splits[cond.key] = _noisy_split(cond, clean_splits, task, langs, seed, out,
                                                  progress)
        except (RobustxError, RuntimeError, ValueError, OSError) as exc:
            failed(cond, exc)
    with reuse_last():  # one model in memory, loaded once per checkpoint for the noisy runs
        for label, ckpt in ckpts.items():  # clean first: a checkpoint that fails there stops
            clean.docs[label] = evaluate(ckpt, task, splits=clean_splits,
                                         progress_label=f"{label} {CLEAN}", **kwargs)
        for label, ckpt in ckpts.items():
            for cond in noisy:
                if cond.key not in noisy_splits:
                    continue
                try:
                    cond.docs[label] = evaluate(ckpt, task, splits=noisy_splits[cond.key],
                                                progress_label=f"{label} {cond.key}", **kwargs)
                except (RobustxError, RuntimeError, ValueError, OSError) as exc:
                    failed(cond, exc)
        if attacks:
            summary = _attack_conditions(attacks, attack_spec, ckpts, task, langs, data,
                                         sample, out, seed, budget, max_queries, beam, kwargs,
                                         failures)
    source = str(data) if data is not None else "robustx built-in sample" if sample else None
    settings = {"batch_tokens": batch_tokens, "cache": cache, "sample": sample,
                "data": str(data) if data else None}
    if attacks:
        settings["attack"] = {"profile": attacks[0].resolved.name, "budget": budget,
                              "max_queries": max_queries, "beam": beam,
                              "dirs": {k: f"attack/{k}" for k in ckpts}, **summary}
    return build_report([clean, *noisy, *attacks], failures, seed=seed, bootstrap=bootstrap,
                        confidence=confidence, out=out, command=command, data_source=source,
                        settings=settings)


def _attack_conditions(attacks: list[Condition], spec: str, ckpts: dict[str, Any], task: Task,
                       langs, data, sample: bool, out: Path, seed: int, budget: float,
                       max_queries: int, beam: int, kwargs: dict[str, Any],
                       failures: list[dict[str, Any]]) -> dict[str, Any]:
    """Attack each checkpoint (profile ``spec``), then score each on its own adversarial split
    (``attack``) and on the other's (``attack-transfer``); failures are recorded (the gate
    then fails closed). Returns each checkpoint's success rate and attack signature."""
    from ..eval.run import evaluate
    from ..tasks.sources import load_splits
    from .attack import attack as run_attack

    own, transfer = attacks
    summary: dict[str, dict[str, Any]] = {"success_rate": {}, "signatures": {}}
    adv: dict[str, list] = {}
    for label, ckpt in ckpts.items():
        try:
            doc = run_attack(ckpt, task, out=out / "attack" / label, data=data, langs=langs,
                             profile=spec, severity=own.severity, budget=budget, max_queries=max_queries,
                             beam=beam, seed=seed, device=kwargs["device"],
                             batch_tokens=kwargs["batch_tokens"], precision=kwargs["precision"],
                             allow_pickle=kwargs["allow_pickle"], force=True, sample=sample,
                             progress=kwargs["progress"])
            summary["success_rate"][label] = doc["average"]["success_rate"]
            summary["signatures"][label] = doc["signature"]
            adv[label] = load_splits(task, langs, out / "attack" / label)
        except (RobustxError, RuntimeError, ValueError, OSError) as exc:
            failures.append({"profile": own.profile, "severity": own.severity, "lang": None,
                             "error": f"{type(exc).__name__}: {exc}"})
    if set(adv) != set(ckpts):
        return summary
    own.path = out / "attack"
    own.manifest = {"signature": " & ".join(summary["signatures"].values())}
    transfer.path, transfer.manifest = own.path, own.manifest
    other = dict(zip(ckpts, reversed(list(ckpts)), strict=True))
    for cond, source in ((own, {k: k for k in ckpts}), (transfer, other)):
        for label, ckpt in ckpts.items():
            try:
                cond.docs[label] = evaluate(ckpt, task, splits=adv[source[label]],
                                            progress_label=f"{label} {cond.key}", **kwargs)
            except (RobustxError, RuntimeError, ValueError, OSError) as exc:
                failures.append({"profile": cond.profile, "severity": cond.severity,
                                 "lang": None, "error": f"{type(exc).__name__}: {exc}"})
    return summary


def check_coverage(noisy: Sequence[Condition], clean_splits: Sequence) -> None:
    """UsageError, before any model loads, for a profile that cannot corrupt every language.

    Every condition must cover the same languages as the clean data, or its language average
    would not be comparable; so a profile limited to some scripts (translit) needs --lang.
    """
    have = {s.lang for s in clean_splits} - {"mixed"}
    for cond in noisy:
        bad = cond.resolved.uncovered(have)
        if bad:
            ok = sorted(have - set(bad))
            raise UsageError(
                f"profile {cond.profile} does not cover {', '.join(bad)} (it covers "
                f"{', '.join(cond.resolved.languages)}); "
                + (f"pass --lang {','.join(ok)} or pick another profile" if ok
                   else "pick another profile for these languages"))


def plan(clean_splits: Sequence, noisy: Sequence[Condition],
         confidence: float = defaults.CONFIDENCE) -> dict[str, Any]:
    """The parts of the future report that a gate is checked against, before any scoring."""
    from ..eval.metrics import kind_of

    names: list[str] = []
    for s in clean_splits:  # named as robustx.eval.run.evaluate names its results
        names.append(s.lang if s.lang not in names else f"{s.lang}:{s.relpath}")
    first = clean_splits[0]
    return {"task": first.task.name if first.task else None, "kind": kind_of(first),
            "languages": names,
            "conditions": [{"profile": CLEAN, "severity": 0}]
            + [{"profile": c.profile, "severity": c.severity} for c in noisy],
            "settings": {"bootstrap": {"confidence": confidence}}}
