"""Parquet, read by ``datasets`` and written batch by batch with the input's Arrow schema (less
robustx's hidden columns), so types and nesting come back as they were read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..split import HIDDEN_PREFIX
from .base import Format, register, visible


def read(path: Path, datasets: Any) -> tuple[Any, None]:
    return datasets.Dataset.from_parquet(str(path)), None


class ParquetWriter:
    """Opens the file on the first batch (a split with no rows writes no file)."""

    def __init__(self, path: Path, features: Any, layout: dict | None = None) -> None:
        self.path, self.features = path, features
        self.pq = None

    def write(self, batch: dict[str, list]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        batch = visible(batch)
        schema = self.features.arrow_schema
        hidden = [n for n in schema.names if n.startswith(HIDDEN_PREFIX)]
        if hidden:
            schema = schema.remove_metadata()
            for n in hidden:
                schema = schema.remove(schema.get_field_index(n))
        table = pa.Table.from_pydict(batch, schema=schema)
        if self.pq is None:
            self.pq = pq.ParquetWriter(str(self.path), table.schema)
        self.pq.write_table(table)

    def close(self) -> None:
        if self.pq:
            self.pq.close()


register(Format("parquet", ".parquet", read, ParquetWriter))
