"""Local folders, the built-in sample and the hub through load_splits."""

import pytest

from robustx.errors import InputError
from robustx.tasks.sources import load_splits

from .data import PAIRS, write_jsonl


def test_folder_with_language_column_and_filter(tmp_path):
    rows = [dict(PAIRS[0], language="de"), dict(PAIRS[1], language="en")]
    write_jsonl(tmp_path / "test.jsonl", rows)
    (split,) = load_splits("xnli", ["en"], data=tmp_path)
    assert len(split.dataset) == 1 and split.dataset[0]["language"] == "en"


def test_empty_and_missing_inputs(tmp_path):
    p = tmp_path / "de.jsonl"
    p.write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no examples|empty"):
        load_splits("xnli", data=p)
    with pytest.raises(InputError, match="no such file"):
        load_splits("xnli", data=tmp_path / "nope.jsonl")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no data files"):
        load_splits("xnli", data=empty)


def test_hub_offline_error_says_how_to_pass_a_file(monkeypatch):
    import datasets

    def boom(*a, **k):
        raise ConnectionError("Couldn't reach 'google/xtreme' on the Hub (LocalEntryNotFound)")

    monkeypatch.setattr(datasets, "load_dataset", boom)
    with pytest.raises(InputError, match="offline, pass a local file or folder with --input"):
        load_splits("xnli", ["de"])


def test_hub_loader_filters_multilingual_configs(monkeypatch):
    import datasets

    calls = []

    def fake(name, config, split):
        calls.append((name, config, split))
        return datasets.Dataset.from_list([dict(PAIRS[0], language="de"),
                                           dict(PAIRS[1], language="fr")])

    monkeypatch.setattr(datasets, "load_dataset", fake)
    (split,) = load_splits("xnli", ["fr"])
    assert calls == [("google/xtreme", "XNLI", "test")]
    assert split.dataset["language"] == ["fr"] and split.source.startswith("hub:")
