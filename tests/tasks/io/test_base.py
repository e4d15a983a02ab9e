"""Every registered format reads back what pandas/datasets wrote, and no writer lets a hidden column
through."""

import json

import pytest

from robustx.tasks.io import open_writer
from robustx.tasks.io.squad import squad_rows
from robustx.tasks.sources import load_splits
from robustx.tasks.split import HIDDEN_PREFIX

from ..data import PAIRS, write_jsonl
from .test_squad import DOC


@pytest.mark.parametrize("fmt", ["jsonl", "json", "parquet", "csv", "tsv"])
def test_every_local_format(tmp_path, fmt):
    import datasets

    path = tmp_path / f"xnli.de.{fmt}"
    ds = datasets.Dataset.from_list(PAIRS)
    if fmt == "jsonl":
        write_jsonl(path, PAIRS)
    elif fmt == "json":
        path.write_text(json.dumps(PAIRS, ensure_ascii=False), encoding="utf-8")
    elif fmt == "parquet":
        ds.to_parquet(str(path))
    else:
        ds.to_pandas().to_csv(path, sep="\t" if fmt == "tsv" else ",", index=False)
    (split,) = load_splits("xnli", data=path)
    assert split.lang == "de" and split.family == "pair" and split.fmt == fmt
    assert split.dataset.to_list() == PAIRS
    assert split.fields == {"sentence1": "sentence1", "sentence2": "sentence2",
                            "label": "gold_label"}


@pytest.mark.parametrize("fmt", ["jsonl", "json", "parquet", "csv", "tsv"])
def test_hidden_columns_never_reach_a_flat_output(tmp_path, fmt):
    import datasets
    import pyarrow.parquet as pq

    rows, _ = squad_rows(DOC, "doc.json")
    ds = datasets.Dataset.from_list(rows)
    assert any(c.startswith(HIDDEN_PREFIX) for c in ds.column_names)
    path = tmp_path / f"out.{fmt}"
    w = open_writer(path, fmt, ds.features)
    w.write(ds[:])
    w.close()
    if fmt == "parquet":
        assert pq.read_table(path).column_names == ["id", "context", "question", "answers"]
    else:
        text = path.read_text(encoding="utf-8")
        assert HIDDEN_PREFIX not in text and "ab cd" in text
