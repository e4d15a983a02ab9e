"""JSON Lines: a bad line is an error naming the file and line."""

import json

import pytest

from robustx.errors import InputError
from robustx.tasks.sources import load_splits

from ..data import PAIRS


def test_malformed_jsonl_names_the_line(tmp_path):
    p = tmp_path / "de.jsonl"
    p.write_text(json.dumps(PAIRS[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"de.jsonl:2: malformed JSON line"):
        load_splits("xnli", data=p)


def test_rows_that_differ_in_keys_come_back_with_their_own_keys(tmp_path, capsys):
    import json

    from robustx.cli import main

    rows = [{"sentence1": "Guten Morgen", "sentence2": "Hallo", "gold_label": "neutral"},
            {"sentence1": "Guten Abend", "gold_label": "neutral", "note": "only here"},
            {"gold_label": "entailment", "sentence2": "Tschüss", "sentence1": "Bis bald"}]
    for fmt in ("jsonl", "json"):
        src = tmp_path / f"de.{fmt}"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
                       if fmt == "jsonl" else json.dumps(rows, ensure_ascii=False),
                       encoding="utf-8")
        out = tmp_path / f"o-{fmt}"
        assert main(["corrupt", "--profile", "typo", "--task", "xnli", "--input", str(src),
                     "--out", str(out), "--quiet"]) == 0, capsys.readouterr().err
        text = (out / src.name).read_text(encoding="utf-8")
        got = ([json.loads(line) for line in text.splitlines()] if fmt == "jsonl"
               else json.loads(text))
        assert [list(r) for r in got] == [list(r) for r in rows]  # no null added, order kept
