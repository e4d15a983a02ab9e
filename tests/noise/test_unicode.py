"""unicode family: homoglyph, zero_width, nfd, fullwidth."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robustx.noise.base import load_all_ops
from robustx.noise.unicode import ZERO_WIDTH, confusables, fullwidth, homoglyph, nfd, zero_width

WORDS = st.text(min_size=1, max_size=15).filter(lambda w: not any(c.isspace() for c in w))
OPS = {"homoglyph": homoglyph, "zero_width": zero_width, "nfd": nfd, "fullwidth": fullwidth}


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_confusables_table_is_cross_script_and_clean():
    table = confusables()
    assert len(table) > 500
    assert "а" in table["a"] and "a" in table["а"]  # Latin a <-> Cyrillic a
    assert "ο" in table["o"] and "о" in table["o"]  # Greek and Cyrillic o
    for src, targets in table.items():
        for t in targets:
            assert t != src and not t.isspace() and unicodedata.category(t)[0] in "LN"
            assert unicodedata.name(t).split()[0] != unicodedata.name(src).split()[0]


def test_homoglyph_replaces_with_confusable():
    table = confusables()
    for seed in range(20):
        out = homoglyph("paypal", "en", rng(seed))
        assert out is not None and out != "paypal" and len(out) == 6
        diff = [(a, b) for a, b in zip("paypal", out, strict=True) if a != b]
        assert len(diff) == 1 and diff[0][1] in table[diff[0][0]]


def test_homoglyph_n_and_none():
    out = homoglyph("amazon", "en", rng(1), n=3)
    assert sum(a != b for a, b in zip("amazon", out, strict=True)) == 3
    assert homoglyph("中文", "zh", rng()) is None
    assert homoglyph("!!", "en", rng()) is None


@pytest.mark.parametrize("n", [0, -3, 1.5, True, "2"])
def test_n_must_be_a_positive_integer(n):
    from robustx.errors import UsageError
    from robustx.noise.base import OPS

    for name in ("homoglyph", "zero_width"):
        with pytest.raises(UsageError, match="'n' must be a positive integer"):
            OPS.get(name).check("en", {"n": n})
    OPS.get("homoglyph").check("en", {"n": 3})


def test_zero_width_characters_are_not_whitespace():
    for ch in ZERO_WIDTH:
        assert not ch.isspace()
        assert unicodedata.category(ch) == "Cf"


def test_zero_width_inside_word():
    out = zero_width("hello", "en", rng(0), n=2)
    assert len(out) == 7 and out[0] == "h" and out[-1] == "o"
    assert "".join(c for c in out if c not in ZERO_WIDTH) == "hello"
    assert zero_width("a", "en", rng()) is None


def test_zero_width_never_detaches_a_mark():
    word = "e\u0301te\u0301"  # é té, decomposed
    for seed in range(30):
        out = zero_width(word, "fr", rng(seed))
        i = next(i for i, c in enumerate(out) if c in ZERO_WIDTH)
        assert out[i + 1] != "\u0301"
    assert zero_width("e\u0301", "fr", rng()) is None


def test_nfd_exact():
    assert nfd("café", "fr", rng()) == "cafe\u0301"
    assert nfd("한", "ko", rng()) == "\u1112\u1161\u11ab"
    assert nfd("plain", "en", rng()) is None


def test_fullwidth_exact():
    assert fullwidth("ABC1!", "en", rng()) == "ＡＢＣ１！"
    assert fullwidth("Straße", "de", rng()) == "Ｓｔｒａßｅ"
    assert fullwidth("中文", "zh", rng()) is None


def test_registered_in_family():
    ops = load_all_ops()
    for name in OPS:
        assert ops.get(name).family == "unicode"


@settings(max_examples=200, deadline=None)
@given(WORDS, st.sampled_from(sorted(OPS)), st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_property_none_or_clean_and_deterministic(word, name, seed, n):
    params = {"n": n} if name in ("homoglyph", "zero_width") else {}
    out = OPS[name](word, "xx", rng(seed), **params)
    assert out is None or (out and out != word and not any(c.isspace() for c in out))
    assert out == OPS[name](word, "xx", rng(seed), **params)


@pytest.mark.parametrize("word", ["hello", "мир", "παράδειγμα"])
def test_homoglyph_keeps_length(word):
    out = homoglyph(word, "xx", rng(5), n=2)
    assert out is not None and len(out) == len(word)
