"""Every shipped profile, at full severity, through the engine on arbitrary Unicode examples:
no crash, one token per token and tags untouched, every QA answer still at its offset, same seed
same output, another seed other output."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robustx.noise.engine import Plan, check_languages, corrupt_example
from robustx.noise.profiles import load_profile, shipped_profiles

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LANGS = ["en", "de", "fr", "vi", "tr", "ru", "el", "ar", "hi", "th", "ko", "zh", "ja", "he", "ka"]
# Letters of the scripts in LANGS, plus anything else Unicode has (marks, joiners, emoji...).
TEXT = st.text(st.sampled_from("abcéèüßıİğşąłđ ,.!?-'\"()0123456789") |
               st.characters(min_codepoint=0x0370, max_codepoint=0x03FF) |
               st.characters(min_codepoint=0x0400, max_codepoint=0x04FF) |
               st.characters(min_codepoint=0x0590, max_codepoint=0x06FF) |
               st.characters(min_codepoint=0x0900, max_codepoint=0x097F) |
               st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F) |
               st.characters(min_codepoint=0x10D0, max_codepoint=0x10FF) |
               st.characters(min_codepoint=0x3040, max_codepoint=0x30FF) |
               st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF) |
               st.characters(min_codepoint=0xAC00, max_codepoint=0xAD00) |
               st.characters(exclude_categories=("Cs",)), max_size=60)
QA_FIELDS = {"id": "id", "context": "context", "question": "question", "answers": "answers"}
TAG_FIELDS = {"tokens": "tokens", "tags": "ner_tags"}


def plans(profile_name, family, fields, lang, seed):
    prof = load_profile(profile_name).at(5)
    try:
        disabled = check_languages(prof, [lang])
    except Exception:  # the profile does not serve this language: a clear error, tested elsewhere
        return None
    return [Plan(prof, s, family, fields, lang, None, fields.get("id"), disabled)
            for s in (seed, seed + 1)]


@pytest.mark.parametrize("name", shipped_profiles())
@SETTINGS
@given(tokens=st.lists(TEXT.filter(lambda t: t and not any(c.isspace() for c in t)),
                       min_size=1, max_size=15),
       lang=st.sampled_from(LANGS), seed=st.integers(0, 2**31))
def test_tagging_keeps_tokens_and_tags(name, tokens, lang, seed):
    ps = plans(name, "tagging", TAG_FIELDS, lang, seed)
    if ps is None:
        return
    row = {"tokens": tokens, "ner_tags": [i % 7 for i in range(len(tokens))]}
    out, _, _, valid = corrupt_example(row, ps[0])
    assert valid and out["ner_tags"] == row["ner_tags"] and len(out["tokens"]) == len(tokens)
    assert all(t and not any(c.isspace() for c in t) for t in out["tokens"])
    assert corrupt_example(row, ps[0])[0] == out


@pytest.mark.parametrize("name", shipped_profiles())
@SETTINGS
@given(context=TEXT, lang=st.sampled_from(LANGS), seed=st.integers(0, 2**31), data=st.data())
def test_qa_answers_stay_at_their_offsets(name, context, lang, seed, data):
    ps = plans(name, "qa", QA_FIELDS, lang, seed)
    if ps is None:
        return
    answers = {"answer_start": [], "text": []}
    for _ in range(data.draw(st.integers(0, 3)) if context else 0):
        s = data.draw(st.integers(0, len(context) - 1))
        e = data.draw(st.integers(s + 1, min(len(context), s + 20)))
        answers["answer_start"].append(s)
        answers["text"].append(context[s:e])
    row = {"id": "q", "context": context, "question": context[:15], "answers": answers}
    out, _, _, valid = corrupt_example(row, ps[0])
    assert valid
    for s, t in zip(out["answers"]["answer_start"], out["answers"]["text"]):
        assert t and out["context"][s:s + len(t)] == t
    assert corrupt_example(row, ps[0])[0] == out


@pytest.mark.parametrize(("name", "lang", "text"), [
    ("typo", "de", "Die Katze schläft auf dem warmen Sofa neben dem großen Fenster im Haus"),
    ("codeswitch", "hi", "मेरी बहन समुद्र के पास रहती है और हर दिन स्कूल जाती है"),
    ("translit", "ru", "Поезд опоздал из-за сильного снега в горах и на равнине сегодня"),
    ("homoglyph", "en", "the museum opens at nine but the ticket office closes early today"),
    ("mixed", "ar", "يفتح المتحف أبوابه في الساعة التاسعة لكن شباك التذاكر يغلق قبل ساعة"),
])
def test_another_seed_gives_other_output(name, lang, text):
    ps = plans(name, "pair", {"sentence1": "s1", "sentence2": "s2"}, lang, 1)
    row = {"s1": text, "s2": None}
    a, b = (corrupt_example(row, p)[0]["s1"] for p in ps)
    assert a != b  # one of them may be the clean text: a word rate can miss a short sentence
