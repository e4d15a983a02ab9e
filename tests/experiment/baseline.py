"""The random baseline the attack tests hold the search against: rewrites drawn from the same
candidate menus, as many words per example as the attack's budget allows."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any


def random_rewrites(rows: Sequence[dict], clean: Sequence[Any], plan: Any, rng: random.Random,
                    budget: float = 0.15, per_row: int = 5) -> tuple[list[dict], list[Any]]:
    """(``per_row`` random rewrites of each row the model gets right and that has something to
    rewrite, the clean outcome of each rewrite's row)."""
    from robustx.experiment.attack import max_changes
    from robustx.noise.candidates import attackable

    noisy, before = [], []
    for row, c in zip(rows, clean, strict=True):
        ex = attackable(row, plan, 3)
        if not c.right or not ex.slots:
            continue
        k = min(len(ex.slots), max_changes(ex.words, budget))
        for _ in range(per_row):
            picked = rng.sample(range(len(ex.slots)), k)
            noisy.append(ex.build({s: rng.randrange(len(ex.slots[s].candidates))
                                   for s in picked}))
            before.append(c)
    return noisy, before
