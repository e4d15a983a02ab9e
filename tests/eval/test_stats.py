"""Paired statistics: bootstrap CIs, McNemar, gaps and averages on hand-checked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robustx.eval import stats as S
from robustx.eval.metrics import METRICS


def test_identical_predictions_give_zero_difference_and_zero_width_ci():
    correct = {"correct": [1, 0, 1, 1, 0, 1, 0, 0, 1, 1]}
    out = S.paired_bootstrap("accuracy", correct, correct, resamples=500, seed=3)
    assert out == {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0}


def test_bootstrap_is_reproducible_for_a_fixed_seed_and_changes_with_it():
    rng = np.random.default_rng(0)
    a = {"correct": rng.integers(0, 2, 200)}
    b = {"correct": rng.integers(0, 2, 200)}
    first = S.paired_bootstrap("accuracy", a, b, resamples=300, seed=11)
    assert S.paired_bootstrap("accuracy", a, b, resamples=300, seed=11) == first
    assert S.paired_bootstrap("accuracy", a, b, resamples=300, seed=12) != first


def test_bootstrap_estimate_and_ci_bracket_the_true_difference():
    a = {"correct": [0] * 50 + [1] * 50}
    b = {"correct": [1] * 100}  # B fixes every error of A: +50 points, always positive
    out = S.paired_bootstrap("accuracy", a, b, resamples=1000, seed=0)
    assert out["estimate"] == pytest.approx(50.0)
    assert 30 < out["ci_low"] < 50 < out["ci_high"] < 70


def test_entity_f1_is_corpus_level_from_counts():
    # two sentences: (tp, pred, gold) = (1, 2, 1) and (0, 0, 3): F1 = 2*1/(2+4) = 33.3
    st_ = {"tp": [1, 0], "pred": [2, 0], "gold": [1, 3]}
    assert S.metric("ner", st_) == pytest.approx(100 / 3)
    assert S.metric("ner", st_) == pytest.approx(METRICS.get("ner").values(st_, 2)["f1"])


@pytest.mark.parametrize("kind, stats", [
    ("accuracy", {"correct": [1, 0, 1]}),
    ("pos", {"tp": [2, 0], "pred": [3, 1], "gold": [3, 2], "correct": [3, 1], "total": [4, 2]}),
    ("bucc", {"tp": [1, 0, 1], "pred": [1, 1, 0.5], "gold": [1, 1, 1]}),
    ("squad", {"exact_match": [1, 0], "f1": [100, 40]}),
    ("ner", {"tp": [0], "pred": [0], "gold": [0]}),
])
def test_metric_agrees_with_the_evaluator(kind, stats):
    n = len(next(iter(stats.values())))
    m = METRICS.get(kind)
    assert S.metric(kind, stats) == pytest.approx(m.values(stats, n)[m.primary])


def test_unaligned_examples_are_refused():
    with pytest.raises(ValueError, match="aligned"):
        S.paired_bootstrap("accuracy", {"correct": [1, 0]}, {"correct": [1]})


def test_mcnemar_exact_reproduces_a_hand_computed_p_value():
    # 2x2 table: both right 40, A only (b) = 2, B only (c) = 8, both wrong 50.
    # Exact two-sided: 2 * P(X <= 2 | n=10, 1/2) = 2 * (1 + 10 + 45) / 1024 = 112 / 1024
    a = [1] * 40 + [1] * 2 + [0] * 8 + [0] * 50
    b = [1] * 40 + [0] * 2 + [1] * 8 + [0] * 50
    out = S.mcnemar(a, b)
    assert (out["b"], out["c"], out["method"]) == (2, 8, "exact")
    assert out["p_value"] == pytest.approx(112 / 1024)


def test_mcnemar_chi_square_with_continuity_correction_for_large_counts():
    # b=10, c=30: chi2 = (|10-30| - 1)^2 / 40 = 9.025; p = erfc(sqrt(chi2 / 2))
    out = S.mcnemar_counts(10, 30)
    assert out["method"] == "chi2-cc"
    assert out["statistic"] == pytest.approx(9.025)
    assert out["p_value"] == pytest.approx(math.erfc(math.sqrt(9.025 / 2)))


def test_mcnemar_without_discordant_pairs_is_not_significant():
    assert S.mcnemar([1, 0, 1], [1, 0, 1])["p_value"] == 1.0


def test_gap_relative_drop_and_average():
    assert S.gap(80.0, 60.0) == 20.0
    assert S.relative_drop(80.0, 60.0) == pytest.approx(0.25)
    assert S.relative_drop(0.0, 0.0) is None
    assert S.xtreme_average({"en": 80.0, "de": 60.0, "sw": None}) == 70.0
    assert S.xtreme_average({}) is None


def test_gap_difference_uses_four_paired_terms():
    clean_a, noisy_a = {"correct": [1, 1, 1, 1]}, {"correct": [1, 1, 0, 0]}
    clean_b, noisy_b = {"correct": [1, 1, 1, 1]}, {"correct": [1, 1, 1, 0]}
    terms = [(1.0, clean_b), (-1.0, noisy_b), (-1.0, clean_a), (1.0, noisy_a)]
    est, draws = S.bootstrap_draws("accuracy", terms, resamples=200, seed=1)
    assert est == pytest.approx(25.0 - 50.0)
    assert draws.shape == (200,)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60),
       st.integers(0, 2**32 - 1))
def test_ci_contains_the_estimate_and_p_is_a_probability(pairs, seed):
    a = {"correct": [float(x) for x, _ in pairs]}
    b = {"correct": [float(y) for _, y in pairs]}
    out = S.paired_bootstrap("accuracy", a, b, resamples=200, seed=seed)
    assert out["ci_low"] <= out["ci_high"]
    assert out["ci_low"] >= -100 and out["ci_high"] <= 100
    assert out["estimate"] == pytest.approx(S.metric("accuracy", b) - S.metric("accuracy", a))
    assert 0.0 <= S.mcnemar(a["correct"], b["correct"])["p_value"] <= 1.0


@pytest.mark.parametrize("b, c", [(0, 1), (2, 8), (3, 3), (5, 19), (11, 13), (0, 24)])
def test_mcnemar_exact_branch_equals_scipy_binomtest(b, c):
    from scipy.stats import binomtest

    out = S.mcnemar_counts(b, c)
    assert out["method"] == "exact"  # b + c < 25
    assert out["p_value"] == pytest.approx(binomtest(b, b + c, 0.5).pvalue, rel=1e-12)


@pytest.mark.parametrize("b, c", [(12, 13), (10, 30), (40, 25), (100, 130)])
def test_mcnemar_chi_square_branch_equals_scipy(b, c):
    from scipy.stats import chi2

    out = S.mcnemar_counts(b, c)
    assert out["method"] == "chi2-cc"  # b + c >= 25
    stat = (abs(b - c) - 1) ** 2 / (b + c)
    assert out["statistic"] == pytest.approx(stat)
    assert out["p_value"] == pytest.approx(chi2.sf(stat, df=1), rel=1e-12)


def _brute_force(kind, a, b, resamples, seed):
    """The paired bootstrap written out one resample at a time (the reference)."""
    n = len(next(iter(a.values())))
    idx = np.random.default_rng(seed).integers(0, n, size=(resamples, n))

    def corpus(st, ix):
        if kind == "ner":  # corpus entity F1 from the resampled sentences' counts
            tp, pred, gold = (float(np.sum(np.asarray(st[k])[ix])) for k in ("tp", "pred", "gold"))
            return 100 * 2 * tp / (pred + gold) if pred + gold else 0.0
        return 100 * float(np.mean(np.asarray(st["f1"])[ix]))  # squad: mean per-question F1

    return np.array([corpus(b, ix) - corpus(a, ix) for ix in idx])


@pytest.mark.parametrize("kind", ["ner", "squad"])
def test_bootstrap_resamples_examples_and_recomputes_the_corpus_metric(kind):
    rng = np.random.default_rng(4)
    n = 40

    def stats():
        if kind == "ner":
            gold = rng.integers(0, 4, n)
            pred = rng.integers(0, 4, n)
            return {"tp": np.minimum(gold, pred) * rng.integers(0, 2, n), "pred": pred,
                    "gold": gold}
        return {"exact_match": rng.integers(0, 2, n), "f1": rng.random(n)}

    a, b = stats(), stats()
    est, draws = S.bootstrap_draws(kind, [(1.0, b), (-1.0, a)], 300, [9, 1])
    assert draws == pytest.approx(_brute_force(kind, a, b, 300, [9, 1]), abs=1e-9)
    assert est == pytest.approx(S.metric(kind, b) - S.metric(kind, a))


def test_entity_f1_bootstrap_is_not_a_mean_of_sentence_f1():
    # A finds the one entity of a long sentence, B the three of another: corpus F1 differs
    # from the mean of per-sentence F1, and the estimate is the corpus one.
    a = {"tp": [1, 0], "pred": [1, 0], "gold": [1, 3]}  # corpus F1 = 2/(1+4) = 40
    b = {"tp": [0, 3], "pred": [0, 3], "gold": [1, 3]}  # corpus F1 = 6/(3+4) = 85.7
    out = S.paired_bootstrap("ner", a, b, resamples=50, seed=0)
    assert out["estimate"] == pytest.approx(600 / 7 - 40)
    assert out["estimate"] != pytest.approx(0.0)  # per-sentence means are both 50
