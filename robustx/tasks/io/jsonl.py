"""JSON Lines: one object per line, validated line by line before Arrow reads it (so an error
names the line), written one ``json.dumps(row, ensure_ascii=False)`` per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...errors import InputError
from .base import Format, RowKeys, check_kinds, register, restored, rows, visible
from .table import Table

CHUNK = 1 << 20  # datasets' default (10 MB) made peak memory grow with the file size

_JSON = json.JSONEncoder(ensure_ascii=False).encode  # = json.dumps(..., ensure_ascii=False)
_PARSE = json.JSONDecoder().raw_decode  # json.loads without its per-call set-up


def validate(path: Path, keys: RowKeys | None = None, keep: list | None = None) -> int:
    """Scan a JSONL file line by line (constant memory), fail on the first bad line; count rows.

    A bad line is malformed JSON, not UTF-8, not an object, or gives a field another JSON type
    than the line where the field first appeared (see :func:`.base.check_kinds`). With ``keep``,
    every row is appended to it, so that a small file is read in this one pass.
    """
    n_rows = 0
    first: dict[str, tuple[str, str]] = {}
    # (keys, value types) of flat rows already checked: a row of the same shape has the same
    # JSON kinds, so it passes too (most files have one shape)
    checked: set[tuple[tuple, tuple]] = set()
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8").strip()
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}:{n}: not valid UTF-8 ({exc.reason} at byte "
                                 f"{exc.start})") from None
            if not line:
                continue
            try:
                row, end = _PARSE(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: malformed JSON line ({exc.msg})") from None
            if end != len(line):  # what json.loads calls extra data
                raise InputError(f"{path}:{n}: malformed JSON line (Extra data)")
            if not isinstance(row, dict):
                raise InputError(f"{path}:{n}: expected a JSON object, got {type(row).__name__}")
            shape = (tuple(row), tuple(map(type, row.values())))
            if shape not in checked:
                check_kinds(row, f"{path}:{n}", f"line {n}", first)
                if dict not in shape[1] and list not in shape[1]:
                    checked.add(shape)
            if keys is not None:
                keys.add(row)
            if keep is not None:
                keep.append(row)
            n_rows += 1
    return n_rows


def read(path: Path, datasets: Any) -> tuple[Any, RowKeys | None]:
    keys = RowKeys()
    if validate(path, keys) == 0:
        raise InputError(f"{path}: no examples (empty file)")
    # 1 MB chunks: the reader's memory stays flat whatever the file size
    return datasets.Dataset.from_json(str(path), chunksize=CHUNK), keys.result()


def read_table(path: Path) -> tuple[Table, RowKeys | None]:
    """The file as a :class:`.table.Table`, validated and read in one pass (no ``datasets``)."""
    keys, rows_ = RowKeys(), []
    if validate(path, keys, rows_) == 0:
        raise InputError(f"{path}: no examples (empty file)")
    names = list(dict.fromkeys(k for ks in keys.keysets for k in ks))
    return Table.from_rows(rows_, names), keys.result()


class JsonlWriter:
    """One object per line; with :class:`RowKeys`, each row with the keys its input line had."""

    def __init__(self, path: Path, features: Any = None, layout: Any = None) -> None:
        self.fh = path.open("w", encoding="utf-8", newline="")
        self.keys = layout if isinstance(layout, RowKeys) else None
        self.n = 0

    def write(self, batch: dict[str, list]) -> None:
        out = list(restored(rows(visible(batch)), self.keys, self.n))
        self.n += len(out)
        self.fh.write("".join(f"{_JSON(row)}\n" for row in out))

    def close(self) -> None:
        self.fh.close()


register(Format("jsonl", ".jsonl", read, JsonlWriter, read_table=read_table))
