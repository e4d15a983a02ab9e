"""Outputs are committed whole or not at all: concurrent runs, SIGKILL, links, permissions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from robustx.cli import main

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run(capsys, *args):
    code = main(list(args))
    return code, capsys.readouterr().err


def xnli(path: Path, n: int) -> Path:
    row = {"sentence1": "Das ist ein kleiner Satz über das Wetter in Berlin.",
           "sentence2": "Morgen regnet es vielleicht.", "gold_label": "neutral"}
    path.write_text("".join(json.dumps({**row, "sentence1": f"{row['sentence1']} {i}"}) + "\n"
                            for i in range(n)), encoding="utf-8")
    return path


def corrupt_cmd(src: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "robustx.cli", "corrupt", "--profile", "typo", "--input",
            str(src), "--out", str(out), "--quiet"]


def test_two_concurrent_runs_into_one_new_out_never_replace_each_other(tmp_path):
    src = xnli(tmp_path / "de.jsonl", 3000)
    out = tmp_path / "out"
    procs = [subprocess.Popen(corrupt_cmd(src, out), env=ENV, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert sorted(code for code, _ in results) == [0, 2], results
    err = next(e for code, e in results if code == 2)
    assert len(err.strip().splitlines()) == 1
    assert "already exists" in err or "appeared while this run was writing it" in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"][0]["examples"] == 3000
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_an_out_that_appears_during_the_run_is_not_replaced(tmp_path, capsys, monkeypatch):
    from robustx.core import files

    out = tmp_path / "out"
    real = files.commit_dir

    def late(tmp, dest, force):  # another run finished first
        dest.mkdir()
        (dest / "theirs.txt").write_text("theirs", encoding="utf-8")
        return real(tmp, dest, force)

    monkeypatch.setattr("robustx.noise.pipeline.commit_dir", late)
    code, err = run(capsys, "corrupt", "--profile", "typo", "--task", "xnli", "--sample",
                    "--lang", "de", "--out", str(out), "--quiet")
    assert code == 2 and "appeared while this run was writing it" in err
    assert [p.name for p in out.iterdir()] == ["theirs.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_after_sigkill_the_next_run_removes_the_stale_temporary_folder(tmp_path):
    src = xnli(tmp_path / "de.jsonl", 60000)
    out = tmp_path / "out"
    proc = subprocess.Popen(corrupt_cmd(src, out), env=ENV, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.tmp-*/de.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    [stale] = list(tmp_path.glob(".out.tmp-*"))
    assert not out.exists()
    (tmp_path / "small").mkdir()
    small = xnli(tmp_path / "small" / "de.jsonl", 10)
    done = subprocess.run(corrupt_cmd(small, out), env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.jsonl", "out", "small"]


def test_a_live_runs_temporary_folder_is_left_alone(tmp_path):
    from robustx.core import files

    live = tmp_path / ".out.tmp-live"
    live.mkdir()
    (live / files.TMP_MARK).write_text(str(os.getppid()), encoding="utf-8")
    foreign = tmp_path / ".out.tmp-foreign"  # no mark: not robustx's
    foreign.mkdir()
    assert files.remove_stale_tmp_dirs(tmp_path / "out") == []
    assert live.exists() and foreign.exists()


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlinked_out_is_refused_before_any_work(tmp_path, capsys, dangling):
    target = tmp_path / "real"
    if not dangling:
        target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    code, err = run(capsys, "corrupt", "--profile", "typo", "--task", "xnli", "--sample",
                    "--lang", "de", "--out", str(link), "--force", "--quiet")
    assert code == 2 and "is a symbolic link" in err and len(err.strip().splitlines()) == 1
    assert link.is_symlink() and (target.exists() != dangling)


def test_an_out_inside_the_input_folder_is_refused(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    xnli(data / "de.jsonl", 5)
    code, err = run(capsys, "corrupt", "--profile", "typo", "--input", str(data), "--out",
                    str(data / "noisy"), "--quiet")
    assert code == 2 and "is inside the input folder" in err
    assert sorted(p.name for p in data.iterdir()) == ["de.jsonl"]


def test_an_existing_out_is_refused_before_the_input_is_read(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    code, err = run(capsys, "corrupt", "--profile", "typo", "--input",
                    str(tmp_path / "MISSING.jsonl"), "--out", str(tmp_path / "out"))
    assert code == 2 and "already exists; pass --force" in err


def test_outputs_get_the_permissions_of_the_umask(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        code, _ = run(capsys, "corrupt", "--profile", "typo", "--task", "xnli", "--sample",
                      "--lang", "de", "--out", str(tmp_path / "out"), "--quiet")
    finally:
        os.umask(old)
    assert code == 0
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "out" / "manifest.json").stat().st_mode & 0o777 == 0o644


def _qa(path: Path, good: int, bad: int) -> Path:
    ctx = "Berlin ist die Hauptstadt von Deutschland und hat viele Museen."
    rows = [{"id": f"g{i}", "context": ctx, "question": "Was ist Berlin?",
             "answers": {"answer_start": [0], "text": ["Berlin"]}} for i in range(good)]
    rows += [{"id": f"b{i}", "context": ctx, "question": "Was ist Berlin?",
              "answers": {"answer_start": [3], "text": ["Paris"]}} for i in range(bad)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_a_wholly_invalid_input_is_an_error_and_leaves_nothing(tmp_path, capsys):
    src = _qa(tmp_path / "de.jsonl", 0, 3)
    code, err = run(capsys, "corrupt", "--profile", "typo", "--task", "xquad", "--input",
                    str(src), "--out", str(tmp_path / "o"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "none of its 3 example(s) can be kept valid" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.jsonl"]


def test_a_partly_invalid_input_is_written_with_a_warning(tmp_path, capsys):
    src = _qa(tmp_path / "de.jsonl", 2, 1)
    code, err = run(capsys, "corrupt", "--profile", "typo", "--task", "xquad", "--input",
                    str(src), "--out", str(tmp_path / "o"))
    assert code == 0
    assert "warning: 1 example(s) could not be kept valid and were written unchanged" in err
