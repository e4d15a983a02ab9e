"""nlpaug adapter: forced onto one word, deterministic, never leaks whitespace."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robustx.errors import UsageError
from robustx.noise.base import load_all_ops

pytest.importorskip("nlpaug")

from robustx.noise.adapters import check, nlpaug

WORDS = ["hello", "because", "world", "their", "question", "let's", "x"]


def run(word, seed=7, **params):
    return nlpaug(word, "en", np.random.default_rng(seed), **params)


@pytest.mark.parametrize("aug", ["KeyboardAug", "OcrAug", "RandomCharAug", "SpellingAug"])
def test_deterministic_for_a_seed(aug):
    first = [run(w, augmenter=aug) for w in WORDS]
    assert first == [run(w, augmenter=aug) for w in WORDS]
    assert any(o is not None for o in first)
    assert all(o is None or (o and not any(c.isspace() for c in o)) for o in first)


def test_different_seeds_differ():
    outs = {run("question", seed=s, augmenter="RandomCharAug", args={"action": "swap"})
            for s in range(10)}
    assert len(outs) > 1


def test_expected_output():
    assert run("hello", augmenter="OcrAug") == "he11o"


def test_leaked_whitespace_is_rejected():
    import nlpaug.augmenter.word as naw

    assert " " in naw.SplitAug(aug_p=1.0, aug_min=1, aug_max=1).augment("because")[0]
    assert run("let's", augmenter="KeyboardAug") is None  # nlpaug gives "let ' s"
    assert run("because", augmenter="SplitAug") is None  # "be cause"


def test_global_random_state_is_restored():
    random.seed(3)
    np.random.seed(3)
    a, b = random.random(), np.random.random()
    random.seed(3)
    np.random.seed(3)
    run("hello", augmenter="KeyboardAug")
    assert (random.random(), np.random.random()) == (a, b)


def test_bad_names_and_args():
    with pytest.raises(UsageError, match="KeyboardAug"):
        check("en", {"augmenter": "KeybordAug"})
    with pytest.raises(UsageError, match="model"):
        check("en", {"augmenter": "ContextualWordEmbsAug"})
    with pytest.raises(UsageError, match="aug_word_p"):
        check("en", {"augmenter": "KeyboardAug", "args": {"aug_word_p": 0.5}})
    with pytest.raises(UsageError, match="args must be a mapping"):
        check("en", {"augmenter": "KeyboardAug", "args": [1, 2]})
    check("en", {"augmenter": "OcrAug", "args": {"aug_char_p": 0.5}})


def test_registered():
    spec = load_all_ops().get("nlpaug")
    assert spec.defaults == {"augmenter": "KeyboardAug", "args": None}


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=12).filter(lambda w: not any(c.isspace() for c in w)),
       st.integers(0, 2**32 - 1))
def test_property_clean_unit_or_none(word, seed):
    out = run(word, seed, augmenter="RandomCharAug")
    assert out is None or (out and out != word and not any(c.isspace() for c in out))
    assert out == run(word, seed, augmenter="RandomCharAug")
