from hypothesis import given, settings
from hypothesis import strategies as st

from robustx.noise.units import clusters, segment, split_core


def words(text, lang, cuts=()):
    return [text[s:e] for s, e in segment(text, lang, cuts)]


def test_whitespace_words():
    assert words("  The cat,  sat. ", "en") == ["The", "cat,", "sat."]


def test_spaceless_chinese_chars_but_latin_words_whole():
    assert words("我喜欢看电影，iPhone很好。", "zh") == [
        "我", "喜", "欢", "看", "电", "影", "，iPhone", "很", "好", "。"]


def test_thai_clusters_keep_vowel_and_tone_marks():
    assert words("สวัสดีครับ", "th") == ["ส", "วั", "ส", "ดี", "ค", "รั", "บ"]


def test_hindi_words_not_split():
    assert words("मुझे यह पसंद है", "hi") == ["मुझे", "यह", "पसंद", "है"]


def test_cuts_split_units_at_answer_edges():
    text = "In the 1990s, Paris grew."
    assert words(text, "en", [7, 11]) == ["In", "the", "1990", "s,", "Paris", "grew."]


def test_split_core():
    assert split_core("(Paris),") == ("(", "Paris", "),")
    assert split_core("«Москва»") == ("«", "Москва", "»")
    assert split_core("...") == ("...", "", "")
    assert split_core("don't") == ("", "don't", "")


def test_clusters():
    assert clusters("नमस्ते") == ["न", "म", "स्", "ते"]
    assert clusters("Việt") == ["V", "i", "ệ", "t"]
    assert clusters("น้ำ") == ["น้ำ"]


@given(st.text(), st.sampled_from(["en", "zh", "th", "ja", "ar"]), st.lists(st.integers(0, 50)))
def test_segment_invariants(text, lang, cuts):
    spans = segment(text, lang, cuts)
    prev = 0
    for s, e in spans:
        assert prev <= s < e
        assert not any(ch.isspace() for ch in text[s:e])
        assert not any(s < c < e for c in cuts)
        prev = e
    covered = "".join(text[s:e] for s, e in spans)
    assert covered == "".join(ch for ch in text if not ch.isspace())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=4), max_size=12))
def test_property_count_words_is_units_with_a_core(units):
    from robustx.noise.units import count_words

    assert count_words(units) == sum(1 for u in units if split_core(u)[1])
