"""Candidate menus for ``robustx attack``: reproducible, well-formed, structure kept for every
family whatever the search picks (here: every slot at once, and random choices)."""

from __future__ import annotations

import random

import pytest

from robustx.noise.candidates import attackable
from robustx.noise.engine import _answers_valid
from robustx.noise.pipeline import coverage, make_plan
from robustx.noise.profiles import load_profile
from robustx.noise.wellformed import breaks
from robustx.tasks.sources import load_splits

TASKS = ("xnli", "pawsx", "panx", "udpos", "xquad", "mlqa", "tatoeba", "bucc")


def _plans(task: str, profile: str = "typo", seed: int = 7):
    prof = load_profile(profile).at(5)
    for s in load_splits(task, None, None, sample=True):
        disabled, passthrough = coverage(prof, [s.lang], None)
        yield s, make_plan(s, prof, seed, disabled, frozenset(passthrough))


def _choices(ex, rng: random.Random):
    yield {i: len(sl.candidates) - 1 for i, sl in enumerate(ex.slots)}  # every slot at once
    for _ in range(3):
        picked = rng.sample(range(len(ex.slots)), k=min(len(ex.slots), rng.randint(1, 4)))
        yield {i: rng.randrange(len(ex.slots[i].candidates)) for i in picked}


def _check(plan, row, new, ex) -> None:
    f = plan.fields
    assert set(new) == set(row)
    moved = {f["answers"]} if "answers" in f else set()  # relocated with the context
    for col in set(row) - {f[r] for r in plan.roles} - moved:
        assert new[col] == row[col]  # labels, tags, ids, untouched sides
    if "tokens" in f:
        assert len(new[f["tokens"]]) == len(row[f["tokens"]])
        assert [len(str(t).split()) for t in new[f["tokens"]]] == \
            [len(str(t).split()) for t in row[f["tokens"]]]  # a token stays one token
    if "answers" in f:
        assert _answers_valid(new[f["context"]], new[f["answers"]])
    for role, col, _ in plan.sides:
        if isinstance(row.get(col), str) and role != "context":
            assert len(new[col].split()) == len(row[col].split())


@pytest.mark.parametrize("task", TASKS)
def test_structure_kept_for_every_choice(task):
    rng = random.Random(0)
    seen = 0
    for split, plan in _plans(task):
        for row in list(split.dataset)[:6]:
            ex = attackable(row, plan, 3)
            if not ex.valid:
                continue
            for sl in ex.slots:
                assert 1 <= len(sl.candidates) <= 3
                assert len(set(sl.candidates)) == len(sl.candidates)
                assert sl.original not in sl.candidates
                for cand in sl.candidates:  # one unit, spelled as its script allows; a token
                    # holding a space (Vietnamese "tiếng Anh") keeps it where it is
                    assert [len(w) > 0 for w in cand.split(" ")] == \
                        [len(w) > 0 for w in sl.original.split(" ")]
                    assert not breaks(sl.original, cand, ex.lang)
            for choice in _choices(ex, rng) if ex.slots else [{}]:
                _check(plan, row, ex.build(choice), ex)
                seen += bool(choice)
    assert seen > 0


def test_menus_are_a_pure_function_of_seed_and_example():
    (split, plan), = [p for p in _plans("xnli") if p[0].lang == "de"]
    rows = list(split.dataset)[:5]
    first = [attackable(r, plan, 3).slots for r in rows]
    assert [attackable(r, plan, 3).slots for r in reversed(rows)][::-1] == first
    (_, other), = [p for p in _plans("xnli", seed=8) if p[0].lang == "de"]
    assert [attackable(r, other, 3).slots for r in rows] != first


def test_build_with_no_choice_is_the_row():
    (split, plan), = [p for p in _plans("xquad") if p[0].lang == "en"]
    row = split.dataset[0]
    assert attackable(row, plan, 3).build({}) == row


def test_invalid_example_has_no_slots():
    (split, plan), = [p for p in _plans("panx") if p[0].lang == "en"]
    row = dict(split.dataset[0])
    row[plan.fields["tags"]] = row[plan.fields["tags"]][:-1]
    ex = attackable(row, plan, 3)
    assert not ex.valid and ex.slots == []


def test_numbers_are_never_attack_candidates():
    """The attack searches what corrupt may change: a number (a year, a count) is protected by
    the default profile setting, so no candidate rewrites it or brings in a digit."""
    import re

    from robustx.noise.candidates import attackable
    from robustx.noise.engine import Plan, check_languages
    from robustx.noise.profiles import load_profile

    prof = load_profile("typo").at(5)
    fields = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "label"}
    row = {"sentence1": "In 1870 the city had 24 schools and 1900 pupils.",
           "sentence2": "The city had 24 schools.", "label": 0}
    att = attackable(row, Plan(prof, 3, "pair", fields, "en", None, None,
                               check_languages(prof, ["en"])), 3)
    assert att.slots  # the words are attacked
    for slot in att.slots:
        assert not re.search(r"\d", slot.original), slot
        assert not any(re.search(r"\d", c) for c in slot.candidates), slot
