"""The command line end to end: exit codes, one-line errors, outputs, determinism."""

import json
import subprocess
import sys

import pytest

from robustx.cli import main


def run(capsys, *args):
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corrupt_builtin_sample_end_to_end(tmp_path, capsys):
    out = tmp_path / "noisy"
    code, _, err = run(capsys, "corrupt", "--profile", "typo", "--out", str(out))
    assert code == 0, err
    m = json.loads((out / "manifest.json").read_text())
    assert m["signature"].startswith("typo.v1[") and "|sev:3|rs:12345|data:" in m["signature"]
    written = {f["file"] for f in m["files"]}
    assert {"xnli/de.jsonl", "panx/zh.jsonl", "xquad/hi.jsonl", "tatoeba/ko.jsonl"} <= written
    assert all((out / f).is_file() for f in written)
    assert m["invalid_examples"] == 0
    assert {"en", "de", "ru", "el", "ar", "hi", "th", "zh", "ko"} <= set(m["intensity"])
    for lang, s in m["intensity"].items():
        assert 0 <= s["share_words_changed"] <= 1 and 0 <= s["cer"] <= 1 and "chrf" in s, lang
    # drop-in: same columns, same labels/tags, valid answers
    from robustx.tasks.loaders import SAMPLE_DIR
    for rel in written:
        clean = [json.loads(x) for x in (SAMPLE_DIR / rel).read_text().splitlines()]
        noisy = [json.loads(x) for x in (out / rel).read_text().splitlines()]
        assert len(clean) == len(noisy)
        for c, n in zip(clean, noisy):
            assert list(c) == list(n)
            for k in ("gold_label", "label", "ner_tags", "pos_tags", "id", "source_lang"):
                assert c.get(k) == n.get(k)
            if "tokens" in c:
                assert len(c["tokens"]) == len(n["tokens"])
            if "answers" in n:
                for s, t in zip(n["answers"]["answer_start"], n["answers"]["text"]):
                    assert n["context"][s:s + len(t)] == t


def test_same_seed_same_bytes_and_num_proc_invariance(tmp_path, capsys):
    args = ["corrupt", "--profile", "typo", "--task", "xnli", "--sample", "--severity", "5",
            "--quiet"]
    assert run(capsys, *args, "--out", str(tmp_path / "a"))[0] == 0
    assert run(capsys, *args, "--out", str(tmp_path / "b"), "--num-proc", "2")[0] == 0
    assert run(capsys, *args, "--out", str(tmp_path / "c"), "--seed", "7")[0] == 0
    a, b, c = (files(tmp_path / x) for x in "abc")
    strip = {k: v for k, v in a.items() if k != "manifest.json"}
    assert strip == {k: v for k, v in b.items() if k != "manifest.json"}
    assert strip != {k: v for k, v in c.items() if k != "manifest.json"}


def test_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "o"
    assert run(capsys, "corrupt", "--profile", "typo", "--task", "xnli", "--sample", "--lang",
               "de", "--out", str(out), "--quiet")[0] == 0
    code, _, err = run(capsys, "corrupt", "--profile", "typo", "--task", "xnli", "--sample",
                       "--lang", "de", "--out", str(out), "--quiet")
    assert code == 2 and "already exists; pass --force" in err and err.count("\n") == 1
    assert run(capsys, "corrupt", "--profile", "typo", "--task", "xnli", "--sample", "--lang",
               "de", "--out", str(out), "--quiet", "--force", "--seed", "3")[0] == 0


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("setup, args, message", [
    (None, ["--input", "MISSING.jsonl"], "no such file"),
    ("bad_jsonl", [], "de.jsonl:2: malformed JSON line"),
    ("wrong_cols", ["--task", "xnli"], "missing column 'sentence2'"),
    ("empty", [], "no examples"),
    (None, ["--task", "xnlii", "--sample"], "did you mean 'xnli'"),
    (None, ["--task", "xnli", "--sample", "--lang", "dee"], "did you mean 'de'"),
    (None, ["--profile", "typoo"], "did you mean 'typo'"),
    ("bad_yaml", [], "invalid YAML"),
    ("unknown_key", [], "unknown key 'rates'"),
    (None, ["--severity", "9"], "severity must be 1..5"),
    (None, ["--num-proc", "0"], "expected a positive integer"),
    (None, ["--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, setup, args, message):
    argv = ["corrupt", "--out", str(tmp_path / "out"), "--quiet"]
    if "--profile" not in args:
        argv += ["--profile", "typo"]
    if setup == "bad_jsonl":
        argv += ["--input", write(tmp_path / "de.jsonl",
                                  '{"sentence1": "a", "sentence2": "b", "gold_label": "x"}\n{oops\n')]
    elif setup == "wrong_cols":
        argv += ["--input", write(tmp_path / "de.jsonl", '{"sentence1": "a", "label": 1}\n')]
    elif setup == "empty":
        argv += ["--input", write(tmp_path / "de.jsonl", "")]
    elif setup == "bad_yaml":
        argv[argv.index("typo")] = write(tmp_path / "p.yaml", "name: [unclosed\n")
    elif setup == "unknown_key":
        argv[argv.index("typo")] = write(
            tmp_path / "p.yaml", "name: p\nversion: 1\nops: [{op: kbd, rate: 0.1}]\nrates: 3\n")
    code, _, err = run(capsys, *argv, *args)
    assert code == 2, err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.tmp")]


def test_profiles_and_tasks_commands(capsys):
    code, out, _ = run(capsys, "profiles")
    assert code == 0 and "typo" in out and "codeswitch" in out
    code, out, _ = run(capsys, "tasks")
    assert code == 0 and "udpos.Afrikans" in out and "tatoeba" in out


def test_no_command_and_help(capsys):
    assert run(capsys, )[0] == 2
    assert run(capsys, "--help")[0] == 0


@pytest.mark.parametrize("args", [["--help"], ["compare", "--help"], ["gate", "--help"]])
def test_help_imports_neither_numpy_nor_torch_nor_compare(args):
    """Building the parser stays cheap: no numpy/torch, not even robustx.eval.compare."""
    code = (
        "import sys; from robustx.cli import main; "
        f"rc = main({args!r}); "
        "assert rc == 0, rc; "
        "heavy = ('numpy', 'torch', 'transformers', 'scipy', 'robustx.eval.compare'); "
        "print('IMPORTED', [m for m in heavy if m in sys.modules], file=sys.stderr)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "IMPORTED []" in res.stderr, res.stderr


def test_corrupt_does_not_import_torch(tmp_path):
    code = (
        "import sys; from robustx.cli import main; "
        f"rc = main(['corrupt', '--profile', 'typo', '--out', {str(tmp_path / 'o')!r}, "
        "'--quiet']); "
        "assert rc == 0, rc; "
        "bad = [m for m in ('torch', 'transformers') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_console_script_exit_code(tmp_path):
    r = subprocess.run([sys.executable, "-m", "robustx.cli", "corrupt", "--profile", "nope",
                        "--out", str(tmp_path / "x")], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("robustx: error: unknown profile 'nope'")


def test_other_families_on_sample_and_local_files(tmp_path, capsys):
    code, _, err = run(capsys, "corrupt", "--profile", "translit", "--task", "xnli", "--sample",
                       "--lang", "hi,ru,ar,zh,el", "--out", str(tmp_path / "t"), "--quiet")
    assert code == 0, err
    m = json.loads((tmp_path / "t" / "manifest.json").read_text())
    assert set(m["intensity"]) == {"hi", "ru", "ar", "zh", "el"}
    assert all(s["share_words_changed"] > 0 for s in m["intensity"].values())
    assert all("0:translit" in s["unavailable"] for s in m["intensity"].values())
    local = tmp_path / "de.jsonl"
    local.write_text(json.dumps({"sentence1": "Das Haus ist sehr groß und alt.",
                                 "sentence2": "Wir haben keine Zeit.",
                                 "gold_label": "neutral"}) + "\n", encoding="utf-8")
    for prof in ("codeswitch", "homoglyph", "mixed"):
        code, _, err = run(capsys, "corrupt", "--profile", prof, "--input", str(local),
                           "--severity", "5", "--out", str(tmp_path / prof), "--quiet")
        assert code == 0, (prof, err)
        noisy = json.loads((tmp_path / prof / "de.jsonl").read_text())
        assert noisy["sentence1"] != "Das Haus ist sehr groß und alt.", prof


@pytest.mark.parametrize("profile, extra, message", [
    ("codeswitch", ["--lang", "ko"], "does not cover language(s) ko"),
    ("translit_my", ["--lang", "ko"], "no romaniser"),
    ("bad_lexicon", ["--lang", "de"], "bad.tsv:2"),
    ("missing_lexicon", ["--lang", "de"], "nope.tsv not found"),
])
def test_unsupported_combinations_and_bad_lexicons_exit_2(tmp_path, capsys, profile, extra,
                                                           message):
    data = tmp_path / "ko.jsonl"
    data.write_text(json.dumps({"sentence1": "a b", "sentence2": "c", "gold_label": "x"}) + "\n")
    if profile == "translit_my":
        profile = write(tmp_path / "p.yaml", "name: p\nversion: 1\nops: [{op: translit, rate: 1}]\n")
        data = tmp_path / "my.jsonl"
        data.write_text(json.dumps({"sentence1": "a", "sentence2": "c", "gold_label": "x"}) + "\n")
        extra = ["--lang", "my"]
        message = "no romaniser for language 'my'"
    elif profile in ("bad_lexicon", "missing_lexicon"):
        lex = tmp_path / "bad.tsv"
        lex.write_text("haus\thouse\nthis line has no tab\n", encoding="utf-8")
        target = str(lex) if profile == "bad_lexicon" else str(tmp_path / "nope.tsv")
        profile = write(tmp_path / "p.yaml", "name: p\nversion: 1\nops: [{op: codeswitch, rate: 1,"
                        f" params: {{lexicon: '{target}', format: tsv}}}}]\n")
        data = tmp_path / "de.jsonl"
        data.write_text(json.dumps({"sentence1": "Haus", "sentence2": "c",
                                    "gold_label": "x"}) + "\n")
    code, _, err = run(capsys, "corrupt", "--profile", profile, "--input", str(data), *extra,
                       "--out", str(tmp_path / "o"), "--quiet")
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "o").exists()
