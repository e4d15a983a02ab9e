"""Telling task, language, family and roles from names and columns; type and name checks."""

import pytest

from robustx.errors import InputError, UsageError
from robustx.tasks.sources import load_splits

from .data import PAIRS, write_jsonl


def test_unknown_task_and_language_get_suggestions():
    with pytest.raises(UsageError, match="did you mean 'xnli'"):
        load_splits("xnl")
    with pytest.raises(UsageError, match="unknown language for xnli 'dee'; did you mean 'de'"):
        load_splits("xnli", ["dee"])


def test_family_inferred_and_facebook_xnli_columns(tmp_path):
    p = write_jsonl(tmp_path / "fr.jsonl", [{"premise": "a", "hypothesis": "b", "label": 0}])
    (split,) = load_splits(None, data=p)
    assert split.family == "pair" and split.fields["sentence1"] == "premise"


def test_missing_column_is_named(tmp_path):
    p = write_jsonl(tmp_path / "de.jsonl", [{"sentence1": "a", "gold_label": "neutral"}])
    with pytest.raises(InputError, match="missing column 'sentence2'"):
        load_splits("xnli", data=p)


def test_unknown_schema(tmp_path):
    p = write_jsonl(tmp_path / "de.jsonl", [{"text": "a"}])
    with pytest.raises(InputError, match="cannot tell the task family"):
        load_splits(None, data=p)


def test_language_cannot_be_told(tmp_path):
    p = write_jsonl(tmp_path / "data.jsonl", PAIRS)
    with pytest.raises(InputError, match="cannot tell the language"):
        load_splits("xnli", data=p)
    (split,) = load_splits("xnli", ["es"], data=p)
    assert split.lang == "es"


def test_reserved_column_names_are_refused(tmp_path):
    p = write_jsonl(tmp_path / "de.jsonl", [dict(PAIRS[0], __rx_para_answers=1)])
    with pytest.raises(InputError, match="column name '__rx_para_answers' is reserved"):
        load_splits("xnli", data=p)


def test_a_language_column_with_an_empty_or_null_value_names_the_row(tmp_path):
    import json

    from robustx.errors import InputError
    from robustx.tasks.sources import load_splits

    src = tmp_path / "de.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in [
        {"source_sentence": "a", "language": "de"}, {"source_sentence": "b"},
        {"source_sentence": "c", "language": ""}]), encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2 has no language in column 'language' \(got None\)"):
        load_splits("tatoeba", data=src)
