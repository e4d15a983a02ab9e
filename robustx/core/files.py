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

from ..errors import UsageError


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


TMP_MARK = ".robustx-pid"  # inside a temporary output folder: the pid of the run writing it


def make_tmp_dir(out: Path) -> Path:
    """A fresh temporary folder beside ``out`` to build the output in (its permissions from the
    umask), marked with this process's pid; stale ones of killed runs are removed first."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_tmp_dirs(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    os.chmod(tmp, 0o777 & ~umask())
    (tmp / TMP_MARK).write_text(str(os.getpid()), encoding="utf-8")
    return tmp


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_tmp_dirs(out: Path) -> list[Path]:
    """Remove temporary folders for ``out`` left by runs that are no longer alive (SIGKILL, a
    power cut); a folder of a live run, or one robustx did not mark, is left alone."""
    import shutil

    removed = []
    for tmp in out.parent.glob(f".{out.name}.tmp-*"):
        try:
            pid = int((tmp / TMP_MARK).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
    return removed


class OutputExists(FileExistsError, UsageError):
    """The output appeared while this run was building it (another run, same ``--out``): a
    usage error (exit 2) that says nothing was replaced."""


def commit_dir(tmp: Path, out: Path, force: bool) -> None:
    """Move the finished ``tmp`` to ``out`` in one rename.

    Without ``force`` the rename fails if ``out`` appeared meanwhile (:class:`OutputExists`),
    so two concurrent runs never silently replace each other. With ``force`` an existing
    ``out`` is moved aside first and deleted only after the new one is in place.
    """
    import shutil

    (tmp / TMP_MARK).unlink(missing_ok=True)
    old = None
    if force and (out.exists() or out.is_symlink()):
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.rename(out, old)
    try:
        os.rename(tmp, out)  # POSIX: fails on an existing non-empty folder
    except OSError as exc:
        if old is not None:
            os.rename(old, out)
        if out.exists():
            raise OutputExists(f"{out} appeared while this run was writing it; nothing was "
                               "replaced (pass --force to replace it)") from exc
        raise
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
