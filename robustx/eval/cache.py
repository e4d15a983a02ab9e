"""On-disk prediction cache and data fingerprints, so re-scoring the same thing is free.

Entries are keyed by (checkpoint fingerprint, data fingerprint, task, language, head parameters,
precision): everything that can change a prediction. Batch size and device count cannot, beyond
float noise, and are left out.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..core.files import write_json_atomic


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """Where predictions are cached, following the Hugging Face cache conventions:
    ``cache_dir``, else $ROBUSTX_CACHE, else $HF_HOME/robustx, else
    $XDG_CACHE_HOME/huggingface/robustx, else ~/.cache/huggingface/robustx."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    if os.environ.get("ROBUSTX_CACHE"):
        return Path(os.environ["ROBUSTX_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "robustx"
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "huggingface" / "robustx"
    return Path.home() / ".cache" / "huggingface" / "robustx"


def stable_hash(obj: Any) -> str:
    """sha256 of canonical JSON (sorted keys, UTF-8); 16 hex digits."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def data_fingerprint(dataset, columns: list[str] | None = None) -> str:
    """Hash of the rows (in order) of ``columns`` (all columns when None)."""
    cols = columns or list(dataset.column_names)
    h = hashlib.sha256()
    for row in dataset.select_columns(cols).iter(batch_size=1000):
        h.update(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str).encode())
    return h.hexdigest()[:16]


def _entry(root: Path, key: dict) -> Path:
    return root / "predictions" / f"{stable_hash(key)}.json"


def get(root: Path, key: dict) -> Any | None:
    """The cached predictions for ``key``, or None (a corrupt entry counts as a miss)."""
    path = _entry(root, key)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc.get("predictions") if doc.get("key") == key else None


def put(root: Path, key: dict, predictions: Any) -> None:
    # a read-only cache must not fail an evaluation
    with contextlib.suppress(OSError):
        write_json_atomic(_entry(root, key), {"key": key, "predictions": predictions})
