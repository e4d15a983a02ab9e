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

# One sentence a language, written for these tests, with the numbers news text has: years,
# counts, decimals with a comma, percentages, native digits (Devanagari, Arabic-Indic, Persian,
# Bengali, Thai) and numbers glued to a counter or unit in scripts without spaces.
SENTENCES = {
    "en": "In 1870 the city had 24 schools, and 32,9 % of adults could read by 1900.",
    "de": "Im Jahr 1870 hatte die Stadt 24 Schulen, und 32,9 % der Erwachsenen konnten lesen.",
    "fr": "En 1870, la ville comptait 24 écoles et 32,9 % des adultes savaient lire.",
    "es": "En 1870 la ciudad tenía 24 escuelas y el 32,9 % de los adultos sabía leer.",
    "tr": "1870 yılında şehirde 24 okul vardı ve yetişkinlerin yüzde 32,9'u okuyabiliyordu.",
    "vi": "Năm 1870 thành phố có 24 trường học và 32,9 % người lớn biết đọc.",
    "ru": "В 1870 году в городе было 24 школы, и 32,9 % взрослых умели читать.",
    "el": "Το 1870 η πόλη είχε 24 σχολεία και το 32,9 % των ενηλίκων ήξερε να διαβάζει.",
    "ar": "في عام 1870 كان في المدينة ٢٤ مدرسة وكان 32,9 % من البالغين يقرؤون.",
    "fa": "در سال ۱۸۷۰ شهر ۲۴ مدرسه داشت و ۳۲٫۹ درصد بزرگسالان می‌توانستند بخوانند.",
    "ur": "1870 میں شہر میں 24 اسکول تھے اور 32,9 % بالغ پڑھ سکتے تھے۔",
    "he": "בשנת 1870 היו בעיר 24 בתי ספר, ו־32,9 % מהמבוגרים ידעו לקרוא.",
    "hi": "सन 1870 में शहर में २४ स्कूल थे और 32,9 % वयस्क पढ़ सकते थे।",
    "bn": "১৮৭০ সালে শহরে 24টি বিদ্যালয় ছিল এবং 32,9 % প্রাপ্তবয়স্ক পড়তে পারত।",
    "ta": "1870 ஆம் ஆண்டில் நகரத்தில் 24 பள்ளிகள் இருந்தன.",
    "te": "1870 లో నగరంలో 24 పాఠశాలలు ఉండేవి.",
    "ka": "1870 წელს ქალაქში 24 სკოლა იყო.",
    "th": "ในปี ๒๔๑๓ เมืองนี้มีโรงเรียน 24 แห่ง และผู้ใหญ่ 32,9 % อ่านหนังสือได้",
    "ko": "1870년에 도시에는 학교가 24개 있었고 성인의 32,9 %가 글을 읽을 수 있었다.",
    "ja": "1870年に町には学校が24校あり、大人の32.9%が字を読めた。",
    "zh": "1870年该市有24所学校，32.9%的成年人识字。",
}
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
