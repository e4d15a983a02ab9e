"""A split's fingerprint follows the bytes that were read."""

from robustx.tasks.fingerprint import data_fingerprint
from robustx.tasks.sources import load_splits

from .data import PAIRS, write_jsonl


def test_fingerprint_follows_the_file_bytes(tmp_path):
    p = write_jsonl(tmp_path / "de.jsonl", PAIRS)
    first = data_fingerprint(load_splits("xnli", data=p))
    assert len(first) == 8 and first == data_fingerprint(load_splits("xnli", data=p))
    p.write_text(p.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same rows
    assert data_fingerprint(load_splits("xnli", data=p)) != first


def test_sample_splits_are_fingerprinted_by_their_shipped_files():
    splits = load_splits("mlqa", ["de", "en"], sample=True)
    assert len(splits) == 2
    assert data_fingerprint(splits) == data_fingerprint(load_splits("mlqa", ["de", "en"],
                                                                    sample=True))
    assert data_fingerprint(splits[:1]) != data_fingerprint(splits)
