"""The format registry and what every format shares: reading a file into a ``datasets.Dataset``
with the same checks and errors whatever the format, JSON type checks, and writers that drop
robustx's hidden columns.

A format is one module of this package that registers a :class:`Format` (its suffix, a reader
and a writer); ``datasets`` and ``pyarrow`` are imported only when a file is read or written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ...errors import InputError
from ...registry import Registry
from ..split import HIDDEN_PREFIX


class RowKeys:
    """The keys each input row had, in its order, when rows differ in them.

    Arrow gives every row every column (a key missing from a JSON row reads as null), so a
    writer without this would add ``"sentence2": null`` to rows that never had it. Kept only
    when rows differ: one small integer per row.
    """

    def __init__(self) -> None:
        from array import array

        self._ids: dict[tuple[str, ...], int] = {}
        self.keysets: list[tuple[str, ...]] = []
        self.index = array("I")

    def add(self, row: dict) -> None:
        keys = tuple(row)
        i = self._ids.get(keys)
        if i is None:
            i = self._ids[keys] = len(self.keysets)
            self.keysets.append(keys)
        self.index.append(i)

    def result(self) -> RowKeys | None:
        """Itself when rows differ, else None (Arrow's columns are then the rows' keys)."""
        return self if len(self.keysets) > 1 else None

    def restore(self, n: int, row: dict[str, Any]) -> dict[str, Any]:
        """Row ``n`` with the keys it had, in its order."""
        return {k: row[k] for k in self.keysets[self.index[n]]}


def restored(rows_: Iterator[dict[str, Any]], keys: RowKeys | None, start: int
             ) -> Iterator[dict[str, Any]]:
    """``rows_`` (from row number ``start`` on) as their input rows had them."""
    if keys is None:
        yield from rows_
        return
    for n, row in enumerate(rows_, start):
        yield keys.restore(n, row)


class Writer(Protocol):
    """Writes noisy batches (column -> values) of one split, then closes the file."""

    def write(self, batch: dict[str, list]) -> None: ...

    def close(self) -> None: ...


def _no_companions(path: Path) -> tuple[Path, ...]:
    return ()


@dataclass(frozen=True)
class Format:
    """One file format: ``read(path, datasets) -> (dataset, layout or None)`` and
    ``writer(path, features, layout) -> Writer`` (``layout``: see :mod:`.squad`).

    A format found by its suffix alone has ``suffix``; one that shares a suffix with another
    (a TSV with or without a header) or has none of its own (``de-en.test.de``) has ``match``,
    which claims a file by its name and first lines, tried before any suffix. ``companions``
    are the files read and written with it as one split (the English side of a sentence-pair
    file, a gold file); they are never data files of their own.
    """

    name: str
    suffix: str
    read: Callable[[Path, Any], tuple[Any, Any]]
    writer: Callable[[Path, Any, Any], Writer]
    match: Callable[[Path], bool] | None = None
    companions: Callable[[Path], tuple[Path, ...]] = _no_companions
    # ``read_table(path) -> (Table, layout)``: the same rows held in memory without ``datasets``
    # (see :mod:`.table`), for a format that can read them in its validating pass
    read_table: Callable[[Path], tuple[Any, Any]] | None = None


FORMATS: Registry[Format] = Registry("file format")
SUFFIXES: dict[str, str] = {}  # ".jsonl" -> "jsonl", in registration order (error messages)
MATCHED: list[Format] = []  # formats with a ``match``, tried in registration order


def register(fmt: Format) -> Format:
    FORMATS.add(fmt.name, fmt)
    if fmt.match is not None:
        MATCHED.append(fmt)
    elif fmt.suffix:
        SUFFIXES[fmt.suffix] = fmt.name
    return fmt


def format_of(path: Path) -> str | None:
    """The format name of a data file: a layout that claims it, else its suffix's (None: not
    a data file)."""
    for fmt in MATCHED:
        if fmt.match(path):
            return fmt.name
    return SUFFIXES.get(path.suffix.lower())


def companions(path: Path) -> tuple[Path, ...]:
    """The files read with ``path`` as one split (none for most formats)."""
    fmt = format_of(path)
    return FORMATS.get(fmt).companions(path) if fmt else ()


def first_lines(path: Path, n: int) -> list[str]:
    """Up to ``n`` first lines of a text file, undecoded bytes replaced (for sniffing only)."""
    try:
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            return [line for _, line in zip(range(n), fh, strict=False)]
    except OSError:
        return []


# Largest file read into a :class:`.table.Table` when the caller allows it; a larger one goes
# to memory-mapped Arrow, whose memory stays flat whatever the file size (Python objects take
# about 5x the bytes of the file).
TABLE_MAX_BYTES = 32 << 20


def read(path: Path, *, in_memory: bool = False) -> tuple[Any, dict | None]:
    """``(dataset, layout)`` of a local file; the layout of a SQuAD-style JSON document, else
    None. Every failure is an :class:`InputError` that names the file.

    With ``in_memory``, a file of a format that can (JSONL) and of at most
    :data:`TABLE_MAX_BYTES` comes back as a :class:`.table.Table` instead of a
    ``datasets.Dataset``: for callers that only iterate over rows (corruption), never import
    ``datasets``, and parse the file once."""
    fmt = format_of(path) if path.is_file() else SUFFIXES.get(path.suffix.lower())
    if fmt is None and not path.is_file() and path.exists():
        raise InputError(f"{path}: not a file")
    if fmt is None:
        raise InputError(f"{path}: unsupported file type (use {', '.join(SUFFIXES)}, or a "
                         "layout of docs/data.md)")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: no examples (empty file)")
    reader = FORMATS.get(fmt).read_table
    if in_memory and reader is not None and size <= TABLE_MAX_BYTES:
        return reader(path)
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    try:
        ds, layout = FORMATS.get(fmt).read(path, datasets)
    except InputError:
        raise
    except Exception as exc:  # pyarrow/pandas parse errors: say which file
        raise InputError(f"{path}: cannot read {fmt} ({type(exc).__name__}: {exc})") from None
    if len(ds) == 0:
        raise InputError(f"{path}: no examples")
    release_memory()
    return ds, layout


def read_file(path: Path, *, in_memory: bool = False) -> Any:
    """A local data file as a ``datasets.Dataset`` (Arrow-backed, memory-mapped), or a
    :class:`.table.Table` (see :func:`read`)."""
    return read(path, in_memory=in_memory)[0]


def open_writer(path: Path, fmt: str, features: Any, layout: dict | None = None) -> Writer:
    """A writer of rows in format ``fmt`` (back into a SQuAD-style nesting with ``layout``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return FORMATS.get(fmt).writer(path, features, layout)


def release_memory() -> None:
    """Hand memory freed while converting a file to Arrow back to the system.

    datasets parses with many threads; what they free stays with Arrow's allocator and with
    glibc's per-thread arenas and grows with the size of the file. The data itself is
    memory-mapped from then on, so the process would otherwise hold that much for nothing.
    """
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if libc and hasattr(ctypes.CDLL(libc), "malloc_trim"):  # glibc only
        ctypes.CDLL(libc).malloc_trim(0)


def json_kind(value: Any) -> str:
    """JSON type of a value, numbers as one kind (null fits any kind)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "list", dict: "object"}.get(type(value), "null")


def check_kinds(row: dict, where: str, at: str, first: dict[str, tuple[str, str]],
                path: str = "") -> None:
    """Fail when a field (nested ones too: ``answers.answer_start[]``) has another JSON type than
    where it first appeared: Arrow needs one type per column and loses the line number."""
    for key, value in row.items():
        name = f"{path}{key}"
        jtype = json_kind(value)
        if jtype == "null":
            continue
        seen = first.setdefault(name, (jtype, at))
        if seen[0] != jtype:
            an = "an" if seen[0][0] in "aeiou" else "a"
            raise InputError(f"{where}: field {name!r} is a{'n' if jtype[0] in 'aeiou' else ''} "
                             f"{jtype} here but {an} {seen[0]} on {seen[1]}")
        if jtype == "object":
            check_kinds(value, where, at, first, f"{name}.")
        elif jtype == "list":
            for item in value:
                check_kinds({"[]": item}, where, at, first, name)


def rows(batch: dict[str, list]) -> Iterator[dict[str, Any]]:
    """The rows of a batch, as dicts."""
    cols = list(batch)
    for values in zip(*batch.values(), strict=True):
        yield dict(zip(cols, values, strict=True))


def visible(batch: dict[str, list]) -> dict[str, list]:
    """``batch`` without robustx's hidden columns (itself when it has none)."""
    if any(c.startswith(HIDDEN_PREFIX) for c in batch):
        return {c: v for c, v in batch.items() if not c.startswith(HIDDEN_PREFIX)}
    return batch
