"""Small JSONL files are read into memory without ``datasets``: the same rows, the same noisy
bytes as through Arrow, whatever the number of processes."""

import hashlib
import json
import subprocess
import sys

import pytest

from robustx import api
from robustx.noise import pipeline
from robustx.tasks.io import base, jsonl
from robustx.tasks.sources import SAMPLE_DIR, load_splits

ROWS = [
    {"language": "de", "sentence1": "Guten Morgen, Welt!", "sentence2": "Hallo.",
     "gold_label": "neutral", "score": 0.25, "n": 3, "ok": True, "meta": {"a": [1, 2]}},
    {"language": "ru", "sentence1": "Привет, мир", "sentence2": None, "gold_label": "entailment",
     "score": 1e-7, "n": -12, "ok": False, "meta": {"a": []}},
    {"language": "ar", "sentence1": "مرحبا بالعالم", "sentence2": "😀 a\u200db",
     "gold_label": "contradiction", "score": 2.5, "n": 0, "ok": None, "meta": None},
]


def _tree(folder):
    """File -> hash, the manifest without its command and versions."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            if p.name == "manifest.json":
                doc = json.loads(data)
                doc.pop("command", None), doc.pop("versions", None)
                data = json.dumps(doc, sort_keys=True).encode()
            out[p.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return out


def test_table_has_the_rows_arrow_has(tmp_path):
    p = tmp_path / "xnli.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS * 3),
                 encoding="utf-8")
    table, _ = base.read(p, in_memory=True)
    arrow, _ = base.read(p)
    assert type(table).__name__ == "Table" and type(arrow).__name__ == "Dataset"
    assert table.column_names == arrow.column_names and len(table) == len(arrow)
    assert list(table.iter(batch_size=4)) == list(arrow.iter(batch_size=4))
    assert table[2:5] == arrow[2:5] and table["n"] == arrow["n"]
    assert table.unique("language") == arrow.unique("language")
    assert table.filter(lambda r: r["n"] > 0)["sentence1"] == \
        arrow.filter(lambda r: r["n"] > 0)["sentence1"]


def test_large_files_still_go_to_arrow(tmp_path, monkeypatch):
    p = tmp_path / "de.jsonl"
    p.write_text(json.dumps(ROWS[0]) + "\n", encoding="utf-8")
    monkeypatch.setattr(base, "TABLE_MAX_BYTES", 10)
    assert type(base.read(p, in_memory=True)[0]).__name__ == "Dataset"


def test_one_pass_read_keeps_the_line_errors(tmp_path):
    from robustx.errors import InputError

    p = tmp_path / "de.jsonl"
    for text, msg in (('{"a": 1} x\n', r"de.jsonl:1: malformed JSON line \(Extra data\)"),
                      ('{"a": 1}\n{"a": "x"}\n', r"de.jsonl:2: field 'a' is a string here"),
                      ('{"a": 1}\n[1]\n', r"de.jsonl:2: expected a JSON object")):
        p.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=msg):
            jsonl.read_table(p)


@pytest.mark.parametrize("task", ["xnli", "panx", "xquad"])
def test_same_bytes_in_memory_or_arrow_and_any_number_of_processes(tmp_path, monkeypatch, task):
    """The sample's files of a family, several languages in one file, through both readers and
    1, 2 and auto processes (auto made to start two on this small file)."""
    if task == "xnli":  # every language of the sample in one file, with a language column
        rows = [json.loads(line) for f in sorted((SAMPLE_DIR / task).glob("*.jsonl"))
                for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        src = tmp_path / "xnli.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows * 2),
                       encoding="utf-8")
    else:
        src = tmp_path / "de.jsonl"
        src.write_text((SAMPLE_DIR / task / "de.jsonl").read_text(encoding="utf-8") * 3,
                       encoding="utf-8")
    monkeypatch.setattr(pipeline, "ROWS_PER_PROC", 8)
    monkeypatch.setattr(pipeline, "cores", lambda: 2)  # --num-proc 2 allowed on any machine
    monkeypatch.setattr(pipeline, "idle_cores", lambda: 2)  # auto starts two
    trees = []
    for name, table_max, num_proc in (("mem1", 32 << 20, 1), ("mem2", 32 << 20, 2),
                                      ("auto", 32 << 20, "auto"), ("arrow1", 0, 1),
                                      ("arrow2", 0, 2)):
        monkeypatch.setattr(base, "TABLE_MAX_BYTES", table_max)
        api.corrupt("typo", tmp_path / name, task=task, input=src, severity=5,
                    num_proc=num_proc)
        trees.append(_tree(tmp_path / name))
    assert all(t == trees[0] for t in trees[1:])
    assert len(trees[0]) == 2


def test_processes_auto_follows_idle_cores_and_size(monkeypatch):
    import os

    monkeypatch.setattr(pipeline, "cores", lambda: 4)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.0, 1.0, 1.0), raising=False)
    assert pipeline.idle_cores() == 4  # a load of 1 is this process itself
    assert pipeline.processes(None, 100) == 1  # a small input stays in one process
    assert pipeline.processes(None, 2 * pipeline.ROWS_PER_PROC) == 2
    assert pipeline.processes(None, 100 * pipeline.ROWS_PER_PROC) == 4
    monkeypatch.setattr(os, "getloadavg", lambda: (3.2, 1.0, 1.0), raising=False)
    assert pipeline.processes(None, 100 * pipeline.ROWS_PER_PROC) == 2  # two cores are busy
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 1.0, 1.0), raising=False)
    assert pipeline.processes(None, 100 * pipeline.ROWS_PER_PROC) == 1
    assert pipeline.processes(3, 2) == 2 and pipeline.processes(3, 10**6) == 3


def test_corrupting_a_jsonl_file_imports_no_datasets(tmp_path):
    src = tmp_path / "de.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS[:1] * 20),
                   encoding="utf-8")
    code = ("import sys; from robustx import api; "
            f"api.corrupt('typo', {str(tmp_path / 'o')!r}, input={str(src)!r}); "
            "print(sorted(m for m in ('datasets', 'pandas', 'pyarrow', 'torch') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
    assert len(load_splits(None, data=src, in_memory=True)[0].dataset) == 20
