"""compare on a file whose language column holds a language the profile cannot serve: the
report names it per condition, and a gate with ``require_coverage: true`` fails (exit 1)."""

from __future__ import annotations

import json

from robustx.cli import main
from tests.experiment.test_compare import LABELS, SENTENCES


def test_compare_reports_passed_through_languages_and_the_gate_can_require_coverage(
        tiny_checkpoints, tmp_path, capsys):
    data = tmp_path / "xnli.jsonl"
    rows = [{"language": lang, "sentence1": s[i % len(s)], "sentence2": s[(i + 1) % len(s)],
             "gold_label": LABELS[i % 3]} for lang, s in SENTENCES.items() for i in range(12)]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    gate = tmp_path / "gate.yaml"
    gate.write_text("version: 1\nrequire_coverage: true\n", encoding="utf-8")
    out = tmp_path / "report"
    ckpt = str(tiny_checkpoints["pair"])
    code = main(["compare", ckpt, ckpt, "--task", "xnli", "--data", str(data), "--profile",
                 "codeswitch", "--out", str(out), "--device", "cpu", "--no-cache",
                 "--gate", str(gate)])
    err = capsys.readouterr().err
    assert code == 1, err
    doc = json.loads((out / "report.json").read_text("utf-8"))
    cond = next(c for c in doc["conditions"] if c["profile"] == "codeswitch")
    assert cond["passed_through"] == {"en": {"examples": 12, "reason":
                                             "already in the target language (en)",
                                             "see": "docs/codeswitch.md"}}
    assert "codeswitch s3: en passed through unchanged" in err
    assert "FAIL  every language was noised (require_coverage): codeswitch s3: en" in err
    md = (out / "report.md").read_text("utf-8")
    assert "- codeswitch s3: en passed through unchanged (12 examples)" in md
    import jsonschema

    from tests.experiment.test_compare import SCHEMA
    jsonschema.validate(doc, json.loads(SCHEMA.read_text("utf-8")),
                        cls=jsonschema.Draft202012Validator)
