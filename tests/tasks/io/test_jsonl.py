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
