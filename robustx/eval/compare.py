"""``robustx compare``: two checkpoints, clean and noisy, with paired statistics.

For every profile x severity the noisy split is built once from the *same* clean data (and
reused when ``<out>/noisy/<profile>-s<sev>/manifest.json`` already carries the expected
signature), both checkpoints are scored on the clean and every noisy split (the prediction
cache makes repeated clean scoring free), and the per-example statistics of both are paired:
B - A with a bootstrap CI, McNemar for accuracy metrics, each checkpoint's robustness gap, and
B's gap minus A's gap with its own CI. The result is the ``robustx.report/1`` document.

Over 400 lines because ``cli_compare`` and its argument checks still live here; they move to
the CLI, and this module out of ``eval/``, in a later change.
"""

from __future__ import annotations

import json
import platform
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..core import defaults
from ..errors import RobustxError, UsageError
from . import stats as S
from .metrics import METRICS

__all__ = ["REPORT_SCHEMA", "build_report", "compare"]

REPORT_SCHEMA = "robustx.report/1"
CLEAN = "clean"
ALL = "all"


@dataclass
class Condition:
    """One noise setting: the clean data (profile ``clean``, severity 0) or a noisy copy."""

    profile: str
    severity: int
    resolved: Any = None  # robustx.profiles.Profile at this severity
    path: Path | None = None
    manifest: dict | None = None
    reused: bool = False
    docs: dict[str, dict] = field(default_factory=dict)  # "A"/"B" -> scores document

    @property
    def key(self) -> str:
        return CLEAN if self.profile == CLEAN else f"{self.profile}-s{self.severity}"


def load_profiles(profiles: Sequence[str], severities: Sequence[int] | None) -> list[Condition]:
    """Resolve every profile at every severity up front, so a bad name fails before any work."""
    from ..noise.profiles import load_profile

    conds: list[Condition] = []
    names: dict[str, str] = {}
    for spec in profiles:
        prof = load_profile(spec)
        if prof.name == CLEAN:
            raise UsageError("a noise profile cannot be called 'clean' (reserved for clean data)")
        if prof.name in names:
            raise UsageError(f"two profiles are both named {prof.name!r}: {names[prof.name]} "
                             f"and {spec}")
        names[prof.name] = spec
        for sev in severities or [None]:
            resolved = prof.at(sev)
            conds.append(Condition(prof.name, resolved.severity, resolved))
    return conds


def _noisy_split(cond: Condition, clean: list, task: str, langs, seed: int, out: Path,
                 progress: bool) -> list:
    """Build (or reuse) the noisy copy of ``clean`` for ``cond`` and load it back."""
    from ..noise.pipeline import data_fingerprint, run_corruption
    from ..noise.signature import signature
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
                                       progress=progress)
    return load_splits(task, langs, cond.path)


def compare(ckpt_a: str | Path, ckpt_b: str | Path, task: str,
            profiles: Sequence[str] = defaults.PROFILES, severities: Sequence[int] | None = None,
            langs: Sequence[str] | None = None, data: str | Path | None = None,
            out: str | Path = defaults.REPORT_DIR, *, seed: int = defaults.SEED, bootstrap: int = defaults.BOOTSTRAP,
            confidence: float = defaults.CONFIDENCE, device: str = "auto",
            batch_tokens: int = defaults.BATCH_TOKENS, cache: bool = True, cache_dir: str | Path | None = None,
            precision: str = "auto", allow_pickle: bool = False, force: bool = False,
            sample: bool = False, progress: bool = False, command: str | None = None,
            gate: Any = None) -> dict[str, Any]:
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
    """
    from ..tasks.sources import load_splits
    from .checkpoint import resolve, reuse_last
    from .run import evaluate

    out = Path(out)
    if not task:
        raise UsageError("compare needs a task (--task)")
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
        from .gate import load_config

        gate = load_config(gate)
    noisy = load_profiles(list(profiles), severities)
    clean_splits = load_splits(task, langs, data, sample=sample)
    check_coverage(noisy, clean_splits)
    if gate is not None:
        from .gate import validate_against

        validate_against(gate, plan(clean_splits, noisy, confidence))
    for ckpt in (ckpt_a, ckpt_b):  # a missing B fails before A is scored, not after
        resolve(ckpt)
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
            clean.docs[label] = evaluate(ckpt, task, splits=clean_splits, **kwargs)
        for label, ckpt in ckpts.items():
            for cond in noisy:
                if cond.key not in noisy_splits:
                    continue
                try:
                    cond.docs[label] = evaluate(ckpt, task, splits=noisy_splits[cond.key],
                                                **kwargs)
                except (RobustxError, RuntimeError, ValueError, OSError) as exc:
                    failed(cond, exc)
    source = str(data) if data is not None else "robustx built-in sample" if sample else None
    return build_report([clean, *noisy], failures, seed=seed, bootstrap=bootstrap,
                        confidence=confidence, out=out, command=command, data_source=source,
                        settings={"batch_tokens": batch_tokens, "cache": cache,
                                  "sample": sample, "data": str(data) if data else None})


def check_coverage(noisy: Sequence[Condition], clean_splits: Sequence) -> None:
    """UsageError, before any model loads, for a profile that cannot corrupt every language.

    Every condition must cover the same languages as the clean data, or its language average
    would not be comparable; so a profile limited to some scripts (translit) needs --lang.
    """
    have = {s.lang for s in clean_splits} - {"mixed"}
    seen: set[str] = set()
    for cond in noisy:
        covered = getattr(cond.resolved, "languages", None)
        if not covered or cond.profile in seen:
            continue
        seen.add(cond.profile)
        bad = sorted(have - set(covered))
        if bad:
            ok = sorted(have & set(covered))
            raise UsageError(
                f"profile {cond.profile} does not cover {', '.join(bad)} (it covers "
                f"{', '.join(covered)}); "
                + (f"pass --lang {','.join(ok)} or pick another profile" if ok
                   else "pick another profile for these languages"))


def plan(clean_splits: Sequence, noisy: Sequence[Condition],
         confidence: float = defaults.CONFIDENCE) -> dict[str, Any]:
    """The parts of the future report that a gate is checked against, before any scoring."""
    from .metrics import kind_of

    names: list[str] = []
    for s in clean_splits:  # named as robustx.eval.run.evaluate names its results
        names.append(s.lang if s.lang not in names else f"{s.lang}:{s.relpath}")
    first = clean_splits[0]
    return {"task": first.task.name if first.task else None, "kind": kind_of(first),
            "languages": names,
            "conditions": [{"profile": CLEAN, "severity": 0}]
            + [{"profile": c.profile, "severity": c.severity} for c in noisy],
            "settings": {"bootstrap": {"confidence": confidence}}}


# --- the report document -----------------------------------------------------------------

def _ci(estimate: float, draws: np.ndarray, confidence: float) -> dict[str, float]:
    lo, hi = S.percentile_ci(draws, confidence)
    return {"estimate": estimate, "ci_low": lo, "ci_high": hi}


@dataclass
class _Paired:
    """Per-language pieces kept to build the language average."""

    diff: np.ndarray
    gap_diff: np.ndarray | None
    mcnemar: tuple[int, int] | None


def _row(kind: str, lang: str, cond: Condition, clean: Condition, seed: list[int],
         bootstrap: int, confidence: float) -> tuple[dict[str, Any], _Paired]:
    """One task x language x condition row."""
    pa, pb = (cond.docs[k]["predictions"][lang]["stats"] for k in "AB")
    ca, cb = (clean.docs[k]["predictions"][lang]["stats"] for k in "AB")
    score_a, score_b = (cond.docs[k]["results"][lang]["score"] for k in "AB")
    clean_a, clean_b = (clean.docs[k]["results"][lang]["score"] for k in "AB")
    est, draws = S.bootstrap_draws(kind, [(1.0, pb), (-1.0, pa)], bootstrap, seed)
    paired_test = METRICS.get(kind).paired_test
    mc = S.mcnemar(pa["correct"], pb["correct"]) if paired_test == "mcnemar" else None
    gd = None
    row = {
        "lang": lang, "profile": cond.profile, "severity": cond.severity,
        "n": cond.docs["A"]["results"][lang]["n"],
        "score_a": score_a, "score_b": score_b, "diff": _ci(est, draws, confidence),
        "mcnemar": mc,
        "gap_a": S.gap(clean_a, score_a), "gap_b": S.gap(clean_b, score_b),
        "rel_drop_a": S.relative_drop(clean_a, score_a),
        "rel_drop_b": S.relative_drop(clean_b, score_b),
        "gap_diff": None,
    }
    if cond.profile != CLEAN:
        terms = [(1.0, cb), (-1.0, pb), (-1.0, ca), (1.0, pa)]
        gest, gd = S.bootstrap_draws(kind, terms, bootstrap, seed)
        row["gap_diff"] = _ci(gest, gd, confidence)
    counts = (mc["b"], mc["c"]) if mc else None
    return row, _Paired(draws, gd, counts)


def _average_row(cond: Condition, rows: list[dict], paired: list[_Paired],
                 confidence: float) -> dict[str, Any]:
    """Language average (XTREME style); CIs from the per-language draws, averaged."""
    def mean(key):
        return S.xtreme_average({r["lang"]: r[key] for r in rows})

    diff = np.mean([p.diff for p in paired], axis=0)
    clean_a = mean("score_a") + mean("gap_a")
    clean_b = mean("score_b") + mean("gap_b")
    mc = None
    if all(p.mcnemar for p in paired):
        mc = S.mcnemar_counts(sum(p.mcnemar[0] for p in paired),
                              sum(p.mcnemar[1] for p in paired))
    gap_diff = None
    if cond.profile != CLEAN:
        gd = np.mean([p.gap_diff for p in paired], axis=0)
        gap_diff = _ci(float(np.mean([r["gap_diff"]["estimate"] for r in rows])), gd, confidence)
    return {
        "lang": ALL, "profile": cond.profile, "severity": cond.severity,
        "n": sum(r["n"] for r in rows), "score_a": mean("score_a"), "score_b": mean("score_b"),
        "diff": _ci(float(np.mean([r["diff"]["estimate"] for r in rows])), diff, confidence),
        "mcnemar": mc, "gap_a": mean("gap_a"), "gap_b": mean("gap_b"),
        "rel_drop_a": S.relative_drop(clean_a, mean("score_a")),
        "rel_drop_b": S.relative_drop(clean_b, mean("score_b")),
        "gap_diff": gap_diff,
    }


def _condition_doc(cond: Condition, out: Path) -> dict[str, Any]:
    m = cond.manifest or {}
    doc = {"profile": cond.profile, "severity": cond.severity, "key": cond.key,
           "signature": m.get("signature"), "noise_data_fingerprint": m.get("data_fingerprint"),
           "dir": None, "reused": cond.reused, "invalid_examples": m.get("invalid_examples"),
           "intensity": {lang: {k: v for k, v in s.items()
                                if k in ("examples", "share_words_changed", "cer", "chrf")}
                         for lang, s in (m.get("intensity") or {}).items()}}
    if cond.path is not None:
        doc["dir"] = cond.path.relative_to(out).as_posix() if cond.path.is_relative_to(out) \
            else str(cond.path)
    return doc


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"robustx": __version__, "python": platform.python_version()}
    for pkg in ("numpy", "scipy", "torch", "transformers", "tokenizers", "datasets", "sacrebleu"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            continue
    return out


def bootstrap_seed(seed: int, lang: str) -> list[int]:
    """The bootstrap generator's seed for one language: ``[seed, crc32(language)]``.

    It depends on the language itself, not on its position, so a language's intervals are the
    same whether it was compared alone or with others.
    """
    return [seed, zlib.crc32(lang.encode("utf-8"))]


def build_report(conds: list[Condition], failures: list[dict[str, Any]], *, seed: int,
                 bootstrap: int, confidence: float, out: Path, command: str | None = None,
                 settings: dict | None = None, data_source: str | None = None
                 ) -> dict[str, Any]:
    """The report document from evaluated conditions (the first one is the clean data)."""
    clean = conds[0]
    first = clean.docs["A"]
    kind, langs = first["kind"], list(first["languages"])
    results: list[dict[str, Any]] = []
    for cond in conds:
        if set(cond.docs) != {"A", "B"}:
            continue  # failed: already in failures
        rows, paired = [], []
        for lang in langs:
            try:
                row, p = _row(kind, lang, cond, clean, bootstrap_seed(seed, lang), bootstrap,
                              confidence)
            except (KeyError, ValueError) as exc:
                failures.append({"profile": cond.profile, "severity": cond.severity,
                                 "lang": lang, "error": f"{type(exc).__name__}: {exc}"})
                continue
            rows.append(row)
            paired.append(p)
        results += rows
        if len(rows) == len(langs):
            results.append(_average_row(cond, rows, paired, confidence))
        else:
            failures.append({"profile": cond.profile, "severity": cond.severity, "lang": ALL,
                             "error": "no language average: some languages have no result"})
    warnings = list(dict.fromkeys(w for c in conds for d in c.docs.values()
                                  for w in d.get("warnings", [])))
    return {
        "schema": REPORT_SCHEMA,
        "task": first["task"],
        "family": first["family"],
        "kind": kind,
        "metric": first["metric"],
        "languages": langs,
        "profiles": list(dict.fromkeys(c.profile for c in conds)),
        "checkpoints": {k: dict(clean.docs[k]["checkpoint"]) for k in "AB"},
        "data": {"source": data_source or first["data"]["source"],
                 "fingerprint": first["data"]["fingerprint"],
                 "per_language": {lang: r["data"]["fingerprint"]
                                  for lang, r in first["results"].items()}},
        "conditions": [_condition_doc(c, out) for c in conds],
        "results": results,
        "failures": failures,
        "settings": {
            "seed": seed,
            "bootstrap": {"resamples": bootstrap, "confidence": confidence, "seed": seed,
                          "method": "paired percentile bootstrap over examples: indices from "
                                    "numpy default_rng([seed, crc32(language)]), the corpus "
                                    "metric recomputed from summed per-example statistics; "
                                    "language averages average the per-language resamples"},
            "mcnemar": {"exact_below": S.EXACT_BELOW,
                        "method": "exact binomial on discordant pairs, chi-square with "
                                  "continuity correction from exact_below pairs on"},
            "device": first.get("device"), "precision": first.get("precision"),
            "params": first.get("params", {}), **(settings or {}),
        },
        "versions": _versions(),
        "warnings": warnings,
        "command": command,
    }
