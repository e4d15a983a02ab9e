"""Measured word-change rate vs the profile's nominal rate, per severity.

Nominal rate = 1 - prod(1 - rate_i): the share of words that at least one op picks. It is
reached on words every op can change (lowercase, accented, on the layout, no doubled letters),
so the test uses such words; on other text the manifest reports the ops that had nothing to offer.
Stated tolerance: 3 percentage points (about 5 binomial standard deviations at 6,000 words).
"""

import math

import pytest

from robustx.noise.engine import Plan, check_languages, corrupt_example
from robustx.noise.profiles import load_profile

WORDS = ("école élève fenêtre château forêt hôpital début matière réponse théâtre "
         "cinéma médecin pièce année numéro système propriété société idée café").split()
TOLERANCE = 0.03


def nominal(profile, disabled=frozenset()):
    return 1 - math.prod(1 - s.rate for i, s in enumerate(profile.steps)
                         if (i, "fr") not in disabled)


@pytest.mark.parametrize("severity", [1, 2, 3, 4, 5])
def test_typo_word_change_rate_matches_nominal(severity):
    prof = load_profile("typo").at(severity)
    fields = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "gold_label"}
    disabled = check_languages(prof, ["fr"])  # the input-method ops serve zh and ja only
    steps = [s.op for s in prof.steps]
    assert disabled == {(steps.index("ime_homophone"), "fr"), (steps.index("ime_kanji"), "fr")}
    plan = Plan(prof, 12345, "pair", fields, "fr", None, None, disabled)
    words = changed = 0
    for i in range(300):
        row = {"sentence1": " ".join(WORDS), "sentence2": "", "gold_label": str(i)}
        _, _, st, _ = corrupt_example(row, plan)
        words += st.words
        changed += st.changed
    assert words == 6000
    want = nominal(prof, disabled)
    assert abs(changed / words - want) < TOLERANCE, (changed / words, want)


def test_kbd_substitutions_through_the_engine_are_layout_neighbours():
    import json

    from robustx.noise.engine import corrupt_units
    from robustx.noise.profiles import parse_profile
    from robustx.noise.typo import neighbours
    from robustx.noise.units import segment
    from robustx.tasks.sources import SAMPLE_DIR

    prof = parse_profile({"name": "k", "version": 1, "ops": [{"op": "kbd", "rate": 1.0}]},
                         "t").at(3)
    fields = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "gold_label"}
    checked = 0
    for path in sorted((SAMPLE_DIR / "xnli").glob("*.jsonl")):
        lang = path.stem
        if lang == "zh":  # typed through an input method: kbd has nothing to offer
            continue
        plan = Plan(prof, 1, "pair", fields, lang)
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = row["sentence1"]
            units = [text[a:b] for a, b in segment(text, lang)]
            noisy, _ = corrupt_units(units, lang, plan, "k" + text, "s")
            for old, new in zip(units, noisy):
                if old == new:
                    continue
                # one key replaced by a neighbour (a key may type two characters, e.g. Arabic لا)
                assert any(old[:k] + nb + old[k + 1:] == new
                           for k in range(len(old)) for nb in neighbours(lang, old[k])), \
                    (lang, old, new)
                checked += 1
    assert checked > 200
