"""The built-in sample: schema, label/tag/answer invariants, script coverage, reproducibility.

Files are read with plain ``json`` so these tests do not depend on the robustx loaders.
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "robustx" / "tasks" / "sample"
SCRIPT = ROOT / "scripts" / "build_sample.py"

LANGS = {
    "xnli": "en de vi ru el ar hi th zh",
    "pawsx": "en ko",
    "panx": "en de vi ru el ar hi th zh ko",
    "udpos": "en de ru el ar hi zh ko th vi",
    "xquad": "en de vi ru el ar hi th zh",
    "mlqa": "ar de hi zh en",
    "tatoeba": "de vi ru el ar hi th zh ko",
    "bucc": "de ru zh",
}
COLUMNS = {
    "xnli": ["language", "sentence1", "sentence2", "gold_label"],
    "pawsx": ["sentence1", "sentence2", "label"],
    "panx": ["tokens", "ner_tags", "langs"],
    "udpos": ["tokens", "pos_tags"],
    "xquad": ["id", "context", "question", "answers"],
    "mlqa": ["id", "context", "question", "answers"],
    "tatoeba": ["source_sentence", "target_sentence", "source_lang", "target_lang"],
    "bucc": ["source_sentence", "target_sentence", "source_lang", "target_lang"],
}
TEXT_FIELDS = {
    "xnli": ["sentence1", "sentence2"], "pawsx": ["sentence1", "sentence2"],
    "panx": ["tokens"], "udpos": ["tokens"], "xquad": ["context", "question"],
    "mlqa": ["context", "question"], "tatoeba": ["source_sentence"], "bucc": ["source_sentence"],
}
# Unicode character-name prefix of the letters each language is written in.
SCRIPT_OF = {
    "en": "LATIN", "de": "LATIN", "vi": "LATIN", "ru": "CYRILLIC", "el": "GREEK",
    "ar": "ARABIC", "hi": "DEVANAGARI", "th": "THAI", "zh": "CJK UNIFIED IDEOGRAPH",
    "ko": "HANGUL",
}
TATOEBA_CODE = {"de": "deu", "vi": "vie", "ru": "rus", "el": "ell", "ar": "ara", "hi": "hin",
                "th": "tha", "zh": "cmn", "ko": "kor"}
N_ROWS = {"xnli": 6, "pawsx": 4, "panx": 5, "udpos": 3, "xquad": 3, "mlqa": 2, "tatoeba": 8,
          "bucc": 6}
NER = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
UPOS = [
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X",
]

CASES = [(task, lang) for task, langs in LANGS.items() for lang in langs.split()]


def read(task: str, lang: str) -> list[dict]:
    path = SAMPLE / task / f"{lang}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def texts(task: str, rows: list[dict]) -> list[str]:
    out = []
    for row in rows:
        for f in TEXT_FIELDS[task]:
            out += row[f] if isinstance(row[f], list) else [row[f]]
    return out


def script_share(text: str, prefix: str) -> float:
    letters = [c for c in text if unicodedata.category(c).startswith("L")]
    return sum(unicodedata.name(c, "").startswith(prefix) for c in letters) / len(letters)


def load_script():
    spec = importlib.util.spec_from_file_location("build_sample", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------- layout


def test_exactly_the_expected_files_ship():
    shipped = {p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*.jsonl")}
    assert shipped == {f"{t}/{lang}.jsonl" for t, lang in CASES}
    assert (SAMPLE / "README.md").is_file()


@pytest.mark.parametrize(("task", "lang"), CASES)
def test_columns_in_hub_order_and_row_count(task, lang):
    raw = (SAMPLE / task / f"{lang}.jsonl").read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    text = raw.decode("utf-8")
    assert "\\u" not in text  # written with ensure_ascii=False
    rows = read(task, lang)
    assert len(rows) == N_ROWS[task]
    for row in rows:
        assert list(row) == COLUMNS[task]


@pytest.mark.parametrize(("task", "lang"), CASES)
def test_text_is_in_the_languages_script(task, lang):
    joined = " ".join(texts(task, read(task, lang)))
    assert script_share(joined, SCRIPT_OF[lang]) >= 0.9


def test_diacritics_and_unspaced_scripts_are_exercised():
    de = " ".join(texts("xnli", read("xnli", "de")))
    assert set("äöüß") <= set(de + " ".join(texts("panx", read("panx", "de"))))
    vi = " ".join(texts("xnli", read("xnli", "vi")))
    assert {"ơ", "ư", "đ", "ạ"} <= set(vi)
    for lang in ("zh", "th"):
        sentences = texts("xnli", read("xnli", lang))
        chunks = sum(len(s.split()) for s in sentences)
        assert sum(map(len, sentences)) / chunks > 12  # words are not space-separated
    assert all(" " not in s for s in texts("xnli", read("xnli", "zh")))


# ---------------------------------------------------------------------------------- pair


@pytest.mark.parametrize("lang", LANGS["xnli"].split())
def test_xnli_labels(lang):
    rows = read("xnli", lang)
    assert {r["gold_label"] for r in rows} == {"entailment", "neutral", "contradiction"}
    assert all(r["language"] == lang for r in rows)
    assert all(r["sentence1"] != r["sentence2"] for r in rows)


def test_xnli_labels_are_parallel_across_languages():
    reference = [r["gold_label"] for r in read("xnli", "en")]
    for lang in LANGS["xnli"].split():
        assert [r["gold_label"] for r in read("xnli", lang)] == reference


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_pawsx_labels_and_scrambles(lang):
    rows = read("pawsx", lang)
    assert {r["label"] for r in rows} == {"0", "1"}
    for r in rows:
        if r["label"] == "0":  # PAWS negatives reuse the same words in a different order
            assert len(set(r["sentence1"].split()) ^ set(r["sentence2"].split())) <= 4
            assert r["sentence1"] != r["sentence2"]


# ---------------------------------------------------------------------------------- tagging


@pytest.mark.parametrize("lang", LANGS["panx"].split())
def test_panx_tags(lang):
    kinds, multi, punct = set(), False, False
    for row in read("panx", lang):
        tokens, tags = row["tokens"], row["ner_tags"]
        assert len(tags) == len(tokens) == len(row["langs"])
        assert row["langs"] == [lang] * len(tokens)
        assert all(isinstance(t, int) and 0 <= t < len(NER) for t in tags)
        assert all(t and not any(c.isspace() for c in t) for t in tokens)
        for prev, tag in zip(["O", *map(NER.__getitem__, tags)], map(NER.__getitem__, tags),
                             strict=False):
            if tag.startswith("I-"):
                assert prev[2:] == tag[2:], (lang, tokens)
            if tag.startswith("B-"):
                kinds.add(tag[2:])
            multi |= tag.startswith("I-")
        punct |= any(unicodedata.category(t[0]).startswith("P") for t in tokens)
    assert kinds == {"PER", "ORG", "LOC"}
    assert multi and punct


@pytest.mark.parametrize("lang", ["zh", "th"])
def test_panx_unspaced_languages_use_character_tokens(lang):
    for row in read("panx", lang):
        for token in row["tokens"]:
            base = [c for c in token if unicodedata.category(c) not in ("Mn", "Mc")]
            assert len(base) == 1, token  # one character plus its combining marks


def test_panx_expected_rows():
    assert read("panx", "en")[0] == {
        "tokens": ["Maria", "Lopez", "works", "for", "Northwind", "Shipping", "in", "Rotterdam",
                   "."],
        "ner_tags": [1, 2, 0, 0, 3, 4, 0, 5, 0],
        "langs": ["en"] * 9,
    }
    zh = read("panx", "zh")[0]
    assert zh["tokens"] == list("王小明在北京大学学习。")
    assert zh["ner_tags"] == [1, 2, 2, 0, 3, 4, 4, 4, 0, 0, 0]


@pytest.mark.parametrize("lang", LANGS["udpos"].split())
def test_udpos_tags(lang):
    seen = set()
    for row in read("udpos", lang):
        assert len(row["pos_tags"]) == len(row["tokens"])
        assert all(isinstance(t, int) and 0 <= t < len(UPOS) for t in row["pos_tags"])
        assert all(t and t == t.strip() for t in row["tokens"])
        seen |= {UPOS[t] for t in row["pos_tags"]}
    assert {"NOUN", "VERB"} <= seen


def test_udpos_expected_rows():
    row = read("udpos", "en")[1]
    assert row["tokens"] == ["She", "has", "lived", "in", "Berlin", "since", "2019", "."]
    assert [UPOS[t] for t in row["pos_tags"]] == [
        "PRON", "AUX", "VERB", "ADP", "PROPN", "ADP", "NUM", "PUNCT"]
    assert read("udpos", "vi")[0]["tokens"][3] == "tiếng Anh"  # UD Vietnamese words hold spaces


# ---------------------------------------------------------------------------------- QA


@pytest.mark.parametrize(("task", "lang"), [c for c in CASES if c[0] in ("xquad", "mlqa")])
def test_qa_answers_are_exact_substrings(task, lang):
    rows = read(task, lang)
    assert [r["id"] for r in rows] == [f"{lang}-{n}" for n in range(1, len(rows) + 1)]
    for r in rows:
        (start,), (text,) = r["answers"]["answer_start"], r["answers"]["text"]
        assert isinstance(start, int)
        assert r["context"][start:start + len(text)] == text
        assert r["context"].count(text) == 1


@pytest.mark.parametrize("lang", LANGS["xquad"].split())
def test_xquad_covers_long_context_number_name_and_edge_answer(lang):
    rows = read("xquad", lang)
    context = rows[0]["context"]
    assert len(context) >= (200 if lang == "zh" else 600)
    answers = [(r["answers"]["answer_start"][0], r["answers"]["text"][0]) for r in rows]
    assert any(any(c.isdigit() for c in text) for _, text in answers)
    assert any(start == 0 for start, _ in answers)
    assert sum(context.count(p) for p in ".。।") >= 3 or lang == "th"


def test_qa_expected_offsets():
    en = read("xquad", "en")
    assert en[0]["answers"] == {"answer_start": [116], "text": ["Clara Holm"]}
    assert en[2]["answers"] == {"answer_start": [0], "text": ["The lighthouse of Varnes"]}


# ---------------------------------------------------------------------------------- retrieval


@pytest.mark.parametrize("lang", LANGS["tatoeba"].split())
def test_tatoeba_pairs(lang):
    rows = read("tatoeba", lang)
    assert {(r["source_lang"], r["target_lang"]) for r in rows} == {(TATOEBA_CODE[lang], "eng")}
    english = [r["target_sentence"] for r in rows]
    assert english == [r["target_sentence"] for r in read("tatoeba", "de")]
    assert script_share(" ".join(english), "LATIN") == 1.0
    assert len(set(r["source_sentence"] for r in rows)) == len(rows)


@pytest.mark.parametrize("lang", LANGS["bucc"].split())
def test_bucc_pairs(lang):
    rows = read("bucc", lang)
    assert {(r["source_lang"], r["target_lang"]) for r in rows} == {(lang, "en")}
    assert script_share(" ".join(r["target_sentence"] for r in rows), "LATIN") == 1.0
    assert len(set(r["target_sentence"] for r in rows)) == len(rows)


# ---------------------------------------------------------------------------------- script


def test_build_script_reproduces_the_shipped_files(tmp_path):
    module = load_script()
    assert module.main(["--out", str(tmp_path)]) == 0
    built = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.jsonl"))
    assert built == sorted(f"{t}/{lang}.jsonl" for t, lang in CASES)
    for rel in built:
        assert (tmp_path / rel).read_bytes() == (SAMPLE / rel).read_bytes(), rel


def test_build_script_fails_loudly_on_bad_data(monkeypatch):
    module = load_script()
    context, _ = module.XQUAD["en"]
    monkeypatch.setitem(module.XQUAD, "en", (context, [("Who?", "Clara Holmes")]))
    with pytest.raises(module.SampleError, match="exactly once"):
        module.build()
    with pytest.raises(module.SampleError, match="unknown UPOS"):
        module.parse_pos("The/DET cat/NOUNN")
    with pytest.raises(module.SampleError, match="unbalanced"):
        module.parse_ner("[PER Anna works", by_char=False)


def test_parse_ner_expected():
    module = load_script()
    assert module.parse_ner("[ORG A B C] x [LOC y]", by_char=False) == (
        ["A", "B", "C", "x", "y"], [3, 4, 4, 0, 5])
    assert module.split_chars("กี่ โมง") == ["กี่", "โ", "ม", "ง"]


@given(st.text())
def test_split_chars_keeps_every_non_space_character(text):
    module = SPLIT_MODULE
    tokens = module.split_chars(text)
    assert "".join(tokens) == "".join(c for c in text if not c.isspace())
    assert all(t and not t[0].isspace() for t in tokens)


@given(st.text(alphabet=st.characters(blacklist_characters="[]"), max_size=40))
def test_parse_ner_without_markup_is_all_outside(text):
    tokens, tags = SPLIT_MODULE.parse_ner(text, by_char=False)
    assert tokens == text.split()
    assert tags == [0] * len(tokens)


SPLIT_MODULE = load_script()
