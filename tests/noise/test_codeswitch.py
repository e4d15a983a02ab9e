"""Code-switching op and its lexicon formats (built-in, MUSE, TSV, FreeDict/dictd)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robustx.errors import ResourceError, UsageError
from robustx.noise import lexicons
from robustx.noise.base import OPS, load_all_ops
from robustx.noise.codeswitch import FUNCTION_WORDS_EN, SOURCE_PRONOUNS, codeswitch, keep_case

load_all_ops()
OP = OPS.get("codeswitch")
FREEDICT_DE = lexicons.freedict_index("de", "en")


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def outputs(word: str, lang: str, **params) -> set[str | None]:
    """Every replacement the op can produce for ``word`` (over many seeds)."""
    return {codeswitch(word, lang, rng(s), **params) for s in range(40)}


# One unambiguous real word per built-in language (source, its only English translation).
EXPECTED = [
    ("de", "Katze", "Cat"),
    ("de", "fenster", "window"),
    ("fr", "fenêtre", "window"),
    ("fr", "Oiseau", "Bird"),
    ("es", "perro", "dog"),
    ("es", "VENTANA", "WINDOW"),
    ("ru", "собака", "dog"),
    ("ru", "Школа", "School"),
    ("ru", "книгу", "book"),  # inflected form (accusative)
    ("hi", "कुत्ता", "dog"),
    ("hi", "खिड़की", "window"),
    ("ar", "كلب", "dog"),
    ("ar", "الكلب", "dog"),  # article stripped for lookup; replacement is the bare noun
    ("ar", "مدرسة", "school"),
    ("zh", "电脑", "computer"),
    ("zh", "自行车", "bicycle"),
    ("el", "σκύλος", "dog"),
    ("el", "ΣΚΥΛΟΣ", "DOG"),  # upper-case Greek has no accents; lookup ignores them
    ("tr", "köpek", "dog"),
    ("tr", "İngilizce", "English"),  # Turkish dotted capital I
    ("vi", "chó", "dog"),
    ("vi", "mèo", "cat"),
    ("sw", "mbwa", "dog"),
    ("sw", "Shule", "School"),
]


@pytest.mark.parametrize(("lang", "word", "want"), EXPECTED)
def test_builtin_expected(lang, word, want):
    assert outputs(word, lang) == {want}


def test_builtin_covers_eleven_languages_with_200_words():
    langs = lexicons.builtin_languages()
    assert langs == sorted(["de", "fr", "es", "ru", "hi", "ar", "zh", "el", "tr", "vi", "sw"])
    for lang in langs:
        lex = lexicons.load("builtin", "auto", lang, "en")
        assert len(lex) >= (350 if lang in ("de", "fr", "es", "ru") else 200), lang


def test_single_characters_of_spaceless_languages_need_min_chars_1():
    # a lone Han character is mostly part of a longer word: 歌手 is "singer", not "songhand"
    assert outputs("狗", "zh") == {None}
    assert outputs("狗", "zh", min_chars=1) == {"dog"}
    assert outputs("电脑", "zh", min_chars=3) == {None}
    with pytest.raises(UsageError, match="min_chars"):
        OP.check("zh", {"min_chars": 0})


def test_running_chinese_keeps_words_the_lexicon_lacks():
    from robustx.noise.engine import Plan, corrupt_text
    from robustx.noise.profiles import parse_profile

    prof = parse_profile({"name": "c", "version": 1, "ops": [{"op": "codeswitch", "rate": 1.0}]},
                         "t").at(3)
    plan = Plan(prof, 1, "pair", {"sentence1": "s1", "sentence2": "s2"}, "zh")
    out, _, _ = corrupt_text("歌手生病了。西红柿和电脑", "zh", plan, "k", "s1")
    assert out == "歌手生病了。西红柿和 computer"  # typed apart from the Han word before it


def test_case_is_kept():
    assert codeswitch("Haus", "de", rng()) == "House"
    assert codeswitch("HAUS", "de", rng()) == "HOUSE"
    assert outputs("haus", "de") == {"house"}
    assert keep_case("A", "dog") == "Dog"
    assert keep_case("ab", "English") == "English"  # lower source keeps the lexicon's case
    assert keep_case("ДОМ", "домой") == "ДОМОЙ"
    assert keep_case("Ab", "狗") == "狗"  # caseless target script


def test_several_translations_are_drawn_deterministically():
    seen = outputs("groß", "de")
    assert seen == {"big", "large"}
    assert codeswitch("groß", "de", rng(7)) == codeswitch("groß", "de", rng(7))


def test_unknown_word_is_none():
    assert codeswitch("Quantenchromodynamik", "de", rng()) is None
    assert codeswitch("!!", "fr", rng()) is None


def test_multiword_skip_and_join(tmp_path):
    # "Eis" is "ice" or "ice cream": skip drops the two-word sense
    assert outputs("Eis", "de") == {"Ice"}
    assert outputs("Eis", "de", multiword="join") == {"Ice"}  # English is written with spaces
    lex = tmp_path / "de-zh.tsv"
    lex.write_text("Eis\t冰\nEiscreme\t冰 淇淋\nSahne\tsour cream\n", encoding="utf-8")
    assert outputs("Eiscreme", "de", target="zh", lexicon=str(lex)) == {None}
    assert outputs("Eiscreme", "de", target="zh", lexicon=str(lex), multiword="join") == {"冰淇淋"}
    assert outputs("Sahne", "de", target="fr", lexicon=str(lex), multiword="join") == {None}


def test_english_source_uses_inverted_builtin():
    assert outputs("dog", "en", target="de") == {"Hund"}
    assert outputs("Window", "en", target="fr") == {"Fenêtre"}


def test_span_groups_only_spaceless_languages():
    pred = OP.span("zh", {})
    assert pred("电影") and pred("电脑") and not pred("影电")
    assert OP.span("de", {}) is None


# --- lexicon formats ------------------------------------------------------------------------


def test_muse_parsing(tmp_path):
    path = tmp_path / "de-en.txt"
    path.write_text("haus house\nhaus home\nHund\tdog\n\nkatze cat\n", encoding="utf-8")
    lex = lexicons.load(str(path), "auto", "de", "en")  # tab in line 3 is whitespace for MUSE
    assert lex.get("haus") == ("house", "home")
    assert outputs("Hund", "de", lexicon=str(path), format="muse") == {"Dog"}
    assert outputs("HAUS", "de", lexicon=str(path)) == {"HOUSE", "HOME"}


def test_tsv_parsing_with_comments(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("# my lexicon\nHaus\thouse\n  # indented comment\nHaus\tbuilding\n\nrot\tred\n")
    lex = lexicons.load(str(path), "auto", "de", "en")
    assert lex.get("haus") == ("house", "building")
    assert outputs("rot", "de", lexicon=str(path), format="tsv") == {"red"}


@pytest.mark.parametrize(
    ("name", "text", "fmt", "line"),
    [
        ("bad.txt", "haus house\nkatze\n", "muse", 2),
        ("bad2.txt", "haus house\n\nein zwei drei\n", "muse", 3),
        ("bad.tsv", "# c\nHaus\thouse\nHund dog\n", "tsv", 3),
        ("bad2.tsv", "Haus\thouse\tHaus\n", "tsv", 1),
        ("bad3.tsv", "Haus\t\n", "tsv", 1),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, name, text, fmt, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ResourceError, match=rf"{name}:{line}: malformed"):
        lexicons.load(str(path), fmt, "de", "en")


def test_missing_lexicon_hints():
    with pytest.raises(ResourceError) as err:
        OP.check("yo", {})
    msg = str(err.value)
    assert "no built-in lexicon for yo->en" in msg
    assert "{lexicon: PATH}" in msg and "dict-freedict-yor-eng" in msg
    with pytest.raises(ResourceError, match="not found"):
        OP.check("de", {"lexicon": "/nonexistent/lexicon.tsv"})
    with pytest.raises(ResourceError, match=r"dict-freedict-xho-eng"):
        OP.check("xho", {"lexicon": "freedict"})  # no such dictionary installed anywhere


def test_check_rejects_bad_params():
    with pytest.raises(UsageError, match="multiword"):
        OP.check("de", {"multiword": "glue"})
    with pytest.raises(UsageError, match="own language"):
        OP.check("de", {"target": "de"})
    with pytest.raises(UsageError, match="did you mean 'muse'"):
        OP.check("de", {"format": "mose"})
    OP.check("de", {})  # the built-in lexicon serves German


def test_fingerprint(tmp_path):
    assert OP.fingerprint({}) == ""
    a, b = tmp_path / "a.tsv", tmp_path / "b.tsv"
    a.write_text("Haus\thouse\n")
    b.write_text("Haus\thome\n")
    fa = OP.fingerprint({"lexicon": str(a)})
    assert len(fa) == 12 and fa != OP.fingerprint({"lexicon": str(b)})
    assert fa == OP.fingerprint({"lexicon": str(a), "target": "fr"})
    assert len(OP.fingerprint({"lexicon": "freedict"})) == 12


# --- FreeDict / dictd -----------------------------------------------------------------------


def test_b64_numbers():
    assert lexicons.b64_number("A") == 0
    assert lexicons.b64_number("EY") == 4 * 64 + 24
    assert lexicons.b64_number("vYRe") == ((47 * 64 + 24) * 64 + 17) * 64 + 30


def test_parse_dictd_entry():
    entry = (
        "Haus /hˈaʊs/ <neut, n, sg>\n"
        " [adm.] establishment <n>, institution <n>, house (building) <n>, a/b\n"
        '      "ein Haus bauen"  - build a house\n'
        "   Synonyms: {Einrichtung}\n\n"
        " see: {Häuser}\n"
    )
    head, words = lexicons.parse_dictd_entry(entry)
    assert head == "Haus"
    assert words == ("establishment", "institution", "house")
    # FreeDict quirks: an abbreviation glued to the word, its pronunciation after a comma
    assert lexicons.parse_dictd_entry("Straße\nroad <n>Rd,  /ˌɛɾ/ , alley <n>\n") == (
        "Straße",
        ("road", "alley"),
    )
    assert lexicons.parse_dictd_entry("Schwester (Sr.)\nSisterSr.,  /ˌɛsˈɛɾ/\n") == (
        "Schwester",
        (),
    )
    assert lexicons.parse_dictd_entry("chat /ʃa/ <n>\n1. cat\n2. tomcat\n") == (
        "chat",
        ("cat", "tomcat"),
    )


def _write_dictd(folder: Path, entries: list[tuple[str, str]]) -> Path:
    """A tiny dictd dictionary: gzip'd text and its base-64 index."""
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    def b64(n: int) -> str:
        out = ""
        while True:
            out = digits[n % 64] + out
            n //= 64
            if not n:
                return out

    data, index = b"", []
    for head, text in entries:
        raw = text.encode()
        index.append(f"{head}\t{b64(len(data))}\t{b64(len(raw))}")
        data += raw
    (folder / "freedict-deu-eng.dict.dz").write_bytes(gzip.compress(data))
    path = folder / "freedict-deu-eng.index"
    path.write_text("\n".join(index) + "\n", encoding="utf-8")
    return path


def test_dictd_reader_on_written_files(tmp_path):
    index = _write_dictd(
        tmp_path,
        [
            ("haus", "Haus /hˈaʊs/ <n>\nhouse <n>, home <n>\n\n"),
            ("haus", "Haus… /hˈaʊs/\ndomestic\n\n"),  # a prefix entry: not the word itself
            ("katze", "Katze <n>\ncat <n>, tabby cat <n>\n\n"),
        ],
    )
    assert outputs("Haus", "de", lexicon=str(index)) == {"House", "Home"}
    assert outputs("katze", "de", lexicon=str(index)) == {"cat"}
    assert outputs("katze", "de", lexicon=str(index), format="freedict") == {"cat"}
    assert codeswitch("Hund", "de", rng(), lexicon=str(index)) is None


def test_dictd_malformed_index_line(tmp_path):
    index = _write_dictd(tmp_path, [("haus", "Haus\nhouse\n")])
    index.write_text("haus\tA\tH\nkatze\tA\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"freedict-deu-eng.index:2: malformed"):
        lexicons.load(str(index), "freedict", "de", "en")


@pytest.mark.skipif(
    not FREEDICT_DE.exists(),
    reason=f"{FREEDICT_DE} absent: install the Debian package dict-freedict-deu-eng",
)
def test_freedict_installed_deu_eng():
    lex = lexicons.load("freedict", "auto", "de", "en")
    assert "house" in lex.get("haus")
    assert "cat" in lex.get("katze")
    assert lex.get("und")[0] == "and"
    assert outputs("Katze", "de", lexicon="freedict") <= {
        "Cat",
        "Feline",
        "Tabby",
        "Moggy",
        "Crab",
        "Traveller",
    }
    assert "House" in outputs("Haus", "de", lexicon="freedict")
    OP.check("de", {"lexicon": "freedict"})


# --- properties -----------------------------------------------------------------------------

WORDS = st.text(
    st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")), min_size=1, max_size=12
)
LANGS = st.sampled_from(["de", "fr", "es", "ru", "hi", "ar", "zh", "el", "tr", "vi", "sw"])


@settings(max_examples=300, deadline=None)
@given(WORDS, LANGS, st.integers(0, 2**32 - 1))
def test_property_none_or_one_unit_and_seed_determinism(word, lang, seed):
    out = codeswitch(word, lang, rng(seed))
    assert out is None or (out and not any(c.isspace() for c in out))
    assert out == codeswitch(word, lang, rng(seed))


@settings(max_examples=200, deadline=None)
@given(LANGS, st.data())
def test_property_every_builtin_entry_switches(lang, data):
    lex = lexicons.load("builtin", "auto", lang, "en")
    keys = [k for k in lex.words() if any(" " not in t and t.lower() not in FUNCTION_WORDS_EN
                                          for t in lex.get(k))
            and k not in SOURCE_PRONOUNS.get(lang, ())]
    key = data.draw(st.sampled_from(keys))
    out = codeswitch(key, lang, rng(data.draw(st.integers(0, 1000))), min_chars=1)
    assert out is not None and out.casefold() in {t.casefold() for t in lex.get(key)}


@pytest.mark.parametrize(("word", "lang"), [
    ("nicht", "de"), ("ist", "de"), ("wird", "de"), ("не", "ru"), ("नहीं", "hi"), ("bir", "tr"),
    ("em", "vi"), ("anh", "vi"), ("και", "el"),
])
def test_function_words_and_pronouns_are_never_switched(word, lang):
    """Real code-mixing switches content words; German nicht -> not, Turkish bir -> one and
    Vietnamese em -> sibling are what no bilingual speaker writes."""
    assert all(codeswitch(word, lang, rng(seed), min_chars=1) is None for seed in range(20))


@pytest.mark.parametrize("lang", ["de", "ru", "hi", "tr", "vi", "el"])
def test_switched_words_are_content_words(lang):
    """Every switch the built-in lexicon can make is into an English content word."""
    lex = lexicons.load("builtin", "auto", lang, "en")
    made = {codeswitch(k, lang, rng(1), min_chars=1) for k in lex.words()} - {None}
    assert made and not {w.lower() for w in made} & FUNCTION_WORDS_EN
