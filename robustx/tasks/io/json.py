"""Plain JSON: an array of objects, written one object per line between ``[`` and ``]``; a
SQuAD-style document (see :mod:`.squad`) is read and written through its layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...errors import InputError
from .base import Format, RowKeys, check_kinds, register, restored, rows, visible
from .squad import SquadWriter, is_squad, squad_rows


def read(path: Path, datasets: Any) -> tuple[Any, dict | None]:
    """A JSON array of objects, or SQuAD-style {"data": [...]} for QA (with its layout)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: malformed JSON ({exc.msg})") from None
    layout = None
    if is_squad(doc):
        doc, layout = squad_rows(doc, str(path))
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise InputError(f"{path}: expected a JSON array of objects or SQuAD-style {{'data': ...}}")
    first: dict[str, tuple[str, str]] = {}
    keys = RowKeys()
    for n, row in enumerate(doc, 1):
        check_kinds(row, f"{path}: object {n}", f"object {n}", first)
        keys.add(row)
    # every key of every row (from_list would keep only the first row's keys: silent data loss)
    columns = list(dict.fromkeys(k for ks in keys.keysets for k in ks))
    data = datasets.Dataset.from_dict({c: [row.get(c) for row in doc] for c in columns})
    return data, layout if layout is not None else keys.result()


class JsonWriter:
    """A JSON array, one object per line; with a layout, the SQuAD-style document instead."""

    def __init__(self, path: Path, features: Any = None, layout: Any = None) -> None:
        self.fh = path.open("w", encoding="utf-8", newline="")
        squad = isinstance(layout, dict)
        self.squad = SquadWriter(self.fh, layout, path.name) if squad else None
        self.keys = layout if isinstance(layout, RowKeys) else None
        self.first, self.n = True, 0
        if self.squad is None:
            self.fh.write("[")

    def write(self, batch: dict[str, list]) -> None:
        if self.squad is not None:  # rows keep their hidden columns: the writer checks them
            for row in rows(batch):
                self.squad.add(row)
            return
        for row in restored(rows(visible(batch)), self.keys, self.n):
            self.fh.write(("" if self.first else ",") + "\n" + json.dumps(row, ensure_ascii=False))
            self.first = False
            self.n += 1

    def close(self) -> None:
        try:
            if self.squad is not None:
                self.squad.close()
            else:
                self.fh.write("\n]\n")
        finally:
            self.fh.close()


register(Format("json", ".json", read, JsonWriter))
