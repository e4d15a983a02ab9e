"""Realism measures: edit types, cluster re-check, repertoire, function words, real pairs."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from robustx.noise import realism
from robustx.noise.profiles import load_profile, parse_profile
from tests.fixtures.scripts import load_script

S, INS, D, T = realism.EDIT_KINDS


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("hello", "hello", []),
    ("hello", "jello", [(S, "h", "j")]),
    ("hello", "helo", [(D, "l", "")]),
    ("hello", "helllo", [(INS, "", "l")]),
    ("hello", "hlelo", [(T, "el", "le")]),
    ("receive", "recieve", [(T, "ei", "ie")]),
    ("separate", "seperate", [(S, "a", "e")]),
    ("ca", "abc", [(INS, "", "a"), (S, "c", "b"), (S, "a", "c")]),  # OSA: no edit of an edit
    ("abcd", "bacd", [(T, "ab", "ba")]),
    ("abcd", "acbx", [(T, "bc", "cb"), (S, "d", "x")]),
    ("", "ab", [(INS, "", "a"), (INS, "", "b")]),
    ("mein", "", [(D, "m", ""), (D, "e", ""), (D, "i", ""), (D, "n", "")]),
])
def test_osa_edit_types(old, new, expected):
    assert realism.osa_ops(old, new) == expected


def test_hangul_aligned_on_keystrokes_and_keyboard_neighbours():
    t = realism.Tally()
    t.add_edits("한국어", "한욱어", "ko")  # ㄱ -> ㅇ: r -> d on Dubeolsik, one substitution
    assert t.edits == {S: 1} and (t.kbd, t.kbd_known) == (1, 1)
    t.add_edits("hello", "hwllo", "en")  # e -> w: neighbours on QWERTY
    t.add_edits("hello", "hpllo", "en")  # e -> p: far apart
    assert (t.kbd, t.kbd_known) == (2, 3)
    t.add_edits("中国", "钟国", "zh")  # typed with an input method: no keyboard to judge
    assert t.kbd_known == 3
    t.add_edits("hello", "xyzab", "en")  # 5 edits: a rewrite, not a typo
    assert t.edited == 4


@pytest.mark.parametrize(("text", "faults"), [
    ("की", 0), ("कीि", 1), ("मेों", 1), ("क्या", 0), ("हिन्दी", 0),
    ("ที่", 0), ("ท่่", 1), ("ทีี", 1), ("ครั้ง", 0),
    ("أحبّ", 0), ("أحبّّ", 1), ("بَِ", 1),
    (" ि", 1), ("\u0301abc", 1), ("café", 0), ("cafe\u0301\u0301", 1),
    ("hello world", 0), ("한국어", 0),
])
def test_cluster_faults(text, faults):
    assert realism.cluster_faults(text) == faults


@pytest.mark.parametrize(("ch", "lang", "out"), [
    ("a", "en", False), ("ä", "de", False), ("7", "hi", False), ("?", "zh", False),
    ("a", "hi", True), ("а", "en", True),  # Cyrillic a in English: a homoglyph
    ("क", "hi", False), ("ॆ", "hi", True),  # on the InScript keyboard, not in Hindi text
    ("\u0301", "de", False), ("\u0301", "hi", True),
    ("\u200c", "fa", False), ("\u200c", "en", True),
    ("ก", "th", False), ("中", "zh", False), ("の", "ja", False), ("한", "ko", False),
    ("x", "qq", None),
])
def test_outside_repertoire(ch, lang, out):
    assert realism.outside(ch, lang) is out


def test_word_pairs_tokens_text_and_spaceless():
    assert list(realism.word_pairs("Das Haus, bitte.", "Das Hsus, bitte.", "de")) == \
        [("Haus", "Hsus")]
    assert list(realism.word_pairs(["a", "bb", "c"], ["a", "bx", "c"], "en")) == [("bb", "bx")]
    # a word split in two: aligned by a word diff, only one-for-one replacements count
    assert list(realism.word_pairs("one two three", "one tw o thrse", "en")) == []
    assert list(realism.word_pairs("我爱中国。", "我爱钟国。", "zh")) == [("中", "钟")]


def test_changed_chars():
    assert realism.changed_chars("hello", "hwllo") == "w"
    assert realism.changed_chars("hello", "helo") == ""
    assert realism.changed_chars("дом", "dom") == "dom"


def test_function_words_from_codeswitch_lists():
    doc = {"name": "cs", "version": 1,
           "ops": [{"op": "codeswitch", "rate": 1.0, "params": {"lexicon": "builtin"}}]}
    sw = realism.Switches(parse_profile(doc, "cs.yaml"))
    assert sw.judge("Haus", "House", "de") == (True, False)
    assert sw.judge("Haus", "Hsus", "de") == (False, False)  # a typo, not a switch
    assert realism.Switches(load_profile("typo")).steps == []


def test_measure_real_pairs_and_markdown(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("# clean<TAB>noisy\nI receive it\tI recieve it\nThe world\tThe wolrd\n"
                    "a hello b\ta jello b\n", encoding="utf-8")
    tally = realism.measure_real(realism.read_real_pairs(path), "en")
    row = tally.row()
    assert row["changed_words"] == 3 and row[T] == pytest.approx(2 / 3, abs=1e-4)
    assert row[S] == pytest.approx(1 / 3, abs=1e-4) and row["kbd_neighbour"] == 1.0  # h -> j
    table = realism.markdown([{"lang": "en", "profile": "real", **row}])
    assert table.splitlines()[2].startswith("| en | real | 3 | 0.0% | 0.0% | – | 0.0% | 33% |")


def test_real_pairs_must_have_two_columns(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("only one column\n", encoding="utf-8")
    with pytest.raises(realism.InputError, match=":1: want 'clean<TAB>noisy'"):
        realism.read_real_pairs(path)


def test_typo_on_the_sample_is_well_formed_and_in_repertoire():
    rows = realism.report([load_profile("typo").at(5)], 7, langs=["hi", "th", "ar"])
    assert {r["lang"] for r in rows} == {"hi", "th", "ar"}
    for r in rows:
        assert r["changed_words"] > 20
        assert r["malformed"] == 0 and r["cluster_faults"] == 0 and r["outside_repertoire"] == 0
        assert r["kbd_neighbour"] > 0.5  # kbd is the most frequent op of the profile
        assert sum(r[k] for k in realism.EDIT_KINDS) == pytest.approx(1, abs=1e-3)


def test_benchmark_script_table_json_and_bad_input(tmp_path, capsys):
    script = load_script("benchmarks/realism.py")
    pairs = tmp_path / "real.tsv"
    pairs.write_text("the world\tthe wrold\n", encoding="utf-8")
    out = tmp_path / "rows.json"
    assert script.main(["--profile", "typo", "--lang", "de", "--real", str(pairs),
                        "--real-lang", "en", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| de | typo |" in printed and "| en | real: real.tsv | 1 |" in printed
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["profile"] for r in rows] == ["typo", "real: real.tsv"]
    assert script.main(["--real", str(tmp_path / "missing.tsv"), "--real-lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("realism: error: cannot read real pairs") and err.count("\n") == 1
    assert script.main(["--real", str(pairs)]) == 2


@settings(max_examples=300, deadline=None)
@given(st.text("abcde", max_size=8), st.text("abcde", max_size=8))
def test_property_osa_alignment_is_optimal_and_consistent(a, b):
    ops = realism.osa_ops(a, b)
    assert len(ops) == OSA.distance(a, b)  # as many edits as the optimal string alignment
    kinds = Counter(k for k, _, _ in ops)
    assert len(a) - kinds[D] + kinds[INS] == len(b)
    assert all(x != y for _, x, y in ops)


def test_benchmark_script_reads_input_files(tmp_path, capsys):
    script = load_script("benchmarks/realism.py")
    (tmp_path / "de.jsonl").write_text(json.dumps({
        "sentence1": "Ich gehe heute nach Hause und koche etwas Gutes für meine Familie.",
        "sentence2": "Er kommt morgen mit dem Zug aus Berlin.", "gold_label": "neutral"}) + "\n",
        encoding="utf-8")
    assert script.main(["--profile", "typo", "--input", str(tmp_path), "--seed", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[2].startswith("| de | typo | ")
