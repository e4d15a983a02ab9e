"""Atomic writes: the whole text or the old file, never a torn one or a stray temporary."""

from __future__ import annotations

import json

import pytest

from robustx.core import files


def test_write_text_atomic_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "a.json"
    files.write_text_atomic(target, "one")
    files.write_json_atomic(target, {"ü": 1}, indent=1)
    assert json.loads(target.read_text(encoding="utf-8")) == {"ü": 1}
    assert "ü" in target.read_text(encoding="utf-8")  # ensure_ascii off
    assert [p.name for p in target.parent.iterdir()] == ["a.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        files.write_text_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_files_get_the_permissions_of_the_umask(tmp_path):
    old = files.os.umask(0o027)
    try:
        files.write_text_atomic(tmp_path / "a.txt", "x")
    finally:
        files.os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
