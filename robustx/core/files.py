"""Atomic writes: a temporary file in the target's folder, then one rename.

A reader never sees half a file, and a crash leaves the old file (or none), never a torn one.
The file gets the permissions the umask gives (``mkstemp`` alone would make it 0600).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~umask())
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, obj: Any, **dump: Any) -> None:
    """``json.dump(obj, ensure_ascii=False, **dump)`` written atomically to ``path``."""
    write_text_atomic(path, json.dumps(obj, ensure_ascii=False, **dump))
