"""Coverage without surprises: languages a profile cannot serve are passed through unchanged,
counted and named; they are an error only when asked for by --lang or when nothing is covered."""

import json

from robustx.cli import main
from robustx.tasks.sources import SAMPLE_DIR

XNLI_LANGS = "ar bg de el en es fr hi ru sw th tr ur vi zh".split()
EXTRA = {  # the sample has no XNLI data in these languages
    "bg": ["Къщата е много голяма и стара.", "Днес времето е хубаво."],
    "es": ["La casa es muy grande y vieja.", "Mi hermana vive en la ciudad."],
    "fr": ["La maison est très grande et vieille.", "Ma sœur habite en ville."],
    "sw": ["Nyumba ni kubwa sana na ya zamani.", "Dada yangu anaishi mjini."],
    "tr": ["Ev çok büyük ve eski.", "Kız kardeşim şehirde yaşıyor."],
    "ur": ["گھر بہت بڑا اور پرانا ہے۔", "میری بہن شہر میں رہتی ہے۔"],
}


def run(capsys, *args):
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def xnli_15(path):
    """One JSONL holding all 15 XNLI languages in a ``language`` column, as the hub's XNLI
    config does, written as robustx writes JSONL (so unchanged rows compare byte for byte)."""
    lines = []
    for lang in XNLI_LANGS:
        if lang in EXTRA:
            rows = [{"language": lang, "sentence1": s, "sentence2": s, "gold_label": "entailment"}
                    for s in EXTRA[lang]]
        else:
            rows = [json.loads(x) for x in
                    (SAMPLE_DIR / "xnli" / f"{lang}.jsonl").read_text("utf-8").splitlines()]
        lines += [json.dumps(r, ensure_ascii=False) + "\n" for r in rows]
    path.write_text("".join(lines), encoding="utf-8")
    return lines


def test_codeswitch_on_15_languages_passes_uncovered_rows_through(tmp_path, capsys):
    data = tmp_path / "xnli.jsonl"
    lines = xnli_15(data)
    out = tmp_path / "noisy"
    code, _, err = run(capsys, "corrupt", "--profile", "codeswitch", "--task", "xnli",
                       "--input", str(data), "--severity", "5", "--out", str(out))
    assert code == 0, err
    assert ("robustx: codeswitch: bg, th, ur passed through unchanged: no lexicon; "
            "see docs/codeswitch.md") in err
    assert ("codeswitch: en passed through unchanged: already in the target language (en)"
            in err)
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    passed = m["passed_through"]
    assert sorted(passed) == ["bg", "en", "th", "ur"]
    counts = {lang: sum(json.loads(x)["language"] == lang for x in lines) for lang in passed}
    assert {lang: r["examples"] for lang, r in passed.items()} == counts
    assert "no built-in lexicon for bg->en" in passed["bg"]["detail"]
    assert m["files"][0]["passed_through"] == counts
    assert not set(passed) & set(m["intensity"])  # intensity covers what was noised
    got = (out / "xnli.jsonl").read_text("utf-8").splitlines(keepends=True)
    assert len(got) == len(lines)
    for old, new in zip(lines, got, strict=True):
        if json.loads(old)["language"] in passed:
            assert new.encode() == old.encode()  # byte-identical
    changed = {json.loads(o)["language"] for o, n in zip(lines, got, strict=True) if o != n}
    assert changed and not changed & set(passed)


def test_asking_for_an_uncovered_language_is_one_line_saying_how(tmp_path, capsys):
    data = tmp_path / "xnli.jsonl"
    xnli_15(data)
    code, _, err = run(capsys, "corrupt", "--profile", "codeswitch", "--task", "xnli",
                       "--input", str(data), "--lang", "bg", "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1, err
    assert "no built-in lexicon for bg->en" in err and "{lexicon: PATH}" in err
    assert "dict-freedict-bul-eng" in err and "docs/codeswitch.md" in err
    assert not (tmp_path / "o").exists()
    # a per-language file asked for by name: the same hint
    bg = tmp_path / "bg.jsonl"
    bg.write_text(json.dumps({"sentence1": "Къщата е голяма.", "sentence2": "Да.",
                              "gold_label": "entailment"}, ensure_ascii=False) + "\n", "utf-8")
    code, _, err = run(capsys, "corrupt", "--profile", "codeswitch", "--input", str(bg),
                       "--lang", "bg", "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and "{lexicon: PATH}" in err, err


def test_no_language_covered_is_an_error(tmp_path, capsys):
    data = tmp_path / "xnli.jsonl"
    data.write_text("".join(json.dumps({"language": lang, "sentence1": s, "sentence2": s,
                                        "gold_label": "entailment"}, ensure_ascii=False) + "\n"
                            for lang in ("bg", "ur") for s in EXTRA[lang]), encoding="utf-8")
    code, _, err = run(capsys, "corrupt", "--profile", "codeswitch", "--input", str(data),
                       "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1, err
    assert "can serve none of the languages" in err and "bg: no lexicon" in err


def test_user_profile_without_languages_passes_a_whole_file_through(tmp_path, capsys):
    prof = tmp_path / "cs.yaml"
    prof.write_text("name: cs\nversion: 1\nops: [{op: codeswitch, rate: 1}]\n", "utf-8")
    data = tmp_path / "xnli"
    data.mkdir()
    for lang in ("de", "bg"):
        text = EXTRA.get(lang, ["Das Haus ist sehr groß und alt."])[0]
        (data / f"{lang}.jsonl").write_text(json.dumps(
            {"sentence1": text, "sentence2": text, "gold_label": "entailment"},
            ensure_ascii=False) + "\n", "utf-8")
    out = tmp_path / "o"
    code, _, err = run(capsys, "corrupt", "--profile", str(prof), "--task", "xnli",
                       "--input", str(data), "--out", str(out))
    assert code == 0, err
    assert "cs: bg passed through unchanged: no lexicon" in err
    assert (out / "bg.jsonl").read_bytes() == (data / "bg.jsonl").read_bytes()
    assert (out / "de.jsonl").read_bytes() != (data / "de.jsonl").read_bytes()
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    assert m["passed_through"]["bg"]["examples"] == 1
    assert [f.get("passed_through") for f in m["files"]] in ([{"bg": 1}, None], [None, {"bg": 1}])


def test_nothing_passed_through_leaves_the_manifest_as_it_was(tmp_path, capsys):
    code, _, err = run(capsys, "corrupt", "--profile", "codeswitch", "--task", "xnli",
                       "--sample", "--lang", "de", "--out", str(tmp_path / "o"))
    assert code == 0, err
    m = json.loads((tmp_path / "o" / "manifest.json").read_text("utf-8"))
    assert "passed_through" not in m and "passed_through" not in m["files"][0]
    assert "passed through" not in err
