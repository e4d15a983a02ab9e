"""The engine's keyed random streams: reproducible, independent, uniform, numpy's conventions."""

from __future__ import annotations

import math

import pytest

from robustx.noise.rng import Rng, key64


def test_same_key_and_stream_same_draws_across_blocks():
    a, b = Rng(7, 3), Rng(7, 3)
    whole = a.random(20)  # crosses two 8-draw blocks
    assert whole == [b.random() for _ in range(20)]
    c = Rng(7, 3)
    assert Rng(7, 3).integers(0, 1000, size=5) == [c.integers(0, 1000) for _ in range(5)]


def test_other_key_or_stream_other_draws():
    ref = Rng(7, 3).random(4)
    for other in (Rng(8, 3), Rng(7, 4), Rng(7, -1)):
        assert other.random(4) != ref
    assert Rng(7 + 2**64, 3).random(4) == ref  # keys are taken mod 2**64


def test_key64_depends_on_every_part():
    k = key64(1, "id:x", "context")
    assert k == key64(1, "id:x", "context") and 0 <= k < 2**64
    assert len({k, key64(2, "id:x", "context"), key64(1, "id:y", "context"),
                key64(1, "id:x", "question")}) == 4


def test_ranges_and_sizes_follow_numpy():
    r = Rng(1)
    assert all(0.0 <= x < 1.0 for x in r.random(1000))
    assert all(3 <= x < 9 for x in r.integers(3, 9, size=1000))
    assert set(r.integers(4, size=400)) == {0, 1, 2, 3}
    assert isinstance(r.integers(5), int) and isinstance(r.random(), float)
    assert r.choice("abc") in "abc" and len(r.choice(5, size=7)) == 7
    drawn = r.choice(10, size=10, replace=False)
    assert sorted(drawn) == list(range(10))


@pytest.mark.parametrize(("call", "message"), [
    (lambda r: r.integers(3, 3), "empty range"),
    (lambda r: r.choice([]), "empty population"),
    (lambda r: r.choice(3, size=4, replace=False), "without replacement"),
])
def test_bad_arguments_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call(Rng(1))


def test_integers_are_uniform():
    counts = [0] * 10
    for key in range(200):
        for v in Rng(key, 0).integers(10, size=100):
            counts[v] += 1
    expected = 2000
    chi2 = sum((c - expected) ** 2 / expected for c in counts)
    assert chi2 < 27.9  # 9 degrees of freedom, p = 0.001


def test_picks_is_independent_bernoulli_per_index():
    n, rate, runs = 12, 0.3, 20000
    hits, pairs, sizes = [0] * n, 0, 0
    for key in range(runs):
        got = Rng(key, -1).picks(n, rate)
        assert got == sorted(set(got)) and all(0 <= i < n for i in got)
        for i in got:
            hits[i] += 1
        pairs += 0 in got and 5 in got
        sizes += len(got)
    sd = math.sqrt(rate * (1 - rate) / runs)
    assert all(abs(h / runs - rate) < 5 * sd for h in hits)
    assert abs(pairs / runs - rate * rate) < 0.01  # index 0 and 5 picked independently
    assert abs(sizes / runs - n * rate) < 0.05


def test_picks_edges():
    r = Rng(3)
    assert r.picks(0, 0.5) == [] and r.picks(5, 0.0) == [] and r.picks(4, 1.0) == [0, 1, 2, 3]
