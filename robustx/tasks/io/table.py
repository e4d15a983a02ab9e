"""An in-memory table of rows with the part of ``datasets.Dataset``'s interface that corruption
uses, for files small enough to hold.

Importing ``datasets`` (and pandas with it) costs more than a second and converting a JSONL file
to Arrow means parsing it a second time after validation; for a file that fits comfortably in
memory the validating pass can keep the rows itself. Values are exactly what ``json.loads``
gave, a key missing from a row reads as None (as Arrow reads it), and batches are dicts of
column -> list as ``Dataset.iter`` yields them, so the noisy bytes are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any


class Table:
    """Columns of Python values, every column as long as the table."""

    def __init__(self, columns: dict[str, list]) -> None:
        self._cols = columns
        self._n = len(next(iter(columns.values()))) if columns else 0

    @classmethod
    def from_rows(cls, rows: Sequence[dict], names: Sequence[str]) -> Table:
        return cls({c: [r.get(c) for r in rows] for c in names})

    @property
    def column_names(self) -> list[str]:
        return list(self._cols)

    @property
    def features(self) -> dict[str, None]:
        """Column -> None: JSON values carry no declared type (no ClassLabel names)."""
        return dict.fromkeys(self._cols)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, key: str | slice) -> Any:
        if isinstance(key, slice):
            return {c: v[key] for c, v in self._cols.items()}
        return self._cols[key]

    def unique(self, column: str) -> list:
        """Distinct values in order of first appearance (lists and dicts compared as JSON)."""
        seen: dict[Any, Any] = {}
        for v in self._cols[column]:
            seen.setdefault(repr(v) if isinstance(v, (list, dict)) else v, v)
        return list(seen.values())

    def iter(self, batch_size: int) -> Iterator[dict[str, list]]:
        for start in range(0, self._n, batch_size):
            yield {c: v[start:start + batch_size] for c, v in self._cols.items()}

    def select(self, indices: Sequence[int]) -> Table:
        return Table({c: [v[i] for i in indices] for c, v in self._cols.items()})

    def select_columns(self, columns: Sequence[str]) -> Table:
        return Table({c: self._cols[c] for c in columns})

    def filter(self, keep: Callable[[dict], bool]) -> Table:
        names = list(self._cols)
        idx = [i for i, values in enumerate(zip(*self._cols.values(), strict=True))
               if keep(dict(zip(names, values, strict=True)))]
        return self.select(idx)
