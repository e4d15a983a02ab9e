"""Real sentences in every XTREME script through every shipped profile at severity 5: no changed
word has a broken cluster its clean word did not have (re-checked by realism.cluster_faults,
independently of the engine's own script rules), and typos never write a character outside the
language's repertoire."""

from __future__ import annotations

import pytest

from robustx.noise import realism
from robustx.noise.engine import Plan, check_languages, corrupt_example
from robustx.noise.profiles import load_profile, shipped_profiles

from .sentences import MARKED, SENTENCES

PAIR = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "label"}
TEXTS = [(lang, t) for d in (SENTENCES, MARKED) for lang, t in sorted(d.items())]
# Every script XTREME writes, by a language the sentences cover.
SCRIPTS = {"Latin": "en", "Cyrillic": "ru", "Greek": "el", "Arabic": "ar", "Hebrew": "he",
           "Devanagari": "hi", "Bengali": "bn", "Tamil": "ta", "Telugu": "te", "Thai": "th",
           "Georgian": "ka", "Hangul": "ko", "kana/kanji": "ja", "Chinese": "zh"}


def test_every_xtreme_script_has_real_sentences():
    assert all(lang in SENTENCES for lang in SCRIPTS.values())
    assert all(lang in MARKED for lang in SCRIPTS.values() if lang != "en")


@pytest.mark.parametrize("name", shipped_profiles())
def test_no_broken_cluster_and_no_foreign_typo_character(name):
    prof = load_profile(name).at(5)
    changed = 0
    for lang, text in TEXTS:
        try:
            disabled = check_languages(prof, [lang])
        except Exception:  # a language the profile does not serve
            continue
        for seed in range(20):
            out, *_ = corrupt_example({"sentence1": text, "sentence2": "", "label": 0},
                                      Plan(prof, seed, "pair", PAIR, lang, None, None, disabled))
            for old, new in realism.word_pairs(text, out["sentence1"], lang):
                changed += 1
                assert realism.cluster_faults(new) <= realism.cluster_faults(old), \
                    (name, lang, old, new)
                if name == "typo":
                    bad = [c for c in realism.changed_chars(old, new) if realism.outside(c, lang)]
                    assert not bad, (lang, old, new, bad)
    assert changed > 100  # the check saw real noise


@pytest.mark.parametrize("lang", ["de", "ru", "hi", "tr", "vi", "el"])
def test_code_switching_swaps_content_words(lang):
    """At most a third of the words code-switching swaps are function words (it was nicht -> not,
    bir -> one, em -> sibling), judged by realism.Switches on everyday sentences full of them."""
    from .sentences import CHATTY

    prof = load_profile("codeswitch").at(5)
    switches = realism.Switches(prof)
    tally = realism.Tally()
    for text in (CHATTY[lang], SENTENCES[lang], MARKED.get(lang, "")):
        for seed in range(30):
            out, *_ = corrupt_example({"sentence1": text, "sentence2": "", "label": 0},
                                      Plan(prof, seed, "pair", PAIR, lang))
            for old, new in realism.word_pairs(text, out["sentence1"], lang):
                realism.measure_pair(tally, old, new, lang, switches)
    assert tally.switched >= 20  # real switching to judge
    assert tally.function <= tally.switched / 3, (tally.function, tally.switched)
