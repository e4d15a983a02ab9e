"""File formats, one module each (a reader and a writer), found through :data:`FORMATS`.

Adding a format is one module that calls :func:`.base.register`, imported below; the suffix
order here is the order error messages list them in.
"""

from __future__ import annotations

# Each import registers a format; this order is the one error messages list them in.
# isort: off
from . import jsonl  # noqa: F401
from . import json  # noqa: F401
from . import parquet  # noqa: F401
from . import csv  # noqa: F401
from . import parallel  # noqa: F401  (named layouts: tried before any suffix, in this order)
from . import xtreme_tsv  # noqa: F401
from . import conllu  # noqa: F401
# isort: on
from .base import (
    FORMATS,
    SUFFIXES,
    Format,
    Writer,
    companions,
    format_of,
    open_writer,
    read,
    read_file,
    release_memory,
)

__all__ = ["FORMATS", "SUFFIXES", "Format", "Writer", "companions", "format_of", "open_writer", "read",
           "read_file", "release_memory"]
