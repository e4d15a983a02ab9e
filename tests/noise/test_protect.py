"""Label safety: under every shipped profile at full severity, no number changes (QA answers,
NLI pairs, any script), no digit is brought into a word, and turning protection off shows that
the protection is what keeps them."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robustx.cli import main
from robustx.noise.engine import Plan, check_languages, corrupt_example
from robustx.noise.profiles import load_profile, parse_profile, shipped_profiles
from robustx.noise.protect import protected
from robustx.noise.units import SPACELESS_LANGS

from .sentences import SENTENCES

QA_FIELDS = {"id": "id", "context": "context", "question": "question", "answers": "answers"}
PAIR_FIELDS = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "label"}
NUMBER = re.compile(r"\d+")


def _plan(name, family, fields, lang, seed=0, severity=5):
    prof = load_profile(name).at(severity)
    try:
        disabled = check_languages(prof, [lang])
    except Exception:  # a language the profile does not serve: tested elsewhere
        return None
    return Plan(prof, seed, family, fields, lang, None, fields.get("id"), disabled)


def _digits_kept(old: str, new: str, lang: str) -> bool:
    """Every number of ``old`` is in ``new`` as written; Arabizi may add digits for letters
    (7 for ح), so where words are space-separated the numbers are checked word by word."""
    if lang in SPACELESS_LANGS:
        return NUMBER.findall(old) == NUMBER.findall(new)
    a, b = old.split(), new.split()
    return len(a) == len(b) and all(x == y for x, y in zip(a, b) if NUMBER.search(x))


@pytest.mark.parametrize("name", shipped_profiles())
@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_no_number_changes_in_nli_pairs(name, lang):
    text = SENTENCES[lang]
    changed = 0
    for seed in range(12):
        plan = _plan(name, "pair", PAIR_FIELDS, lang, seed)
        if plan is None:
            return
        row = {"sentence1": text, "sentence2": text, "label": 1}
        out, *_ = corrupt_example(row, plan)
        for side in ("sentence1", "sentence2"):
            assert _digits_kept(text, out[side], lang), (name, lang, out[side])
            changed += out[side] != text
    # typo and mixed serve every language; homoglyph has look-alikes for no Han or kana letter
    if name in ("typo", "mixed") or (name == "homoglyph" and lang not in ("zh", "ja")):
        assert changed, f"{name} never changed {lang}: the test would show nothing"


@pytest.mark.parametrize("name", shipped_profiles())
@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_no_digit_changes_inside_qa_answers(name, lang):
    context = SENTENCES[lang]
    answers = [m for m in NUMBER.finditer(context)]
    row = {"id": f"q-{lang}", "context": context, "question": context,
           "answers": {"answer_start": [m.start() for m in answers],
                       "text": [m.group() for m in answers]}}
    for seed in range(12):
        plan = _plan(name, "qa", QA_FIELDS, lang, seed)
        if plan is None:
            return
        out, _, _, valid = corrupt_example(row, plan)
        assert valid
        got = out["answers"]
        assert got["text"] == row["answers"]["text"]
        for start, text in zip(got["answer_start"], got["text"]):
            assert out["context"][start:start + len(text)] == text


# Words of several scripts with digits among them, joined by spaces.
WORD = st.text(st.sampled_from("abcdéğşабвгдαβγ"
                               "\u0915\u093e\u093f\u0940\u094d"  # Devanagari letters and signs
                               "\u0628\u062a\u062b\u0661\u0662"  # Arabic letters, digits
                               "0123456789,.%"), min_size=1, max_size=8)


@pytest.mark.parametrize("name", ["typo", "homoglyph", "mixed"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(WORD, min_size=1, max_size=12),
       lang=st.sampled_from(["en", "de", "tr", "ru", "el", "hi", "ar"]),
       seed=st.integers(0, 2**31))
def test_property_numbers_never_change_and_no_digit_appears(name, words, lang, seed):
    plan = _plan(name, "pair", PAIR_FIELDS, lang, seed)
    text = " ".join(words)
    out, *_ = corrupt_example({"sentence1": text, "sentence2": "", "label": 0}, plan)
    new = out["sentence1"]
    assert _digits_kept(text, new, lang)
    if name != "mixed" or lang != "ar":  # mixed writes Arabizi (digits for letters) in Arabic
        assert NUMBER.findall(new) == NUMBER.findall(text)


def test_protected_units():
    on = frozenset({"numbers"})
    both = frozenset({"numbers", "units"})
    units = ["In", "1870,", "24", "km", "and", "२४", "लोग", "x"]
    assert [protected(units, i, i, on) for i in range(len(units))] == \
        [False, True, True, False, False, True, False, False]
    assert [protected(units, i, i, both) for i in range(len(units))] == \
        [False, True, True, True, False, True, True, False]
    assert not protected(units, 2, 2, frozenset())
    assert protected(units, 0, 1, on)  # a run holding a number


def _deleting(protect):
    doc = {"name": "del", "version": 1, "ops": [{"op": "delete", "rate": 1.0}]}
    if protect is not None:
        doc["protect"] = protect
    return parse_profile(doc, "t").at(3)


def _run(prof, text, lang="en"):
    plan = Plan(prof, 3, "pair", PAIR_FIELDS, lang)
    out, _, stats, _ = corrupt_example({"sentence1": text, "sentence2": "", "label": 0}, plan)
    return out["sentence1"], stats


def test_protection_is_what_keeps_numbers():
    text = "In 1870 the city had 24 km of road"
    off, _ = _run(_deleting([]), text)
    assert "1870" not in off.split() and "24" not in off.split()  # every word loses a letter
    on, stats = _run(_deleting(None), text)
    assert on.split()[1] == "1870" and on.split()[5] == "24" and on.split()[6] != "km"
    assert stats.protected == 2
    units, _ = _run(_deleting(["numbers", "units"]), text)
    assert units.split()[6] == "km"


def test_protect_is_validated_and_signed(tmp_path):
    with pytest.raises(Exception, match="'protect' knows numbers, units, got 'dates'"):
        parse_profile({"name": "p", "version": 1, "ops": [{"op": "delete", "rate": 0.1}],
                       "protect": ["dates"]}, "t")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: p\nversion: 1\nprotect: numbers\nops:\n  - {op: delete, rate: 0.1}\n")
    assert main(["corrupt", "--profile", str(bad), "--out", str(tmp_path / "o")]) == 2


def test_manifest_counts_protected_words(tmp_path):
    main(["corrupt", "--profile", "typo", "--severity", "5", "--task", "xquad", "--sample",
          "--lang", "en", "--out", str(tmp_path / "o"), "--quiet"])
    import json

    man = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert "|prot:numbers|" in man["signature"]
    en = man["intensity"]["en"]
    assert en["protected_words"] > 0  # the English XQuAD sample holds years and counts
    assert en["word_unit"] == "word" and 0 < en["share_examples_changed"] <= 1
