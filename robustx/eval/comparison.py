"""The ``robustx.report/1`` document: two checkpoints' scores on each condition, paired.

For every language and condition: B - A with a paired bootstrap CI, McNemar where the metric
has a 0/1 outcome, each checkpoint's robustness gap (clean - noisy), and B's gap minus A's gap
with its own CI; then the XTREME-style language average. Pure: it reads scores documents
(with predictions and per-example statistics) and manifests, and writes nothing.
"""

from __future__ import annotations

import platform
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from . import stats as S
from .metrics import METRICS

__all__ = ["ALL", "CLEAN", "REPORT_SCHEMA", "Condition", "bootstrap_seed", "build_report"]

REPORT_SCHEMA = "robustx.report/1"
CLEAN = "clean"
ALL = "all"


@dataclass
class Condition:
    """One noise setting: the clean data (profile ``clean``, severity 0) or a noisy copy."""

    profile: str
    severity: int
    resolved: Any = None  # robustx.noise.profiles.Profile at this severity
    path: Path | None = None
    manifest: dict | None = None
    reused: bool = False
    docs: dict[str, dict] = field(default_factory=dict)  # "A"/"B" -> scores document

    @property
    def key(self) -> str:
        return CLEAN if self.profile == CLEAN else f"{self.profile}-s{self.severity}"


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
                                if k in ("examples", "share_examples_changed", "share_words_changed",
                                         "word_unit", "cer", "chrf")}
                         for lang, s in (m.get("intensity") or {}).items()}}
    if m.get("passed_through"):  # languages the profile could not serve, written unchanged
        doc["passed_through"] = {lang: {k: r.get(k) for k in ("examples", "reason", "see")}
                                 for lang, r in m["passed_through"].items()}
    if cond.path is not None:
        doc["dir"] = cond.path.relative_to(out).as_posix() if cond.path.is_relative_to(out) \
            else str(cond.path)
    return doc


def _corpus(doc: dict[str, Any]) -> dict[str, Any]:
    """``{"corpus": {lang: "full" | "gold pairs only"}}`` for metrics that say (BUCC), else {}."""
    corpus = {lang: r["corpus"] for lang, r in doc["results"].items() if "corpus" in r}
    return {"corpus": corpus} if corpus else {}


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
                                  for lang, r in first["results"].items()},
                 **_corpus(first)},
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
