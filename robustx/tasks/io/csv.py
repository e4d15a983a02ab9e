"""CSV and TSV: a header row, then one row per example; list- and object-valued columns (tokens,
tags, answers) are stored as JSON text and parsed back on reading.

CSV follows RFC 4180 quoting. TSV has none, as the XTREME files and their readers
(``line.split("\t")``) have it: a quote is a character like any other, so ``"Quoted" start``
and ``He said "hi"`` come back as they went in.
"""

from __future__ import annotations

import csv
import json
from functools import partial
from pathlib import Path
from typing import Any

from ...errors import InputError
from .base import Format, check_kinds, register, rows, visible


def _dialect(sep: str) -> dict[str, Any]:
    if sep == "\t":
        return {"delimiter": sep, "quoting": csv.QUOTE_NONE, "quotechar": None}
    return {"delimiter": sep, "quoting": csv.QUOTE_MINIMAL}


def read(path: Path, datasets: Any, *, sep: str) -> tuple[Any, None]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, **_dialect(sep))
        found = list(reader)
        if reader.fieldnames is None:
            raise InputError(f"{path}: empty file")
    for n, row in enumerate(found, 2):
        if None in row or any(v is None for v in row.values()):
            raise InputError(f"{path}:{n}: wrong number of fields")
    first: dict[str, tuple[str, str]] = {}
    for n, row in enumerate(found, 2):  # list-valued columns (tokens, tags) are stored as JSON
        for k, v in row.items():
            if v[:1] in "[{" and v[-1:] in "]}":
                try:
                    row[k] = json.loads(v)
                except json.JSONDecodeError:
                    pass
        check_kinds(row, f"{path}: row {n}", f"row {n}", first)
    return datasets.Dataset.from_list(found), None


class CsvWriter:
    """Writes the header with the first row (a split with no rows leaves the file empty)."""

    def __init__(self, path: Path, features: Any = None, layout: dict | None = None, *,
                 sep: str = ",") -> None:
        self.fh = path.open("w", encoding="utf-8", newline="")
        self.sep = sep
        self.csv = None

    def write(self, batch: dict[str, list]) -> None:
        for row in rows(visible(batch)):
            if self.csv is None:
                self.csv = csv.writer(self.fh, lineterminator="\n", **_dialect(self.sep))
                self.csv.writerow(list(row))
            self.csv.writerow([v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                               for v in row.values()])

    def close(self) -> None:
        self.fh.close()


register(Format("csv", ".csv", partial(read, sep=","), partial(CsvWriter, sep=",")))
register(Format("tsv", ".tsv", partial(read, sep="\t"), partial(CsvWriter, sep="\t")))
