"""Load a checkpoint for a task family and fingerprint it by content.

Local directories and hub ids both go through the ``transformers`` Auto classes. Weights must
be safetensors unless the caller opts in to pickle (``allow_pickle``); remote code never runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from ..errors import ModelError
from ..tasks import FAMILIES

_PICKLE = ("pytorch_model.bin", "pytorch_model.bin.index.json")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def check_local(checkpoint: str | os.PathLike) -> Path | None:
    """The folder of a local checkpoint, None for a hub id, a ModelError for a local-looking
    path that is not a folder. Cheap: run it before reading any data."""
    path = Path(checkpoint).expanduser()
    if path.is_dir():
        return path
    text = str(checkpoint)
    first = text.split("/", 1)[0]
    looks_local = (path.exists() or text.startswith((".", "/", "~")) or text.count("/") != 1
                   or (first not in ("", ".") and Path(first).is_dir()))
    if looks_local:
        what = "is not a directory" if path.exists() else "does not exist"
        raise ModelError(f"checkpoint {text!r} {what} (expected a local checkpoint folder or a "
                         "hub id like 'org/name')")
    return None


def resolve(checkpoint: str | os.PathLike, allow_pickle: bool = False) -> Path:
    """The local directory of ``checkpoint`` (a directory, or a hub id fetched into the HF cache).

    Only safetensors weights are downloaded unless ``allow_pickle``; a hub repository that only
    has pickle weights is reported as such without downloading them.
    """
    path = check_local(checkpoint)
    if path is not None:
        return path
    text = str(checkpoint)
    patterns = ["*.json", "*.safetensors", "*.model", "*.txt"]
    try:
        from huggingface_hub import snapshot_download

        local = Path(snapshot_download(text, allow_patterns=patterns))
        if not any(local.glob("*.safetensors")):
            from huggingface_hub import list_repo_files

            if any(f.endswith(".bin") for f in list_repo_files(text)):
                if not allow_pickle:
                    raise ModelError(
                        f"checkpoint {text!r} on the hub only has pickle weights "
                        "(pytorch_model.bin), which can run arbitrary code when loaded; pass "
                        "--allow-pickle if you trust it")
                local = Path(snapshot_download(text, allow_patterns=[*patterns, "*.bin"]))
        return local
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"checkpoint {text!r} is not a local folder and cannot be fetched from "
                         f"the hub ({_first_line(exc)})") from None


def _check_files(path: Path, allow_pickle: bool) -> None:
    if not (path / "config.json").is_file():
        raise ModelError(f"checkpoint {path} has no config.json")
    has_safe = any(path.glob("*.safetensors"))
    has_pickle = any((path / n).is_file() for n in _PICKLE)
    if not has_safe and not has_pickle:
        raise ModelError(f"checkpoint {path} has no weights (*.safetensors)")
    if not has_safe and not allow_pickle:
        raise ModelError(
            f"checkpoint {path} only has pickle weights (pytorch_model.bin), which can run "
            "arbitrary code when loaded; convert it to safetensors or pass --allow-pickle"
        )


def check_head(config, family: str) -> None:
    """A classification/tagging/QA task needs a checkpoint trained with that head."""
    suffix = FAMILIES.get(family).arch_suffix
    archs = list(getattr(config, "architectures", None) or [])
    if suffix and archs and not any(a.endswith(suffix) for a in archs):
        raise ModelError(
            f"checkpoint architecture {archs} does not fit a {family} task "
            f"(needs a *{suffix} model)"
        )


_last: list | None = None  # inside reuse_last(): [key, (model, tokenizer, path)] or [None, None]


@contextlib.contextmanager
def reuse_last():
    """Within this block :func:`load` returns the checkpoint it loaded last when asked for the
    same one again (same name, family and pickle setting), instead of reading it from disk.

    Only the most recent checkpoint is kept, so no more than one model is held at a time.
    """
    global _last
    outer, _last = _last, [None, None]
    try:
        yield
    finally:
        _last = outer


def load(checkpoint: str | os.PathLike, family: str, allow_pickle: bool = False):
    """(model, tokenizer, local path) for ``family``; every failure is a ModelError."""
    key = (str(checkpoint), family, bool(allow_pickle))
    if _last is not None and _last[0] == key:
        return _last[1]
    loaded = _load(checkpoint, family, allow_pickle)
    if _last is not None:
        _last[:] = [key, loaded]
    return loaded


def inspect(checkpoint: str | os.PathLike, family: str, allow_pickle: bool = False):
    """(local path, config) of a checkpoint that fits ``family``, without reading its weights:
    enough to fingerprint it and look its predictions up in the cache."""
    import transformers

    path = resolve(checkpoint, allow_pickle)
    _check_files(path, allow_pickle)
    try:
        config = transformers.AutoConfig.from_pretrained(path, trust_remote_code=False)
    except Exception as exc:
        raise ModelError(f"cannot read the config of {path}: {_first_line(exc)}") from None
    check_head(config, family)
    return path, config


def _load(checkpoint: str | os.PathLike, family: str, allow_pickle: bool = False):
    import transformers

    from .heads import HEADS

    path, _ = inspect(checkpoint, family, allow_pickle)
    log = transformers.utils.logging
    log.disable_progress_bar()  # robustx shows its own progress
    auto = getattr(transformers, FAMILIES.get(family).auto_class)
    verbosity = log.get_verbosity()
    log.set_verbosity_error()  # missing/unexpected keys are checked below, not dumped as a table
    try:
        model, info = auto.from_pretrained(
            path, trust_remote_code=False, use_safetensors=not allow_pickle or None,
            output_loading_info=True,
        )
        tokenizer = transformers.AutoTokenizer.from_pretrained(path, trust_remote_code=False)
    except Exception as exc:
        raise ModelError(f"cannot load checkpoint {path}: {_first_line(exc)}") from None
    finally:
        log.set_verbosity(verbosity)
    if HEADS.get(family).trained and _head_missing(info.get("missing_keys", [])):
        raise ModelError(
            f"checkpoint {path} has no trained {family} head (its weights would be random: "
            f"{sorted(info['missing_keys'])[:4]})"
        )
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError(f"checkpoint {path} has no fast tokenizer (tokenizer.json)")
    return model, tokenizer, path


def _head_missing(missing: list[str]) -> bool:
    heads = ("classifier", "qa_outputs", "score", "lm_head")
    return any(k.split(".")[0] in heads for k in missing)


def _file_digest(path: Path, memo: dict) -> str:
    st = path.stat()
    key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    if key not in memo:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        memo[key] = h.hexdigest()
    return memo[key]


def fingerprint(path: Path, cache_dir: Path | None = None) -> str:
    """Hash of the config, tokenizer and weight files' bytes (16 hex digits).

    Hashing gigabytes is slow, so digests are memoised on disk by (path, size, mtime).
    """
    memo_file = cache_dir / "file_digests.json" if cache_dir else None
    memo: dict = {}
    if memo_file and memo_file.is_file():
        try:
            memo = json.loads(memo_file.read_text())
        except (OSError, ValueError):
            memo = {}
    before = len(memo)
    names = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in (
        ".json", ".safetensors", ".bin", ".model", ".txt"))
    h = hashlib.sha256()
    for p in names:
        h.update(f"{p.name}:{_file_digest(p, memo)}\n".encode())
    if memo_file and len(memo) != before:
        from ..core.files import write_json_atomic

        write_json_atomic(memo_file, memo)
    return h.hexdigest()[:16]
