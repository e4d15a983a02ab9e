"""The real_typo op: a user's lexicon of real misspellings, drawn by count, in the signature."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robustx.cli import main
from robustx.errors import ResourceError
from robustx.noise import realtypo
from robustx.noise.base import load_all_ops
from robustx.noise.profiles import parse_profile
from robustx.noise.signature import signature

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "misspellings-en.tsv"
OP = load_all_ops().get("real_typo")


def lexicon(tmp_path: Path, text: str, name: str = "lex.tsv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(word: str, path: str, lang: str = "en", seed: int = 1, **params):
    return OP(word, lang, np.random.default_rng(seed), path=path, **params)


@pytest.mark.parametrize(("word", "expected"), [
    ("separate", "seperate"),  # one misspelling: always it
    ("Separate", "Seperate"),  # Title case kept
    ("SEPARATE", "SEPERATE"),  # UPPER kept
    ("weird", "wierd"),
    ("Wierd", None),  # a misspelling is not a correct word
    ("the", None),  # not in the lexicon
])
def test_expected_outputs_on_the_shipped_example(word, expected):
    assert run(word, str(EXAMPLE)) == expected


def test_draws_by_count(tmp_path):
    path = lexicon(tmp_path, "receive\trecieve\t9\nreceive\treceve\t1\nreceive\trecive\n")
    got = Counter(run("receive", path, seed=s) for s in range(3000))
    assert set(got) == {"recieve", "receve", "recive"}
    assert 0.78 < got["recieve"] / 3000 < 0.86  # 9 of 9 + 1 + 1 (no count: 1) is 0.818
    assert 200 < got["receve"] < 350 and 200 < got["recive"] < 350  # 1 of 11 each: 273


def test_same_seed_same_draw_and_counts_add_up(tmp_path):
    path = lexicon(tmp_path, "until\tuntill\t1\nuntil\tuntil_\t1\nuntil\tuntill\t8\n")
    assert [run("until", path, seed=s) for s in range(50)] == \
        [run("until", path, seed=s) for s in range(50)]
    got = Counter(run("until", path, seed=s) for s in range(2000))
    assert got["untill"] > 5 * got["until_"]  # a repeated entry adds up: 9 against 1


def test_header_comments_and_skipped_entries(tmp_path):
    path = lexicon(tmp_path, "# comment\ncorrect\tmisspelt\tcount\n\na lot\talot\t5\n"
                   "colour\tColour\t3\ncolour\tcolur\t2\n")
    table = realtypo.load(path, "en")
    assert len(table) == 1 and table.skipped == 1  # "a lot": two words; Colour: only case
    assert run("colour", path) == "colur"


def test_languages_param_switches_other_languages_off():
    params = {"path": str(EXAMPLE), "languages": "en"}
    assert OP.check("en", params) is True
    assert OP.check("de", params) is False
    assert run("separate", str(EXAMPLE), lang="de", languages="en") is None


@pytest.mark.parametrize(("text", "where"), [
    ("receive\n", ":1: malformed"),
    ("ok\tfine\n\nreceive\trecieve\tmany\n", ":3: count 'many'"),
    ("receive\trecieve\t0\n", ":1: count '0'"),
    ("a\tb\tc\td\n", ":1: malformed"),
    ("# only comments\n", "no one-word misspellings"),
])
def test_malformed_file_is_a_one_line_resource_error_naming_file_and_line(tmp_path, text, where):
    path = lexicon(tmp_path, text)
    with pytest.raises(ResourceError) as info:
        OP.check("en", {"path": path})
    msg = str(info.value)
    assert path in msg and where in msg and "\n" not in msg


def test_missing_path_and_missing_file():
    with pytest.raises(ResourceError, match="needs a lexicon file"):
        OP.check("en", {})
    with pytest.raises(ResourceError, match="not found"):
        OP.check("en", {"path": "/no/such/misspellings.tsv"})


def test_the_file_content_enters_the_signature(tmp_path):
    path = lexicon(tmp_path, "receive\trecieve\t2\n")
    doc = {"name": "rt", "version": 1, "ops": [{"op": "real_typo", "rate": 0.5,
                                                 "params": {"path": path}}]}
    before = signature(parse_profile(doc, "rt.yaml"), 1)
    assert "|res:" in before
    Path(path).write_text("receive\trecieve\t3\n", encoding="utf-8")
    after = signature(parse_profile(doc, "rt.yaml"), 1)
    assert before != after


def test_spaceless_languages_group_characters_into_lexicon_words(tmp_path):
    path = lexicon(tmp_path, "电影\t电映\t1\n")
    pred = OP.span("zh", {"path": path})
    assert pred("电影") and not pred("电")
    assert run("电影", path, lang="zh") == "电映"
    assert OP.span("en", {"path": path}) is None


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc")),
               min_size=1, max_size=12),
       st.integers(0, 2**32 - 1))
def test_property_one_unit_stays_one_unit(word, seed):
    lines = [f"{word}\t{word}x\t3", f"{word}\tx{word}\t1", "receive\trecieve"]
    if len(word.split()) != 1:
        return
    table = realtypo.parse(lines, "mem", "en")
    out = table.draw(realtypo.lexicons.normalise(word, "en"), np.random.default_rng(seed))
    assert out is None or (out and len(out.split()) == 1)
    out2 = realtypo.keep_case(word, out) if out else None
    assert out2 is None or len(out2.split()) == 1


def test_cli_corrupt_with_a_real_typo_profile(tmp_path, capsys):
    profile = tmp_path / "rt.yaml"
    profile.write_text(
        "name: rt\nversion: 1\nops:\n"
        f"  - {{op: real_typo, rate: 1.0, params: {{path: {json.dumps(str(EXAMPLE))}, "
        "languages: en}}\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["corrupt", "--profile", str(profile), "--task", "xnli", "--sample",
                 "--lang", "en", "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "real_typo(" in manifest["signature"] and "|res:" in manifest["signature"]
    rows = [json.loads(x) for x in (out / "xnli" / "en.jsonl").read_text("utf-8").splitlines()]
    words = {w.strip(".,!?") for r in rows for k in ("sentence1", "sentence2")
             for w in r[k].split()}
    clean = {w.strip(".,!?").lower() for r in _sample("xnli/en.jsonl")
             for k in ("sentence1", "sentence2") for w in r[k].split()}
    table = realtypo.load(str(EXAMPLE), "en")
    hit = clean & {k for k in clean if k in table}
    assert hit, "the sample's English XNLI rows hold no word of the example lexicon"
    assert not {w for w in words if w.lower() in hit}  # rate 1: every such word misspelt


def _sample(rel: str) -> list[dict]:
    from robustx.tasks.sources import SAMPLE_DIR
    return [json.loads(x) for x in (SAMPLE_DIR / rel).read_text("utf-8").splitlines()]


def test_cli_bad_lexicon_exits_2_with_one_line(tmp_path, capsys):
    bad = lexicon(tmp_path, "receive\trecieve\tlots\n")
    profile = tmp_path / "rt.yaml"
    profile.write_text("name: rt\nversion: 1\nops:\n"
                       f"  - {{op: real_typo, rate: 0.5, params: {{path: {json.dumps(bad)}}}}}\n",
                       encoding="utf-8")
    code = main(["corrupt", "--profile", str(profile), "--task", "xnli", "--sample",
                 "--lang", "en", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and f"{bad}:1: count 'lots'" in err


def test_the_shipped_example_profile_runs_as_documented(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # its path is relative to the working directory
    out = tmp_path / "noisy-real"
    code = main(["corrupt", "--profile", "examples/real_typo.yaml", "--lang", "en", "--out",
                 str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["signature"].startswith("real_typo_en.v1[real_typo(")
    assert manifest["intensity"]["en"]["share_words_changed"] > 0


_WORDS = st.sampled_from(["receive", "Separate", "WEIRD", "the", "city,", "(river)", "a", "lot",
                          "Tomorrow!", "friend's", "people"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=12), st.integers(0, 2**32 - 1))
def test_property_through_the_engine_words_stay_words(words, seed):
    from robustx.noise.engine import Plan, corrupt_text

    doc = {"name": "rt", "version": 1, "ops": [{"op": "real_typo", "rate": 1.0,
                                                 "params": {"path": str(EXAMPLE)}}]}
    plan = Plan(parse_profile(doc, "rt.yaml"), seed, "pair", {"sentence1": "s1"}, "en")
    text = " ".join(words)
    out, _, _ = corrupt_text(text, "en", plan, "k", "sentence1")
    assert len(out.split()) == len(words)
    table = realtypo.load(str(EXAMPLE), "en")
    for old, new in zip(words, out.split()):
        core = old.strip(".,!?()")
        if realtypo.lexicons.normalise(core, "en") in table:
            assert new != old and new.strip(".,!?()") != core  # rate 1: always misspelt
            assert old.replace(core, "") == new.replace(new.strip(".,!?()"), "")  # punct kept
        else:
            assert new == old
