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
    assert m["signature"].startswith("typo.v4[") and "|sev:3|rs:12345|prot:numbers|res:" \
        in m["signature"]
    assert "|data:" in m["signature"]
    written = {f["file"] for f in m["files"]}
    assert {"xnli/de.jsonl", "panx/zh.jsonl", "xquad/hi.jsonl", "tatoeba/ko.jsonl"} <= written
    assert all((out / f).is_file() for f in written)
    assert m["invalid_examples"] == 0
    assert {"en", "de", "ru", "el", "ar", "hi", "th", "zh", "ko"} <= set(m["intensity"])
    for lang, s in m["intensity"].items():
        assert 0 <= s["share_words_changed"] <= 1 and 0 <= s["cer"] <= 1 and "chrf" in s, lang
    # drop-in: same columns, same labels/tags, valid answers
    from robustx.tasks.sources import SAMPLE_DIR
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


@pytest.mark.parametrize("profile", ["codeswitch", "homoglyph", "mixed", "translit"])
def test_every_shipped_profile_runs_on_the_whole_sample(tmp_path, capsys, profile):
    out = tmp_path / profile
    code, _, err = run(capsys, "corrupt", "--profile", profile, "--out", str(out), "--quiet")
    assert code == 0, err
    m = json.loads((out / "manifest.json").read_text())
    assert m["invalid_examples"] == 0 and m["files"]
    for lang, s in m["intensity"].items():
        assert s["share_words_changed"] > 0 or lang in m["ops_switched_off"], (profile, lang)
    for f in m["files"]:
        for line in (out / f["file"]).read_text().splitlines():
            row = json.loads(line)
            for s, t in zip(*(row.get("answers") or {"a": [], "b": []}).values()):
                assert row["context"][s:s + len(t)] == t


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
    (None, ["--task", "xnli", "--sample", "--lang", "ja"],
     "xnli has no language 'ja'; its languages are ar, bg, de"),
    (None, ["--profile", "typoo"], "did you mean 'typo'"),
    ("bad_yaml", [], "invalid YAML"),
    ("unknown_key", [], "unknown key 'rates'"),
    (None, ["--severity", "9"], "severity must be 1..5"),
    (None, ["--num-proc", "0"], "expected a positive integer"),
    (None, ["--num-proc", "many"], "expected a positive integer or auto, got 'many'"),
    (None, ["--num-proc", "4096"], "--num-proc 4096: this machine gives robustx"),
    (None, ["--seed", "-1"], "the seed must be a non-negative integer"),
    (None, ["--bogus"], "unrecognized arguments: --bogus"),
    ("mixed_types", [], "de.jsonl:3: field 'sentence1' is a number here but a string on line 1"),
    ("nested_types", [], "answer_start[]' is a string here but a number on line 1"),
    ("tokens_str", [], "de.jsonl:1: column 'tokens' must be a list of strings"),
    ("answers_type", [], "column 'answers' must be {answer_start: [integers]"),
    ("latin1", [], "de.jsonl:2: not valid UTF-8"),
    ("csv_mixed", [], "de.csv: row 3: field 'tokens' is a string here but a list on row 2"),
    ("json_rows", [], "de.json: object 2: field 'sentence1' is a list"),
    (None, ["--out", "/proc/robustx-out"], "cannot write the output folder /proc/robustx-out"),
    (None, ["--input", "/dev/null/x.jsonl"], "no such file"),
    ("reserved", [], "column name '__rx_para' is reserved"),
    ("squad_no_id", [], "de.json: data[0].paragraphs[0].qas[1]: missing 'id'"),
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
    elif setup == "mixed_types":
        argv += ["--input", write(tmp_path / "de.jsonl", '{"sentence1": "a", "sentence2": "b", '
                                  '"gold_label": "x"}\n\n{"sentence1": 5, "sentence2": null}\n')]
    elif setup in ("nested_types", "answers_type"):
        bad = '{"answer_start": ["0"], "text": ["a"]}' if setup == "nested_types" else '"a"'
        first = "" if setup == "answers_type" else \
            '{"id": "1", "context": "a", "question": "q", "answers": {"answer_start": [0], "text": ["a"]}}\n'
        argv += ["--input", write(tmp_path / "de.jsonl", first +
                                  f'{{"id": "2", "context": "a", "question": "q", "answers": {bad}}}\n')]
    elif setup == "tokens_str":
        argv += ["--input", write(tmp_path / "de.jsonl", '{"tokens": "a b", "ner_tags": [0]}\n')]
    elif setup == "latin1":
        path = tmp_path / "de.jsonl"
        path.write_bytes(b'{"sentence1": "a", "sentence2": "b", "gold_label": "x"}\n'
                         b'{"sentence1": "gro\xdf", "sentence2": "b", "gold_label": "x"}\n')
        argv += ["--input", str(path)]
    elif setup == "csv_mixed":
        argv += ["--input", write(tmp_path / "de.csv",
                                  'tokens,ner_tags\n"[""a""]","[0]"\nplain,"[0]"\n')]
    elif setup == "json_rows":
        argv += ["--input", write(tmp_path / "de.json", '[{"sentence1": "a", "sentence2": "b"}, '
                                  '{"sentence1": ["a"], "sentence2": "b"}]')]
    elif setup == "reserved":
        argv += ["--input", write(tmp_path / "de.jsonl", '{"sentence1": "a", "sentence2": "b", '
                                  '"gold_label": "x", "__rx_para": "p"}\n')]
    elif setup == "squad_no_id":
        qa = {"id": "1", "question": "q", "answers": [{"answer_start": 0, "text": "a"}]}
        doc = {"data": [{"paragraphs": [{"context": "a b", "qas": [qa, dict(qa, id=None)]}]}]}
        del doc["data"][0]["paragraphs"][0]["qas"][1]["id"]
        argv += ["--input", write(tmp_path / "de.json", json.dumps(doc))]
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
    """Building the parser stays cheap: no numpy/torch, not even robustx.experiment.compare."""
    code = (
        "import sys; from robustx.cli import main; "
        f"rc = main({args!r}); "
        "assert rc == 0, rc; "
        "heavy = ('numpy', 'torch', 'transformers', 'scipy', 'robustx.experiment.compare', 'robustx.eval.report', 'robustx.noise.profiles', 'robustx.tasks'); "
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


def test_force_never_deletes_the_input(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    write(data / "de.jsonl", '{"sentence1": "a b", "sentence2": "c", "gold_label": "x"}\n')
    for out in (data, tmp_path):
        code, _, err = run(capsys, "corrupt", "--profile", "typo", "--input", str(data / "de.jsonl"),
                           "--out", str(out), "--force", "--quiet")
        assert code == 2 and "--force would delete it" in err and err.count("\n") == 1
    assert (data / "de.jsonl").is_file()


def test_offline_hub_error_is_one_line(monkeypatch, tmp_path, capsys):
    import logging

    import datasets

    def offline(*a, **k):  # what huggingface_hub does offline: log each retry, then raise
        for i in range(3):
            logging.getLogger("huggingface_hub.utils._http").warning("Retrying in %ss", i)
        raise ConnectionError("Couldn't reach 'google/xtreme' on the Hub")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    code, _, err = run(capsys, "corrupt", "--profile", "typo", "--task", "xnli", "--lang", "de",
                       "--out", str(tmp_path / "o"), "--quiet")
    assert code == 2 and err.count("\n") == 1 and "pass a local file" in err, err


@pytest.mark.parametrize("fmt", ["jsonl", "json", "parquet", "csv", "tsv"])
def test_output_is_a_drop_in_copy_in_the_input_format(tmp_path, capsys, fmt):
    import datasets

    from robustx.tasks.sources import load_splits

    rows = [{"tokens": ["Angela", "Merkel", "besuchte", "Paris", "."], "ner_tags": [1, 2, 0, 5, 0]},
            {"tokens": ["Der", "Rhein", "fließt", "durch", "Köln", "."], "ner_tags": [0, 5, 0, 0, 5, 0]}]
    path = tmp_path / f"panx.de.{fmt}"
    ds = datasets.Dataset.from_list(rows)
    if fmt == "parquet":
        ds.to_parquet(str(path))
    elif fmt in ("csv", "tsv"):
        sep = "\t" if fmt == "tsv" else ","  # TSV has no quoting: JSON cells go in as they are
        cell = (json.dumps if fmt == "tsv"
                else lambda v: '"' + json.dumps(v).replace('"', '""') + '"')
        path.write_text(f"tokens{sep}ner_tags\n" + "".join(
            sep.join(cell(v) for v in r.values()) + "\n" for r in rows), encoding="utf-8")
    else:
        path.write_text(json.dumps(rows) if fmt == "json" else
                        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run(capsys, "corrupt", "--profile", "typo", "--severity", "5", "--input",
                       str(path), "--out", str(out), "--quiet")
    assert code == 0, err
    (clean,), (noisy,) = load_splits("panx", data=path), load_splits("panx", data=out / path.name)
    assert noisy.fmt == fmt and noisy.dataset.column_names == clean.dataset.column_names
    assert noisy.dataset["ner_tags"] == clean.dataset["ner_tags"]
    assert [len(t) for t in noisy.dataset["tokens"]] == [5, 6]
    assert noisy.dataset["tokens"] != clean.dataset["tokens"]


FR_PARIS = "Paris est la capitale de la France et sa plus grande ville"
FR_LYON = "Lyon se trouve au confluent du Rhône et de la Saône, au nord de Marseille."
FR_PORT = "Marseille est un grand port sur la mer Méditerranée."


def squad_doc():
    """XQuAD-style: two questions on one paragraph (answers at the very start, at the very end,
    inside a word), an article with an extra key at every level, and a paragraph one of whose
    answers does not match its context (kept as it was, both its questions counted invalid)."""
    return {"version": "1.1", "data": [
        {"title": "Paris", "paragraphs": [{"context": FR_PARIS, "qas": [
            {"id": "p1", "question": "Quelle est la capitale de la France ?",
             "answers": [{"answer_start": 0, "text": "Paris"}]},
            {"id": "p2", "question": "Laquelle est la plus grande ville du pays ?",
             "answers": [{"answer_start": 46, "text": "grande ville"},
                         {"answer_start": 15, "text": "pital"}]}]}]},
        {"title": "Lyon", "wiki_id": 42, "paragraphs": [
            {"context": FR_LYON, "origin": {"src": "wiki", "rev": [1, 2]}, "qas": [
                {"id": "l1", "question": "Où se trouve la ville de Lyon ?", "is_impossible": False,
                 "answers": [{"answer_start": 18, "text": "confluent du Rhône et de la Saône",
                              "answer_id": 7}]}]},
            {"context": FR_PORT, "qas": [
                {"id": "m1", "question": "Qu'est-ce que Marseille ?",
                 "answers": [{"answer_start": 17, "text": "grand port"}]},
                {"id": "m2", "question": "Sur quelle mer ?",
                 "answers": [{"answer_start": 3, "text": "mer Méditerranée"}]}]}]}],
        "source": "robustx tests"}


def test_squad_json_output_keeps_the_squad_schema(tmp_path, capsys):
    doc = squad_doc()
    assert FR_PARIS[46:] == "grande ville" and FR_LYON[18:51] == "confluent du Rhône et de la Saône"
    path = write(tmp_path / "xquad.fr.json", json.dumps(doc, ensure_ascii=False, indent=1))
    args = ["corrupt", "--profile", "typo", "--severity", "5", "--input", path, "--quiet"]
    code, _, err = run(capsys, *args, "--out", str(tmp_path / "o"))
    assert code == 0, err
    text = (tmp_path / "o" / "xquad.fr.json").read_text(encoding="utf-8")
    assert "__rx_" not in text
    noisy = json.loads(text)
    assert list(noisy) == ["version", "data", "source"]
    assert (noisy["version"], noisy["source"]) == ("1.1", "robustx tests")
    assert len(noisy["data"]) == len(doc["data"])
    for ca, na in zip(doc["data"], noisy["data"]):
        assert list(na) == list(ca) and {k: v for k, v in na.items() if k != "paragraphs"} == \
            {k: v for k, v in ca.items() if k != "paragraphs"}
        assert len(na["paragraphs"]) == len(ca["paragraphs"])
        for cp, np_ in zip(ca["paragraphs"], na["paragraphs"]):
            assert list(np_) == list(cp) and [q["id"] for q in np_["qas"]] == \
                [q["id"] for q in cp["qas"]]
            assert {k: v for k, v in np_.items() if k not in ("context", "qas")} == \
                {k: v for k, v in cp.items() if k not in ("context", "qas")}
            for cq, nq in zip(cp["qas"], np_["qas"]):
                assert list(nq) == list(cq) and len(nq["answers"]) == len(cq["answers"])
                assert {k: v for k, v in nq.items() if k not in ("question", "answers")} == \
                    {k: v for k, v in cq.items() if k not in ("question", "answers")}
                for c_ans, n_ans in zip(cq["answers"], nq["answers"]):
                    assert list(n_ans) == list(c_ans) and n_ans.get("answer_id") == \
                        c_ans.get("answer_id")
                    s, t = n_ans["answer_start"], n_ans["text"]
                    if cp["context"] != FR_PORT:  # planted: does not match, kept as it was
                        assert t and np_["context"][s:s + len(t)] == t
    paris, lyon, port = (p for a in noisy["data"] for p in a["paragraphs"])
    # one noisy context per paragraph, shared by its questions; the answers moved with it
    assert paris["context"] != FR_PARIS and lyon["context"] != FR_LYON
    assert paris["qas"][0]["answers"][0]["answer_start"] == 0
    end = paris["qas"][1]["answers"][0]
    assert end["answer_start"] + len(end["text"]) == len(paris["context"])
    assert any(q["question"] != c["question"] for q, c in
               zip(paris["qas"], doc["data"][0]["paragraphs"][0]["qas"]))
    # the paragraph with an answer that does not match is kept whole, not half-corrupted
    assert port == doc["data"][1]["paragraphs"][1]
    m = json.loads((tmp_path / "o" / "manifest.json").read_text())
    (f,) = m["files"]
    assert (f["file"], f["format"], f["examples"], f["invalid_examples"]) == \
        ("xquad.fr.json", "json", 5, 2)
    assert m["invalid_examples"] == 2
    assert (m["intensity"]["fr"]["examples"], m["intensity"]["fr"]["invalid_examples"]) == (5, 2)
    # byte-identical with worker processes; the output reads back as the same questions
    assert run(capsys, *args, "--out", str(tmp_path / "o2"), "--num-proc", "2")[0] == 0
    assert (tmp_path / "o2" / "xquad.fr.json").read_bytes() == text.encode("utf-8")
    from robustx.tasks.sources import load_splits

    (again,) = load_splits(None, data=tmp_path / "o" / "xquad.fr.json")
    assert again.dataset["id"] == ["p1", "p2", "l1", "m1", "m2"]
    assert again.dataset["context"][:2] == [paris["context"]] * 2


def test_squad_json_internal_error_when_a_paragraph_gets_two_contexts(tmp_path, capsys,
                                                                      monkeypatch):
    from robustx.noise import pipeline

    real = pipeline.corrupt_example

    def broken(row, plan):  # as if the questions of a paragraph were corrupted apart
        out, lang, st, valid = real(row, plan)
        return dict(out, context=out["context"] + row["id"]), lang, st, valid

    monkeypatch.setattr(pipeline, "corrupt_example", broken)
    path = write(tmp_path / "xquad.fr.json", json.dumps(squad_doc()))
    code, _, err = run(capsys, "corrupt", "--profile", "typo", "--input", path, "--quiet",
                       "--out", str(tmp_path / "o"))
    assert code == 3 and err.count("\n") == 1 and "internal error" in err, err
    assert "data[0].paragraphs[0]" in err and "different noisy contexts" in err
    assert not (tmp_path / "o").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".o.tmp")]


@pytest.mark.parametrize("command", ["corrupt", "gate"])
def test_an_alias_bomb_in_a_profile_or_gate_file_is_refused_at_once(tmp_path, capsys, command):
    import time

    from tests.core.test_config import BOMB

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB.replace("a: &a", "name: x\nversion: 1\na: &a"), encoding="utf-8")
    report = tmp_path / "report.json"
    report.write_text("{}", encoding="utf-8")
    argv = (["corrupt", "--profile", str(bomb), "--out", str(tmp_path / "o")]
            if command == "corrupt" else ["gate", str(report), "--config", str(bomb)])
    start = time.perf_counter()
    code, _, err = run(capsys, *argv)
    assert time.perf_counter() - start < 2.0
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "anchors, aliases and tags are not allowed" in err
    assert not (tmp_path / "o").exists()


def test_data_is_never_read_as_markup(tmp_path, capsys):
    data = tmp_path / "x.jsonl"
    data.write_text(json.dumps({"sentence1": "Hallo [bold]Welt", "sentence2": "Guten Tag",
                                "gold_label": "neutral", "language": "[/oops]"}) + "\n",
                    encoding="utf-8")
    code, _, err = run(capsys, "corrupt", "--profile", "homoglyph", "--input", str(data),
                       "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert "[/oops]" in err


def test_signatures_are_printed_whole_on_a_narrow_terminal(tmp_path, capsys, monkeypatch):
    from robustx.api import list_profiles

    monkeypatch.setenv("COLUMNS", "50")
    code, out, _ = run(capsys, "profiles")
    assert code == 0
    lines = out.splitlines()
    for p in list_profiles():
        assert f"{p['name']}: {p['signature']}" in lines
    code, _, err = run(capsys, "corrupt", "--profile", "typo", "--task", "xnli", "--sample",
                       "--lang", "de", "--out", str(tmp_path / "o"))
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert f"signature: {manifest['signature']}" in err.splitlines()
