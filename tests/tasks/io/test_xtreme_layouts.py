"""XTREME's own file layouts, in their exact bytes: read, corrupted and written back drop-in.

The files are small ones written here in each layout's byte format (XTREME's
``utils_preprocess.py`` output, LASER's Tatoeba files, BUCC 2018, XNLI-1.0, PAWS-X x-final,
CoNLL-U); the sentences are our own. A profile that never fires must give the input tree back
byte for byte; a heavy typo run must keep every file, every line count, every tag and id.
"""

from __future__ import annotations

import json

import pytest

from robustx.cli import main
from robustx.tasks import io as formats
from robustx.tasks.discovery import lang_from_name
from robustx.tasks.sources import load_splits

NONE_PROFILE = "name: none\nversion: 1\nops:\n  - {op: case, rate: 0.0}\n"

XNLI_DEV = ('The cat sat on the mat.\tA cat is sitting.\tentailment\r\n'
            '"He said ""hi"" loudly."\tHe spoke.\tneutral\r\n'
            'Dogs bark at night.\tCats never sleep.\tcontradiction\r\n')
XNLI_TEST = ('Der Hund bellt laut in der Nacht.\tEin Hund ist laut.\r\n'
             'Sie kommt morgen nach Berlin.\tSie bleibt zu Hause.\r\n')
PANX_DEV = "Angela\tB-PER\nMerkel\tI-PER\nbesuchte\tO\nParis\tB-LOC\n\nDas\tO\nist\tO\ngut\tO\n\n"
PANX_TEST = "Angela\nMerkel\nbesuchte\nParis\n\nDas\nist\ngut\n\n"
UDPOS_DEV = "Das\tDET\nHaus\tNOUN\nist\tAUX\ngroß\tADJ\n\nWir\tPRON\nlaufen\tVERB\n"
LASER_DEU = "Ich liebe dich sehr.\nWo ist der Bahnhof bitte?\nDas Wetter ist schön.\n"
LASER_ENG = "I love you very much.\nWhere is the station please?\nThe weather is nice.\n"
BUCC_DE = ("de-000001\tDas Wetter ist heute sehr schön.\n"
           "de-000002\tDer Zug fährt um acht Uhr ab.\n"
           "de-000003\tIch trinke gern Kaffee am Morgen.\n")
BUCC_EN = ("en-000001\tI like drinking coffee in the morning.\n"
           "en-000002\tThe weather is very nice today.\n"
           "en-000003\tA completely unrelated sentence here.\n")
BUCC_GOLD = "de-000001\ten-000002\nde-000003\ten-000001\n"
XNLI10_HEADER = ("language\tgold_label\tsentence1_binary_parse\tsentence2_binary_parse\t"
                 "sentence1_parse\tsentence2_parse\tsentence1\tsentence2\tpromptID\tpairID\t"
                 "genre\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\n")
PAWSX = ("id\tsentence1\tsentence2\tlabel\n"
         "1\tDie Stadt liegt am Fluss.\tAm Fluss liegt die Stadt.\t1\n"
         "2\tEr wurde 1950 geboren.\tEr starb 1950.\t0\n")
CONLLU = ("# sent_id = 1\n"
          "# text = Vamos del centro a casa.\n"
          "1\tVamos\tir\tVERB\t_\t_\t0\troot\t_\t_\n"
          "2-3\tdel\t_\t_\t_\t_\t_\t_\t_\t_\n"
          "2\tde\tde\tADP\t_\t_\t4\tcase\t_\t_\n"
          "3\tel\tel\tDET\t_\t_\t4\tdet\t_\t_\n"
          "4\tcentro\tcentro\tNOUN\t_\t_\t1\tobl\t_\t_\n"
          "5\ta\ta\tADP\t_\t_\t6\tcase\t_\t_\n"
          "6\tcasa\tcasa\tNOUN\t_\t_\t1\tobl\t_\tSpaceAfter=No\n"
          "7\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_\n"
          "\n"
          "# sent_id = 2\n"
          "# text = Llegó tarde.\n"
          "1\tLlegó\tllegar\tVERB\t_\t_\t0\troot\t_\t_\n"
          "2\ttarde\ttarde\tADV\t_\t_\t1\tadvmod\t_\tSpaceAfter=No\n"
          "2.1\t_\t_\t_\t_\t_\t_\t_\t_\t_\n"
          "3\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_\n"
          "\n")


def xnli10() -> str:
    rows = []
    for lang, s1, s2 in (("de", "Der Mann liest ein Buch.", "Ein Mann liest."),
                         ("bg", "Мъжът чете книга.", "Мъж чете."),
                         ("en", 'He said "yes" twice.', "He agreed.")):
        rows.append("\t".join([lang, "entailment", f"( {s1} )", f"( {s2} )", f"(ROOT {s1})",
                               f"(ROOT {s2})", s1, s2, "1", "7", "fiction", "entailment",
                               "entailment", "neutral", "entailment", "entailment"]) + "\n")
    return XNLI10_HEADER + "".join(rows)


TREE = {
    "xnli/dev-en.tsv": XNLI_DEV, "xnli/test-de.tsv": XNLI_TEST,
    "panx/dev-de.tsv": PANX_DEV, "panx/test-de.tsv": PANX_TEST,
    "udpos/dev-de.tsv": UDPOS_DEV,
    "tatoeba/tatoeba.deu-eng.deu": LASER_DEU, "tatoeba/tatoeba.deu-eng.eng": LASER_ENG,
    "bucc2018/de-en.dev.de": BUCC_DE, "bucc2018/de-en.dev.en": BUCC_EN,
    "bucc2018/de-en.dev.gold": BUCC_GOLD,
    "XNLI-1.0/xnli.test.tsv": xnli10(),
    "x-final/de/test_2k.tsv": PAWSX,
    "udpos-src/es_ancora-ud-test.conllu": CONLLU,
}
TASK_OF = {"xnli": "xnli", "panx": "panx", "udpos": "udpos", "tatoeba": "tatoeba",
           "bucc2018": "bucc", "XNLI-1.0": "xnli", "x-final": "pawsx", "udpos-src": "udpos"}
FORMAT_OF = {"xnli/dev-en.tsv": "xtreme-tsv", "xnli/test-de.tsv": "xtreme-tsv",
             "panx/dev-de.tsv": "token-tsv", "panx/test-de.tsv": "token-tsv",
             "udpos/dev-de.tsv": "token-tsv", "tatoeba/tatoeba.deu-eng.deu": "tatoeba",
             "bucc2018/de-en.dev.de": "bucc", "XNLI-1.0/xnli.test.tsv": "tsv",
             "x-final/de/test_2k.tsv": "tsv", "udpos-src/es_ancora-ud-test.conllu": "conllu"}


def write_tree(root, tree=TREE):
    for rel, text in tree.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("utf-8"))
    return root


def tree_bytes(root):
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "manifest.json"}


@pytest.mark.parametrize("rel", sorted(FORMAT_OF))
def test_each_layout_is_recognised(tmp_path, rel):
    write_tree(tmp_path)
    assert formats.format_of(tmp_path / rel) == FORMAT_OF[rel]


@pytest.mark.parametrize("rel", sorted(FORMAT_OF))
def test_reading_then_writing_gives_the_same_bytes(tmp_path, rel):
    """The writer of every layout puts back exactly what the reader took apart."""
    src = write_tree(tmp_path / "in")
    ds, layout = formats.read(src / rel)
    out = tmp_path / "out" / rel
    writer = formats.open_writer(out, formats.format_of(src / rel), ds.features, layout)
    writer.write(ds[:])
    writer.close()
    for path in (src / rel, *formats.companions(src / rel)):
        mine = out.parent / path.name
        assert mine.read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("folder", sorted(TASK_OF))
def test_identity_corruption_gives_the_tree_back_byte_for_byte(tmp_path, capsys, folder):
    src = write_tree(tmp_path / "download")
    profile = tmp_path / "none.yaml"
    profile.write_text(NONE_PROFILE, encoding="utf-8")
    code = main(["corrupt", "--task", TASK_OF[folder], "--profile", str(profile), "--input",
                 str(src / folder), "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert tree_bytes(tmp_path / "o") == tree_bytes(src / folder)


def fields(line: str) -> list[str]:
    return line.rstrip("\r\n").split("\t")


@pytest.mark.parametrize("folder", sorted(TASK_OF))
def test_typo_run_keeps_every_file_line_tag_and_id(tmp_path, capsys, folder):
    src = write_tree(tmp_path / "download")
    code = main(["corrupt", "--task", TASK_OF[folder], "--profile", "typo", "--severity", "5",
                 "--seed", "3", "--input", str(src / folder), "--out", str(tmp_path / "o"),
                 "--quiet"])
    assert code == 0, capsys.readouterr().err
    before, after = tree_bytes(src / folder), tree_bytes(tmp_path / "o")
    assert set(after) == set(before)
    changed = 0
    for rel, old in before.items():
        old_lines = old.decode().split("\n")
        new_lines = after[rel].decode().split("\n")
        assert len(new_lines) == len(old_lines), rel
        for a, b in zip(old_lines, new_lines, strict=True):
            changed += a != b
            fa, fb = fields(a), fields(b)
            assert len(fa) == len(fb) and a.endswith("\r") == b.endswith("\r"), (a, b)
            if rel.endswith(".gold"):
                assert a == b
            elif folder == "bucc2018" or (rel.endswith(".conllu") and not a.startswith("#")):
                assert fa[0] == fb[0] and fa[2:] == fb[2:]  # ids and the analysis stay
            elif folder in ("panx", "udpos") and len(fa) > 1:
                assert fa[1:] == fb[1:]  # tags stay
            elif (rel.endswith("dev-en.tsv") or "XNLI" in rel or "x-final" in rel) and a \
                    and not a.startswith(("language", "id\t")):
                label_cols = [1, 8, 9, 10, 11, 12, 13, 14, 15] if "XNLI" in rel else (
                    [0, 3] if "x-final" in rel else [2])
                assert [fa[i] for i in label_cols] == [fb[i] for i in label_cols]
    assert changed, "severity 5 should change something"


def test_conllu_reads_fused_forms_as_xtreme_does(tmp_path):
    """``del`` (de + el) is one token with the UPOS of the span's head (both depend on
    ``centro``, equally deep: Spanish precedence puts ADP before DET); the empty node 2.1 is
    not a word."""
    src = write_tree(tmp_path)
    (split,) = load_splits("udpos", data=src / "udpos-src")
    assert split.lang == "es"
    assert split.dataset["tokens"] == [["Vamos", "del", "centro", "a", "casa", "."],
                                       ["Llegó", "tarde", "."]]
    assert split.dataset["pos_tags"] == [["VERB", "ADP", "NOUN", "ADP", "NOUN", "PUNCT"],
                                         ["VERB", "ADV", "PUNCT"]]


def test_conllu_noisy_fused_form_goes_on_the_multiword_line_and_text_follows(tmp_path, capsys):
    src = write_tree(tmp_path / "in")
    code = main(["corrupt", "--task", "udpos", "--profile", "typo", "--severity", "5",
                 "--seed", "1", "--input", str(src / "udpos-src"), "--out", str(tmp_path / "o"),
                 "--quiet"])
    assert code == 0, capsys.readouterr().err
    out = (tmp_path / "o" / "es_ancora-ud-test.conllu").read_text(encoding="utf-8")
    (split,) = load_splits("udpos", data=tmp_path / "o")
    toks = split.dataset["tokens"][0]
    text = next(line for line in out.splitlines() if line.startswith("# text ="))
    assert text == "# text = " + " ".join(toks[:5]) + "."  # casa has SpaceAfter=No
    mwt = next(line for line in out.splitlines() if line.startswith("2-3\t"))
    assert fields(mwt)[1] == toks[1]
    assert "2\tde\tde\tADP" in out and "3\tel\tel\tDET" in out  # the analysis stays


def test_xnli10_keeps_the_language_column_and_the_parse_columns(tmp_path):
    src = write_tree(tmp_path)
    (split,) = load_splits("xnli", data=src / "XNLI-1.0")
    assert split.lang == "mixed" and split.fields["sentence1"] == "sentence1"
    assert split.fields["label"] == "gold_label"


def test_headerless_pairs_have_the_xnli_columns_and_unlabeled_test_files(tmp_path):
    src = write_tree(tmp_path)
    dev, test = load_splits("xnli", data=src / "xnli")
    assert dev.dataset[1] == {"sentence1": 'He said "hi" loudly.', "sentence2": "He spoke.",
                              "label": "neutral"}
    assert (dev.lang, test.lang) == ("en", "de") and "label" not in test.dataset.column_names


def test_bucc_rows_follow_the_source_file_then_unpaired_targets(tmp_path):
    ds, _ = formats.read(write_tree(tmp_path) / "bucc2018/de-en.dev.de")
    assert ds["source_id"] == ["de-000001", "de-000002", "de-000003", None]
    assert ds["target_id"] == ["en-000002", None, "en-000001", "en-000003"]
    assert ds["target_sentence"][0] == "The weather is very nice today."


def test_xtreme_tatoeba_is_unaligned_laser_tatoeba_is_aligned(tmp_path):
    root = write_tree(tmp_path, {"t/de-en.de": LASER_DEU, "t/de-en.en": LASER_ENG,
                                 "t/tatoeba.deu-eng.deu": LASER_DEU,
                                 "t/tatoeba.deu-eng.eng": LASER_ENG})
    xt, _ = formats.read(root / "t/de-en.de")
    laser, _ = formats.read(root / "t/tatoeba.deu-eng.deu")
    assert laser["target_sentence"][0] == "I love you very much."
    assert xt["target_sentence"][:3] == [None] * 3 and xt["source_sentence"][3:] == [None] * 3


def test_a_missing_english_side_is_named(tmp_path):
    from robustx.errors import InputError

    root = write_tree(tmp_path, {"t/tatoeba.deu-eng.deu": LASER_DEU})
    with pytest.raises(InputError, match=r"tatoeba\.deu-eng\.eng: missing"):
        formats.read(root / "t/tatoeba.deu-eng.deu")


@pytest.mark.parametrize(("name", "task", "lang"), [
    ("tatoeba.deu-eng.deu", "tatoeba", "de"), ("tatoeba.cmn-eng.cmn", "tatoeba", "zh"),
    ("de-en.test.de", "bucc", "de"), ("test-de.tsv", "xnli", "de"),
    ("udpos.German.jsonl", "udpos", "de"), ("tydiqa-goldp-dev-arabic.json", "tydiqa", "ar"),
    ("xquad.ro.json", "xquad", "ro"), ("test-context-de-question-en.json", "mlqa", "de"),
    ("data.jsonl", "xnli", None),
])
def test_language_from_the_file_name(tmp_path, name, task, lang):
    from robustx.tasks import get_task

    assert lang_from_name(tmp_path / name, get_task(task)) == lang


def write_squad(path, question="Wer?"):
    qa = {"id": "q1", "question": question, "answers": [{"answer_start": 0, "text": "Anna"}]}
    doc = {"version": "1.0", "data": [{"title": "t", "paragraphs": [
        {"context": "Anna wohnt in Berlin.", "qas": [qa]}]}]}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_a_language_outside_the_task_list_is_read_from_local_files(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    write_squad(tmp_path / "in" / "xquad.ro.json")
    profile = tmp_path / "case.yaml"  # an op that serves every cased script
    profile.write_text("name: case\nversion: 1\nops:\n  - {op: case, rate: 0.5}\n")
    code = main(["corrupt", "--task", "xquad", "--lang", "ro", "--profile", str(profile), "--input",
                 str(tmp_path / "in"), "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["files"][0]["lang"] == "ro"


def test_lang_filters_files_before_they_are_read(tmp_path, capsys):
    """A broken file for a language not asked for does not sink the folder."""
    src = tmp_path / "in"
    src.mkdir()
    write_squad(src / "xquad.de.json")
    write_squad(src / "xquad.en.json")
    (src / "xquad.ro.json").write_text("{not json", encoding="utf-8")
    code = main(["corrupt", "--task", "xquad", "--lang", "de,en", "--profile", "typo",
                 "--input", str(src), "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "manifest.json", "xquad.de.json", "xquad.en.json"]


def test_three_letter_codes_and_names_in_language_columns_and_lang(tmp_path):
    rows = [{"source_sentence": "Ich bin hier.", "target_sentence": "I am here.",
             "source_lang": "deu", "target_lang": "eng"}]
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (split,) = load_splits("tatoeba", ["deu"], data=tmp_path / "rows.jsonl")
    assert split.lang == "de"


def test_tydiqa_ids_tell_each_rows_language(tmp_path, capsys):
    """TyDiQA-GoldP's training file holds every language; only the id prefix says which."""
    qa = {"question": "?", "answers": [{"answer_start": 0, "text": "X"}]}
    doc = {"version": "v1.1", "data": [
        {"paragraphs": [{"context": "X ist hier.", "qas": [dict(qa, id="arabic-1-1")]}]},
        {"paragraphs": [{"context": "X on täällä.", "qas": [dict(qa, id="finnish-2-1")]}]}]}
    src = tmp_path / "in"
    src.mkdir()
    (src / "tydiqa-goldp-v1.1-train.json").write_text(json.dumps(doc), encoding="utf-8")
    (split,) = load_splits("tydiqa", data=src)
    assert split.lang == "mixed"
    (only_fi,) = load_splits("tydiqa", ["fi"], data=src)
    assert only_fi.dataset["id"] == ["finnish-2-1"]


def test_mlqa_question_language_comes_from_the_name(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write_squad(src / "test-context-de-question-en.json", question="Who?")
    (split,) = load_splits("mlqa", data=src)
    assert (split.lang, split.side_langs) == ("de", {"question": "en"})


def test_a_many_language_file_is_scored_per_language(tmp_path, capsys, tiny_checkpoints):
    src = write_tree(tmp_path / "download")
    code = main(["evaluate", str(tiny_checkpoints["pair"]), "--task", "xnli", "--data",
                 str(src / "XNLI-1.0"), "--out", str(tmp_path / "scores.json"), "--quiet",
                 "--device", "cpu"])
    assert code == 0, capsys.readouterr().err
    doc = json.loads((tmp_path / "scores.json").read_text())
    assert sorted(doc["results"]) == ["bg", "de", "en"]


@pytest.mark.parametrize(("folder", "task", "family"), [
    ("panx", "panx", "tagging"), ("udpos-src", "udpos", "tagging"), ("x-final", "pawsx", "pair"),
])
def test_labelled_layouts_evaluate(tmp_path, capsys, tiny_checkpoints, folder, task, family):
    from robustx.tasks import get_task
    from tests.fixtures.tiny_models import build

    ckpt = tiny_checkpoints[family]
    if task != "panx":
        ckpt = build(family, tmp_path / "ckpt", labels=list(get_task(task).labels))
    src = write_tree(tmp_path / "download")
    data = src / folder
    if folder == "panx":
        (data / "test-de.tsv").unlink()  # unlabeled: scored by the predictions path instead
    code = main(["evaluate", str(ckpt), "--task", task, "--data", str(data),
                 "--out", str(tmp_path / "scores.json"), "--quiet", "--device", "cpu"])
    assert code == 0, capsys.readouterr().err
    doc = json.loads((tmp_path / "scores.json").read_text())
    assert list(doc["results"]) == ["es" if task == "udpos" else "de"]


def test_the_hubs_panx_langs_column_names_the_language(tmp_path):
    rows = [{"tokens": ["Paris", "ist", "schön"], "ner_tags": [5, 0, 0],
             "langs": ["de", "de", "de"]}]
    (tmp_path / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (split,) = load_splits("panx", data=tmp_path / "train.jsonl")
    assert split.lang == "de"


def test_mlqa_question_is_typed_on_its_own_languages_keyboard(tmp_path, capsys):
    """A Russian question in a German-context file gets Russian keyboard typos: on the German
    layout every Cyrillic letter would have no key (counted as unavailable)."""
    src = tmp_path / "in"
    src.mkdir()
    write_squad(src / "test-context-de-question-ru.json",
                question="Где живёт Анна сейчас вместе со своей большой семьёй?")
    code = main(["corrupt", "--task", "mlqa", "--profile", "typo", "--severity", "5", "--seed",
                 "2", "--input", str(src), "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 0, capsys.readouterr().err
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["intensity"]["de"]["unavailable"]["0:kbd"] == 0
    doc = json.loads((tmp_path / "o" / "test-context-de-question-ru.json").read_text())
    question = doc["data"][0]["paragraphs"][0]["qas"][0]["question"]
    assert question != "Где живёт Анна сейчас вместе со своей большой семьёй?"
    assert all(not ("a" <= c.lower() <= "z") for c in question)  # no Latin keys
