"""Paired statistics for comparing two checkpoints on the same examples.

Every XTREME metric is a function of *sums* of additive per-example statistics (see
:mod:`robustx.eval.metrics`), so a paired bootstrap resamples example indices once, sums each
checkpoint's statistics over the same indices and recomputes the metric with the metric's own
``bootstrap_value``: that handles accuracy, corpus-level entity F1 (tp/pred/gold counts) and QA
means alike. McNemar's test uses the 0/1 ``correct`` statistic of the metrics whose ``paired_test``
is "mcnemar". Scores are percentages, as XTREME reports them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..core import defaults
from .metrics import METRICS

Stats = Mapping[str, Sequence[float] | np.ndarray]
# (sign, stats): a bootstrap statistic is sum(sign * metric(stats)) over its terms
Term = tuple[float, Stats]

EXACT_BELOW = 25  # McNemar: exact binomial test when fewer discordant pairs than this


def metric(kind: str, stats: Stats) -> float:
    """The primary metric of one set of per-example statistics."""
    arrays = _arrays(stats)
    n = len(next(iter(arrays.values())))
    return float(METRICS.get(kind).bootstrap_value({k: v.sum() for k, v in arrays.items()}, n))


def _arrays(stats: Stats) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=float) for k, v in stats.items()}


def resample_indices(n: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples, n) example indices drawn with replacement from a seeded generator."""
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def bootstrap_draws(kind: str, terms: Sequence[Term], resamples: int = defaults.BOOTSTRAP,
                    seed: int = 0) -> tuple[float, np.ndarray]:
    """(point estimate, resampled values) of ``sum(sign * metric(stats))``.

    All terms are resampled with the *same* indices: that is what makes the test paired.
    """
    arrays = [(sign, _arrays(st)) for sign, st in terms]
    sizes = {len(a) for _, st in arrays for a in st.values()}
    if len(sizes) != 1:
        raise ValueError(f"paired statistics need aligned examples, got lengths {sorted(sizes)}")
    n = sizes.pop()
    estimate = sum(sign * metric(kind, st) for sign, st in arrays)
    if n == 0:
        return float(estimate), np.zeros(resamples)
    idx = resample_indices(n, resamples, seed)
    draws = np.zeros(resamples)
    m = METRICS.get(kind)
    for sign, st in arrays:
        sums = {k: v[idx].sum(axis=1) for k, v in st.items()}
        draws += sign * m.bootstrap_value(sums, n)
    return float(estimate), draws


def percentile_ci(draws: np.ndarray, confidence: float = defaults.CONFIDENCE) -> tuple[float, float]:
    """Percentile interval of the bootstrap draws."""
    tail = 100 * (1 - confidence) / 2
    lo, hi = np.percentile(draws, [tail, 100 - tail])
    return float(lo), float(hi)


def paired_bootstrap(kind: str, stats_a: Stats, stats_b: Stats,
                     resamples: int = defaults.BOOTSTRAP, seed: int = 0,
                     confidence: float = defaults.CONFIDENCE) -> dict[str, float]:
    """B - A with a paired percentile bootstrap confidence interval."""
    est, draws = bootstrap_draws(kind, [(1.0, stats_b), (-1.0, stats_a)], resamples, seed)
    lo, hi = percentile_ci(draws, confidence)
    return {"estimate": est, "ci_low": lo, "ci_high": hi}


def mcnemar(correct_a: Sequence[float], correct_b: Sequence[float],
            exact_below: int = EXACT_BELOW) -> dict[str, float | int | str]:
    """McNemar's test on paired 0/1 outcomes.

    ``b``: A right and B wrong, ``c``: A wrong and B right. Exact two-sided binomial test on
    the discordant pairs when ``b + c < exact_below``, else chi-square with continuity correction.
    """
    a = np.asarray(correct_a, dtype=float) > 0.5
    b_ = np.asarray(correct_b, dtype=float) > 0.5
    if a.shape != b_.shape:
        raise ValueError(f"paired outcomes need equal lengths, got {a.size} and {b_.size}")
    return mcnemar_counts(int(np.sum(a & ~b_)), int(np.sum(~a & b_)), exact_below)


def mcnemar_counts(b: int, c: int, exact_below: int = EXACT_BELOW) -> dict[str, float | int | str]:
    """McNemar's test from the discordant counts (see :func:`mcnemar`)."""
    from scipy import stats as st

    n = b + c
    if n == 0:
        return {"b": b, "c": c, "statistic": 0.0, "p_value": 1.0, "method": "exact"}
    if n < exact_below:
        p = min(1.0, 2.0 * float(st.binom.cdf(min(b, c), n, 0.5)))
        return {"b": b, "c": c, "statistic": float(min(b, c)), "p_value": p, "method": "exact"}
    chi2 = (abs(b - c) - 1.0) ** 2 / n
    return {"b": b, "c": c, "statistic": float(chi2), "p_value": float(st.chi2.sf(chi2, 1)),
            "method": "chi2-cc"}


def gap(clean: float, noisy: float) -> float:
    """Robustness gap: how many points the score loses under noise."""
    return clean - noisy


def relative_drop(clean: float, noisy: float) -> float | None:
    """Share of the clean score lost under noise; None when the clean score is 0."""
    return (clean - noisy) / clean if clean else None


def xtreme_average(scores: Mapping[str, float | None]) -> float | None:
    """Unweighted mean over languages, as XTREME averages; None when no language has a score."""
    vals = [float(v) for v in scores.values() if v is not None]
    return sum(vals) / len(vals) if vals else None
