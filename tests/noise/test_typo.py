"""Tests of the typo family: expected outputs, layout neighbours, Hangul, and properties."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robustx.errors import ResourceError
from robustx.noise import typo
from robustx.noise.base import OPS
from robustx.tasks import XTREME_LANGS

ROOT = Path(__file__).resolve().parents[2]
OP_NAMES = ("kbd", "kbd_insert", "swap", "delete", "repeat", "strip_diacritics", "case")


def run(name: str, word: str, lang: str, seed: int = 1, **params):
    return OPS.get(name)(word, lang, np.random.default_rng(seed), **params)


# Expected outputs with seed 1; each was checked by hand against the layout (see comments).
EXPECTED = {
    "kbd": [
        ("de", "Mädchen", "Mädxhen"),  # c -> x (QWERTZ row below-left)
        ("fr", "Élève", "Éluve"),  # è (AZERTY digit row, key 7) -> u below it
        ("vi", "Tiếng", "Tisng"),  # ế has no key on us: its base e -> s (Telex typist)
        ("tr", "ışık", "ılık"),  # ş -> l on Turkish Q
        ("ru", "Москва", "Мочква"),  # с -> ч (ЙЦУКЕН)
        ("el", "Αθήνα", "Αθξνα"),  # η -> ξ
        ("ar", "العربية", "العؤبية"),  # ر -> ؤ
        ("hi", "हिन्दी", "हिव्दी"),  # न -> व (InScript), halant kept
        ("th", "ภาษาไทย", "ภาษสไทย"),  # า -> ส (Kedmanee)
        ("ko", "한국어", "한욱어"),  # ㄱ -> ㅇ (r -> d), recomposed
        ("ko", "값", "겂"),  # ㅏ -> ㅓ (k -> j)
        ("yo", "Yorùbá", "Yodùbá"),
        ("ka", "საქართველო", "საქადთველო"),  # რ -> დ
        ("ja", "日本語", None),  # typed with an input method
    ],
    "kbd_insert": [
        ("de", "Mädchen", "Mädcxhen"),
        ("fr", "Élève", "Élèuve"),
        ("vi", "Tiếng", "Tiếsng"),
        ("ru", "Москва", "Мосчква"),
        ("hi", "हिन्दी", "हिन्वदी"),  # inserted after the whole cluster न्
        ("th", "ภาษาไทย", "ภาษาสไทย"),
        ("ko", "한국어", "한ㄱ욱어"),
        ("ko", "값", "가ㅓㅂㅅ"),  # an extra vowel breaks the syllable like an IME does
        ("ja", "日本語", None),
    ],
    "swap": [
        ("de", "Mädchen", "Mäcdhen"),
        ("fr", "Élève", "Éèlve"),
        ("vi", "Tiếng", "Tếing"),  # ế moves with its two stacked marks
        ("el", "Αθήνα", "Αήθνα"),
        ("ar", "العربية", "الرعبية"),
        ("hi", "हिन्दी", "न्हिदी"),  # clusters हि and न् swap, matra stays on ह
        ("th", "ภาษาไทย", "ภาาษไทย"),
        ("ko", "한국어", "하눅ㄱ어"),
        ("ko", "값", "ㄱ밧"),
        ("ja", "日本語", "本日語"),
    ],
    "delete": [
        ("de", "Mädchen", "Mädhen"),
        ("vi", "Tiếng", "Ting"),
        ("tr", "ışık", "ıık"),
        ("hi", "हिन्दी", "हिदी"),
        ("th", "ภาษาไทย", "ภาษไทย"),
        ("ko", "한국어", "하눅어"),  # one keystroke (ㄱ) dropped
        ("ka", "საქართველო", "საქათველო"),
    ],
    "repeat": [
        ("de", "Mädchen", "Mädcchen"),
        ("vi", "Tiếng", "Tiếếng"),
        ("ru", "Москва", "Моссква"),
        ("hi", "हिन्दी", "हिन्न्दी"),
        ("th", "ภาษาไทย", "ภาษาาไทย"),
        ("ko", "값", "가ㅏㅂㅅ"),
        ("ja", "日本語", "日本本語"),
    ],
    "strip_diacritics": [
        ("fr", "Élève", "Eleve"),
        ("fr", "français", "francais"),
        ("de", "Mädchen", "Madchen"),
        ("de", "Straße", None),  # ß is a letter, not an accent
        ("vi", "Tiếng", "Tieng"),
        ("vi", "Việt", "Viet"),
        ("vi", "Đà", "Da"),
        ("tr", "şeker", "seker"),
        ("tr", "ışık", "isik"),  # stated rule: ASCII-only typing writes ı as i
        ("tr", "İstanbul", "Istanbul"),
        ("ru", "ёлка", "елка"),
        ("ru", "йод", None),  # й is a letter of its own
        ("el", "Αθήνα", "Αθηνα"),
        ("yo", "Yorùbá", "Yoruba"),
        ("yo", "ọmọ", "omo"),
        ("hi", "हिन्दी", None),  # matras and halant are spelling
        ("th", "น้ำ", None),
        ("ar", "مَدْرَسَة", None),  # harakat are vowel signs
        ("ko", "한국어", None),
    ],
    "case": [
        ("de", "Straße", "straße"),
        ("de", "über", "Über"),
        ("fr", "Élève", "élève"),
        ("tr", "İstanbul", "istanbul"),
        ("tr", "Iğdır", "ığdır"),
        ("tr", "ışık", "Işık"),
        ("tr", "istanbul", "İstanbul"),
        ("el", "ΟΔΟΣ", "οδος"),  # final sigma
        ("ru", "ёлка", "Ёлка"),
        ("ka", "საქართველო", None),
        ("hi", "हिन्दी", None),
        ("ko", "한국어", None),
        ("en", "123", None),
    ],
}


@pytest.mark.parametrize(
    "name,lang,word,want", [(n, *case) for n, cases in EXPECTED.items() for case in cases]
)
def test_expected_output(name, lang, word, want):
    assert run(name, word, lang) == want


def test_registered_in_typo_family():
    for name in OP_NAMES:
        assert OPS.get(name).family == "typo"
    assert OPS.get("strip_diacritics").defaults == {"whole_word": True}


def test_strip_one_cluster_only():
    out = run("strip_diacritics", "Tiếng Việt".replace(" ", ""), "vi", whole_word=False)
    assert out in ("TiengViệt", "TiếngViet")


def test_strip_keeps_devanagari_matras_next_to_latin():
    assert run("strip_diacritics", "café्हिन्दी", "hi") == "cafe्हिन्दी"
    assert run("strip_diacritics", "नमस्ते", "hi") is None


# ---------------------------------------------------------------- layouts


def test_every_keyboard_language_has_a_layout():
    for lang in XTREME_LANGS:
        layout = typo.layout_for(lang)
        if lang in ("zh", "ja"):
            assert layout is None
        else:
            assert layout["grid"] and layout["neighbours"], lang


def test_unknown_language_is_a_resource_error():
    with pytest.raises(ResourceError, match="no keyboard layout for language 'xx'"):
        typo.layout_for("xx")
    with pytest.raises(ResourceError):
        OPS.get("kbd").check("xx", {})
    OPS.get("kbd").check("ja", {})  # served, with nothing to offer


@pytest.mark.parametrize(
    "lang,ch,want",
    [
        ("en", "g", {"t", "y", "f", "h", "v", "b"}),
        ("en", "G", {"T", "Y", "F", "H", "V", "B"}),  # same shift level
        ("de", "t", {"5", "6", "r", "z", "f", "g"}),  # QWERTZ
        ("fr", "a", {"&", "é", "z", "q"}),  # AZERTY
        ("fr", "É", {"&", '"', "A", "Z"}),  # no key: é's neighbours, upper-cased
        ("ru", "к", {"4", "5", "у", "е", "в", "а"}),
        ("ko", "ㄱ", {"4", "5", "ㄷ", "ㅅ", "ㅇ", "ㄹ"}),
        ("hi", "k", {"i", "o", "j", "l", "m", ","}),  # latin word in Hindi text: us layout
        ("zh", "a", set()),
    ],
)
def test_neighbours(lang, ch, want):
    assert set(typo.neighbours(lang, ch)) == want


WORDS = {
    "de": ["Mädchen", "Straße"], "fr": ["Élève", "français"], "vi": ["Tiếng", "Việt"],
    "tr": ["ışık", "İstanbul"], "ru": ["Москва"], "el": ["Αθήνα", "ΟΔΟΣ"],
    "ar": ["مَدْرَسَة", "لا"], "fa": ["فارسی"], "he": ["עברית"], "hi": ["नमस्ते", "हिन्दी"],
    "bn": ["বাংলা"], "ta": ["தமிழ்"], "te": ["తెలుగు"], "ml": ["മലയാളം"], "mr": ["मराठी"],
    "th": ["ภาษาไทย", "น้ำ"], "my": ["မြန်မာ"], "ka": ["ქართული"], "kk": ["қазақ"],
    "ur": ["اردو"], "yo": ["Yorùbá"], "hu": ["űrlap"], "en": ["keyboard"],
}


@pytest.mark.parametrize("lang,word", [(lang, w) for lang, ws in WORDS.items() for w in ws])
def test_every_kbd_substitution_is_a_neighbour(lang, word):
    allowed = {
        word[:i] + n + word[i + 1:] for i, ch in enumerate(word) for n in typo.neighbours(lang, ch)
    }
    seen = set()
    for seed in range(150):
        out = run("kbd", word, lang, seed)
        assert out in allowed, (seed, out)
        seen.add(out)
    assert len(seen) > 3


@pytest.mark.parametrize("lang,word", [(lang, w) for lang, ws in WORDS.items() for w in ws])
def test_every_kbd_insertion_is_a_neighbour_next_to_its_key(lang, word):
    starts, ends, at = {}, {}, 0  # code point index -> its cluster's start and end
    for unit in typo.clusters(word):
        for i in range(at, at + len(unit)):
            starts[i], ends[i] = at, at + len(unit)
        at += len(unit)
    allowed = {
        word[:j] + n + word[j:]
        for i, ch in enumerate(word)
        for n in typo.neighbours(lang, ch)
        for j in (i, i + 1, starts[i], ends[i])
    }
    for seed in range(60):
        out = run("kbd_insert", word, lang, seed)
        assert out in allowed, (seed, out)
        assert unicodedata.category(out[0])[0] != "M"


def test_kbd_preserves_letter_and_mark_classes():
    for seed in range(200):
        out = run("kbd", "हिन्दी", "hi", seed)
        assert [unicodedata.category(c)[0] for c in out] == ["L", "M", "L", "M", "L", "M"]


# ---------------------------------------------------------------- clusters and Hangul


def test_clusters():
    assert typo.clusters("Tiê\u0301ng") == ["T", "i", "ê\u0301", "n", "g"]
    assert typo.clusters("हिन्दी") == ["हि", "न्", "दी"]
    assert typo.clusters("น้ำใจ") == ["น้ำ", "ใ", "จ"]
    assert typo.clusters("\u0301a") == ["\u0301", "a"]


@pytest.mark.parametrize("name", ["swap", "delete", "repeat"])
@pytest.mark.parametrize("lang,word", [("hi", "हिन्दी"), ("th", "น้ำใจดี"), ("vi", "Nguyễn")])
def test_edits_never_split_a_cluster(name, lang, word):
    units = set(typo.clusters(word))
    for seed in range(40):
        out = run(name, word, lang, seed)
        assert set(typo.clusters(out)) <= units
        assert unicodedata.category(out[0])[0] != "M"


def test_hangul_keystrokes_round_trip():
    assert typo.keystrokes("값") == ["ㄱ", "ㅏ", "ㅂ", "ㅅ"]
    assert typo.keystrokes("왜") == ["ㅇ", "ㅗ", "ㅐ"]
    assert typo.compose(["ㅇ", "ㅣ", "ㄹ", "ㄱ", "ㄷ", "ㅏ"]) == "읽다"
    assert typo.compose(["ㄱ", "ㅏ", "ㄱ", "ㅏ"]) == "가가"
    assert typo.compose(["ㅏ", "ㄱ", "a"]) == "ㅏㄱa"


@given(st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1))
def test_hangul_round_trip_property(word):
    assert typo.compose(typo.keystrokes(word)) == word


def _valid_hangul(text: str) -> bool:
    return all(0xAC00 <= ord(c) <= 0xD7A3 or 0x3131 <= ord(c) <= 0x318E for c in text)


@pytest.mark.parametrize("name", ["kbd", "kbd_insert", "swap", "delete", "repeat"])
def test_korean_output_is_valid_hangul(name):
    for word in ("한국어", "읽다", "값", "왜냐하면", "ㅋㅋ"):
        for seed in range(30):
            out = run(name, word, "ko", seed)
            if out is None:  # only swap of two identical keystrokes has nothing to offer
                assert name == "swap" and word == "ㅋㅋ"
                continue
            assert _valid_hangul(out) and out != word, (word, seed, out)


# ---------------------------------------------------------------- properties

WORD = st.text(st.characters(exclude_categories=("Cs",)).filter(lambda c: not c.isspace()),
               min_size=1, max_size=12)
LANGS = st.sampled_from(["en", "de", "fr", "vi", "tr", "ru", "el", "ar", "hi", "th", "ko",
                         "ka", "zh", "ja", "my", "ta"])


@settings(max_examples=300, deadline=None)
@given(WORD, LANGS, st.sampled_from(OP_NAMES), st.integers(0, 2**32 - 1))
def test_ops_total_and_deterministic(word, lang, name, seed):
    out = run(name, word, lang, seed)
    assert out is None or (isinstance(out, str) and out and not any(c.isspace() for c in out))
    assert run(name, word, lang, seed) == out


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("हिन्दीनमस्तेकािुूृेैोौंःँ्"), min_size=1, max_size=10))
def test_strip_diacritics_keeps_devanagari(word):
    assert run("strip_diacritics", "é" + word, "hi") == "e" + word


def test_span_groups_thai_runs_only():
    pred = OPS.get("swap").span("th", {})
    assert pred("ภาษา") and not pred("ภาษาไทย") and not pred("ก1")
    assert OPS.get("swap").span("de", {}) is None


thai_text = st.text(alphabet=st.sampled_from(
    "ภาษาไทยกขค\u0e34\u0e48\u0e49\u0e31\u0e33๑ฯๆ฿ \u0301\u200d\u200c.中ab\u0eb3ລ"), max_size=40)


@settings(max_examples=500, deadline=None)
@given(st.one_of(thai_text, st.text(max_size=30)))
def test_property_letter_run_regex_builds_the_engines_groups(text):
    """The regex split the engine takes for Thai typos gives exactly the runs that its greedy
    grouping builds from character units with the same predicate."""
    from robustx.noise.engine import _groups
    from robustx.noise.units import bare_spaceless, pieces

    ps = pieces(text, "th")
    units, seps = ps[1::2], ps[0::2]
    groups = _groups(units, bare_spaceless(units), [not s for s in seps[1:]], typo._letter_run)
    expected = [seps[0]]
    for g in groups:
        expected += ["".join(units[g.start:g.stop]), seps[g.stop]]
    assert typo._split_letter_runs(text) == expected


def test_letter_run_regex_examples():
    assert typo._split_letter_runs("ภาษาไทย น้ำกิ่ง ab") == [
        "", "ภาษา", "", "ไทย", " ", "น้ำ", "", "กิ่ง", " ", "ab", ""]
    # a digit is no letter; a ZWJ joins ง and จ into one unit, which no run may hold
    assert typo._split_letter_runs("กข๑คง\u200dจ") == [
        "", "กข", "", "๑", "", "ค", "", "ง\u200dจ", ""]


# ---------------------------------------------------------------- data and laziness


def test_layout_files_are_small_and_indexed():
    layouts = ROOT / "robustx" / "noise" / "resources" / "layouts"
    index = json.loads((layouts / "langs.json").read_text(encoding="utf-8"))["langs"]
    assert set(index) == set(XTREME_LANGS)
    for name in set(filter(None, index.values())):
        assert (layouts / name).stat().st_size < 8000
    assert (layouts / "README.md").is_file()


def test_no_io_at_import():
    code = ("import robustx.noise.typo as t; "
            "assert t._index.cache_info().currsize == 0 and t._load.cache_info().currsize == 0")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.skipif(not Path("/usr/share/X11/xkb/symbols/us").is_file()
                    or not Path("/usr/include/X11/keysymdef.h").is_file(),
                    reason="xkb-data and x11proto-dev are needed to regenerate layouts")
def test_generator_reproduces_shipped_layouts(tmp_path):
    subprocess.run([sys.executable, "scripts/gen_layouts.py", "--out", str(tmp_path)],
                   check=True, cwd=ROOT, capture_output=True)
    shipped = ROOT / "robustx" / "noise" / "resources" / "layouts"
    for path in tmp_path.glob("*.json"):
        assert path.read_text(encoding="utf-8") == (shipped / path.name).read_text(
            encoding="utf-8"), path.name


# ---------------------------------------------------------------- Chinese: pinyin IME


def test_ime_homophone_expected():
    from anyascii import anyascii

    out = run("ime_homophone", "在", "zh")
    assert out != "在" and anyascii(out).lower() == "zai" and out in "栽哉灾宰载再"
    word = "电影院"
    out = run("ime_homophone", word, "zh", seed=3)
    diff = [(a, b) for a, b in zip(word, out, strict=True) if a != b]
    assert len(diff) == 1 and anyascii(diff[0][0]).lower() == anyascii(diff[0][1]).lower()
    assert run("ime_homophone", "ABC", "zh") is None  # nothing typed through the IME
    assert run("ime_homophone", "𠀀", "zh") is None  # no common homophone


def test_ime_homophones_are_common_characters_of_the_same_reading():
    table = typo._homophones()
    assert sum(map(len, table.values())) == 3755  # GB2312 level 1
    cands, cum = typo.homophones("的")
    assert cands == ("地", "得", "德")  # most frequent first, as the input method lists them
    assert [round(x, 2) for x in cum] == [0.59, 0.93, 1.0]
    assert typo.homophones("a") == ((), ())


def test_ime_homophone_picks_frequent_candidates():
    """A wrong IME pick is in proportion to how often each homophone is typed: 年 (nian) becomes
    念 far more often than the rare 蔫, which uniform drawing picked as often."""
    from collections import Counter

    picks = Counter(run("ime_homophone", "年", "zh", seed) for seed in range(2000))
    assert picks["念"] > 1500 and picks["蔫"] < 40
    assert set(picks) <= set(typo.homophones("年")[0])


def test_ime_homophone_serves_chinese_only():
    OPS.get("ime_homophone").check("zh", {})
    with pytest.raises(ResourceError, match="pinyin input method"):
        OPS.get("ime_homophone").check("ja", {})


@settings(max_examples=200, deadline=None)
@given(WORD, st.integers(0, 2**32 - 1))
def test_ime_homophone_property(word, seed):
    out = run("ime_homophone", word, "zh", seed)
    assert out is None or (len(out) == len(word) and sum(a != b for a, b in zip(word, out)) == 1)
    assert run("ime_homophone", word, "zh", seed) == out


def test_typo_profile_changes_chinese_at_its_nominal_rate():
    """zh units are characters: repeat and ime_homophone apply to every common character, the
    neighbouring-key ops are switched off (Chinese is typed through an input method) and the
    other key ops offer nothing, so the changed share matches the combined rate of the two."""
    from robustx.noise.engine import Plan, check_languages, corrupt_example
    from robustx.noise.profiles import load_profile

    prof = load_profile("typo").at(5)
    disabled = check_languages(prof, ["zh"])
    steps = [s.op for s in prof.steps]
    assert disabled == {(steps.index("kbd"), "zh"), (steps.index("kbd_insert"), "zh"),
                        (steps.index("ime_kanji"), "zh")}
    rates = {s.op: s.rate for s in prof.steps}
    nominal = 1 - (1 - rates["repeat"]) * (1 - rates["ime_homophone"])
    plan = Plan(prof, 12345, "pair", {"sentence1": "s1", "sentence2": "s2"}, "zh", None, None,
                disabled)
    words = changed = 0
    for i in range(150):
        row = {"s1": "我们在电影院看了一部新电影然后去饭店吃晚饭大家都很高兴", "s2": str(i)}
        _, _, st_, _ = corrupt_example(row, plan)
        words += st_.words
        changed += st_.changed
    assert abs(changed / words - nominal) < 0.03, (changed / words, nominal)


# ---------------------------------------------------------------- Japanese: kana-kanji IME


@pytest.mark.parametrize(("word", "seed", "expected"), [
    ("機会", 1, "機械"),  # きかい: opportunity -> machine
    ("自信", 1, "自身"),  # じしん: confidence -> oneself
    ("関心", 1, "感心"),  # かんしん: interest -> admiration
    ("会っ", 1, "遭っ"),  # 会った -> 遭った (あう: meet -> encounter)
    ("早く", 1, "速く"),  # はやく: early -> fast
    ("開け", 1, "空け"),  # あける: open -> empty
])
def test_ime_kanji_expected(word, seed, expected):
    assert run("ime_kanji", word, "ja", seed) == expected


def test_ime_kanji_unconverted_reading_and_refusals():
    assert run("ime_kanji", "機会", "ja", unconverted=1.0) == "きかい"
    assert run("ime_kanji", "会っ", "ja", unconverted=1.0) == "あっ"  # the okurigana stays
    assert run("ime_kanji", "学校", "ja") is None  # no homophone in the table
    assert run("ime_kanji", "上に", "ja") is None  # 上 before a particle is a noun: not a stem
    with pytest.raises(ResourceError, match="kana-kanji input method"):
        OPS.get("ime_kanji").check("zh", {})


def test_ime_kanji_span_takes_table_words_and_inflected_stems_only():
    pred = typo._kanji_span("ja", {})
    assert pred("機会") and pred("会っ") and pred("早く")
    assert not pred("上に") and not pred("見学") and not pred("機")
    assert typo._kanji_span("zh", {}) is None


def test_ime_kanji_through_the_engine_rewrites_whole_words():
    """In running text the engine groups characters into the table's words: 会って becomes 合って
    or 遭って, 機会 becomes 機械 or きかい; every other character stays."""
    from robustx.noise.engine import Plan, corrupt_example
    from robustx.noise.profiles import parse_profile

    prof = parse_profile({"name": "ime", "version": 1,
                          "ops": [{"op": "ime_kanji", "rate": 1.0}]}, "t").at(3)
    fields = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "label"}
    text = "明日は友達に会って、機会があれば上に見学します。"
    seen = set()
    for seed in range(30):
        out, *_ = corrupt_example({"sentence1": text, "sentence2": "", "label": 0},
                                  Plan(prof, seed, "pair", fields, "ja"))
        new = out["sentence1"]
        m = re.fullmatch(r"明日は友達に(会|合|遭|あ)って、(機会|機械|きかい)があれば上に見学します。", new)
        assert m, new
        seen.update(m.groups())
    assert {"合", "機械", "きかい"} <= seen


def test_typo_profile_types_japanese_through_the_ime():
    from robustx.noise.profiles import load_profile

    steps = [s.op for s in load_profile("typo").steps]
    assert "ime_kanji" in steps and "ime_homophone" in steps
