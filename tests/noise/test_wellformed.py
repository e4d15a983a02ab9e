"""Script rules: no op output may break a spelling rule its input kept (vowel sign on vowel sign,
stacked Thai tone marks, two harakat, a zero-width joiner cutting an Arabic or Indic word) or
bring in a letter the language does not write. Property tests over generated words of each
script and every shipped profile at severity 5, plus the cases the issue found."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robustx.noise.engine import Plan, corrupt_text
from robustx.noise.profiles import load_profile
from robustx.noise.wellformed import breaks, foreign, malformed

PROFILES = ("typo", "homoglyph", "translit", "codeswitch", "mixed")


@pytest.mark.parametrize(("word", "bad"), [
    ("की", False), ("कीि", True), ("में", False), ("मेों", True), ("जीतने", False),
    ("जाीतने", True), ("क्या", False), ("ें", True), ("कंं", True), ("অ্যা", False),
    ("ที่", False), ("ท่่", True), ("ครั้ง", False), ("คร้้ง", True), ("ทิี", True),
    ("أحبّ", False), ("أحبَّ", False), ("أحبَُ", True), ("أحبّّ", True),
    ("שָׁלוֹם", False), ("Hello", False), ("é", False),
])
def test_malformed(word, bad):
    assert malformed(word) is bad


def test_a_zero_width_joiner_may_not_cut_an_arabic_or_indic_word():
    assert breaks("قبلة", "قب\u200cلة", "ar")
    assert breaks("क्या", "क्\u200cया", "hi")
    assert not breaks("2014", "2\u200c014", "ar")  # digits do not join
    assert not breaks("cat", "c\u200cat", "en")


def test_hindi_typos_never_bring_in_dravidian_letters():
    assert {"\u0946", "\u0929", "\u0931", "\u0934", "\u090e"} <= foreign("hi")
    assert breaks("की", "कॆ", "hi") and not breaks("की", "कॆ", "ta")


DEVA_C = [chr(c) for c in range(0x0915, 0x0939)]
DEVA_V = [chr(c) for c in (0x093E, 0x093F, 0x0940, 0x0941, 0x0942, 0x0947, 0x0948, 0x094B,
                           0x094C)]
THAI_C = [chr(c) for c in range(0x0E01, 0x0E2E)]
THAI_V = [chr(c) for c in (0x0E34, 0x0E35, 0x0E36, 0x0E37, 0x0E38, 0x0E39)]
THAI_T = [chr(c) for c in range(0x0E48, 0x0E4C)]
ARAB_C = [chr(c) for c in range(0x0628, 0x063B)]
ARAB_H = [chr(c) for c in (0x064E, 0x064F, 0x0650, 0x0652)]


def syllables(cons, vowels, tones=(), mods=()):
    syl = st.tuples(st.sampled_from(cons), st.sampled_from(["", *vowels]),
                    st.sampled_from(["", *tones]), st.sampled_from(["", *mods]))
    word = st.lists(syl.map("".join), min_size=1, max_size=5).map("".join)
    return st.lists(word, min_size=1, max_size=8).map(" ".join)


SCRIPTS = {
    "hi": syllables(DEVA_C, DEVA_V, mods=("\u0902",)),
    "th": syllables(THAI_C, THAI_V, THAI_T).map(lambda t: t.replace(" ", "")),
    "ar": syllables(ARAB_C, ARAB_H, mods=("\u0651",)),
}


def noisy(text: str, lang: str, profile: str, seed: int) -> str:
    plan = Plan(load_profile(profile).at(5), seed, "pair", {"sentence1": "s1"}, lang)
    return corrupt_text(text, lang, plan, f"k{seed}", "sentence1")[0]


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
@pytest.mark.parametrize("profile", PROFILES)
@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_no_profile_breaks_a_script_rule(lang, profile, data):
    text = data.draw(SCRIPTS[lang])
    assert not any(malformed(w) for w in text.split())
    seed = data.draw(st.integers(0, 2**16))
    out = noisy(text, lang, profile, seed)
    assert not [w for w in out.split() if malformed(w)], (text, out)
    assert not set(out) & (foreign(lang) - set(text))


REAL = {
    "hi": "भारत की राजधानी नई दिल्ली में है और यहाँ बहुत से लोग रहते हैं। उसने जीतने के लिए कड़ी मेहनत की।",
    "th": "เขาอยู่ที่ป่าคนเดียวครั้งแรกของเธอก่อนเสมอ",
    "ar": "أحبّ القراءة كثيرًا، والتحكّم في الوقت مهمّ جدًّا.",
}


@pytest.mark.parametrize("lang", sorted(REAL))
@pytest.mark.parametrize("profile", PROFILES)
def test_real_sentences_stay_well_formed_under_every_profile(lang, profile):
    for seed in range(40):
        out = noisy(REAL[lang], lang, profile, seed)
        assert not [w for w in out.split() if malformed(w)], out


def test_every_ruled_character_is_in_the_fast_precheck():
    """``malformed`` skips words with no character in ``_RULED``'s ranges: every character
    whose class a rule constrains must lie there, in this Python's Unicode."""
    from robustx.noise.wellformed import _AFTER, _RULED, INDIC, _cls

    scripts = {*INDIC, "THAI", "LAO", "ARABIC", "HEBREW"}
    ruled = [cp for cp in range(0x110000)
             if unicodedata.name(chr(cp), " ").split(" ", 1)[0] in scripts
             and _cls.__wrapped__(chr(cp)) in _AFTER]
    assert len(ruled) > 250  # marks of Hebrew, Arabic, ten Indic scripts, Thai and Lao
    assert [hex(cp) for cp in ruled if _RULED(chr(cp)) is None] == []
