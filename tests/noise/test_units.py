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


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=4).filter(lambda u: not any(
    c.isspace() for c in u)), max_size=12))
def test_property_count_text_words_reads_the_same_off_the_text(units):
    from robustx.noise.units import count_text_words, count_words

    assert count_text_words(" ".join(units), len(units)) == count_words(units)


def _reference_units(token):
    """The definition the regex splitter implements: clusters, spaceless ones alone."""
    from robustx.noise.units import _SPACELESS_CHAR

    out, run = [], ""
    for cl in clusters(token):
        if _SPACELESS_CHAR.match(cl):
            out += [run, cl] if run else [cl]
            run = ""
        else:
            run += cl
    return [*out, run] if run else out


spaceless_text = st.text(alphabet=st.sampled_from(
    "我爱北京。a1 \u0e19\u0e49\u0e33\u0e2a\u0e31\u200d\u200c\u0301\u0e33かﾞ\U00020001e"), max_size=30)


@settings(max_examples=400, deadline=None)
@given(st.one_of(spaceless_text, st.text(max_size=30)), st.sampled_from(["zh", "th", "en"]),
       st.lists(st.integers(0, 30), max_size=3))
def test_property_pieces_follow_the_cluster_definition(text, lang, cuts):
    from robustx.noise.units import SPACELESS_LANGS, pieces

    ps = pieces(text, lang, cuts)
    assert "".join(ps) == text and len(ps) % 2 == 1
    units, pos, free = ps[1::2], 0, {0}  # offsets where a cut may lie: not inside a unit
    for k, piece in enumerate(ps):
        if k % 2:
            assert piece and not any(c.isspace() for c in piece)
        else:
            assert not piece or piece.isspace()
            free.update(range(pos, pos + len(piece) + 1))
        pos += len(piece)
        free.add(pos)
    assert {c for c in cuts if 0 < c < len(text)} <= free
    if not cuts:
        expected = [u for tok in text.split()
                    for u in (_reference_units(tok) if lang in SPACELESS_LANGS else [tok])]
        assert units == expected


def test_attach_class_holds_every_combining_mark():
    import re
    import sys
    import unicodedata

    from robustx.noise.units import _attach_pattern

    attach = re.compile(f"(?:{_attach_pattern()})")
    marks = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c))[0] == "M"]
    assert all(attach.match(m) for m in marks)
    assert not any(attach.match(c) for c in "a中\U0001F600\U0001D400\U00020001")


@settings(max_examples=400, deadline=None)
@given(st.one_of(spaceless_text, st.text(max_size=6)))
def test_property_bare_spaceless_is_spaceless_without_punctuation(text):
    from robustx.noise.units import bare_spaceless, is_spaceless_unit, pieces

    units = pieces(text, "th")[1::2]
    assert bare_spaceless(units) == [is_spaceless_unit(u, "th") and split_core(u)[1] == u
                                     for u in units]


def test_bare_spaceless_examples():
    from robustx.noise.units import bare_spaceless

    assert bare_spaceless(["ก", "วั", "中", "・", "。", "a", "๏", "ก\u200d!", "ก\u200dข"]) == [
        True, True, True, False, False, False, False, False, True]


@settings(max_examples=400, deadline=None)
@given(st.one_of(spaceless_text, st.text(max_size=20)))
def test_property_cluster_regex_follows_the_definition(text):
    """The definition, character by character: marks, ZWNJ/ZWJ and SARA AM join the preceding
    character, and anything joins a preceding ZWJ."""
    import unicodedata

    expected: list[str] = []
    for ch in text:
        if expected and (unicodedata.category(ch)[0] == "M" or ch in "\u200c\u200d\u0e33\u0eb3"
                         or expected[-1][-1] == "\u200d"):
            expected[-1] += ch
        else:
            expected.append(ch)
    assert clusters(text) == expected


def test_the_three_views_of_languages_without_spaces_nest():
    """Defined once in units.py: per-character segmentation leaves Tibetan out (its script is not
    segmented), letter runs for typos leave out zh and ja (a character is a word-sized unit)."""
    from robustx.noise.units import LETTER_SPACELESS_LANGS, NO_WORD_SPACES, SPACELESS_LANGS

    assert {"bo"} == NO_WORD_SPACES - SPACELESS_LANGS
    assert {"zh", "ja"} == SPACELESS_LANGS - LETTER_SPACELESS_LANGS
