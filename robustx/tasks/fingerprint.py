"""Fingerprints of what was read, for run signatures and caches: a split's identity is its file
bytes for local data (the sample included) and its Arrow fingerprint for hub data."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from .io import companions
from .sources import SAMPLE_DIR
from .split import Split


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def data_fingerprint(splits: Sequence[Split]) -> str:
    """Hash of what was read: file bytes for local data, Arrow fingerprints for hub data."""
    h = hashlib.sha256()
    for s in splits:
        src = s.source.split(":", 1)[-1] if s.source.startswith("sample:") else s.source
        if s.source.startswith("sample:"):
            src = str(SAMPLE_DIR / src)
        p = Path(src)
        digest = file_hash(p) if p.is_file() else str(getattr(s.dataset, "_fingerprint", ""))
        if p.is_file():  # the English side and gold file of a sentence-file pair
            digest += "".join(f"+{file_hash(c)}" for c in companions(p))
        h.update(f"{s.relpath}\x1f{s.lang}\x1f{len(s.dataset)}\x1f{digest}\n".encode())
    return h.hexdigest()[:8]
