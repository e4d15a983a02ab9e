"""The optional compiled engine (robustx.core.accel): used only when built from exactly the
running sources, off with ROBUSTX_ACCEL=0, and byte-identical to pure Python. Where mypyc and a
C compiler are present (CI has both) it is built here, then the golden corrupt hashes of every
shipped profile and the noise tests (expected-output tables, property tests over arbitrary
Unicode) run against it."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from robustx.core import accel

ROOT = Path(__file__).resolve().parents[1]
CAN_BUILD = importlib.util.find_spec("mypyc") is not None and (
    shutil.which("cc") or shutil.which("gcc"))


def test_the_fingerprint_follows_every_source_file(tmp_path):
    pkg = tmp_path / "robustx"
    shutil.copytree(accel.PKG, pkg, ignore=lambda d, names: [
        n for n in names if not n.endswith(".py") and not (Path(d) / n).is_dir()])
    before = accel.fingerprint(pkg)
    assert accel.fingerprint(pkg) == before
    cli = pkg / "cli" / "__init__.py"  # far from the compiled modules: still a new build
    cli.write_text(cli.read_text() + "\n")
    assert accel.fingerprint(pkg) != before


def test_only_a_complete_build_of_these_sources_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("ROBUSTX_ACCEL_DIR", str(tmp_path))
    monkeypatch.delenv("ROBUSTX_ACCEL", raising=False)
    monkeypatch.setattr(accel, "ACTIVE", accel.ACTIVE)
    monkeypatch.setattr(sys, "path", list(sys.path))
    path = ["src"]
    assert accel.activate(path) is None and path == ["src"]  # nothing built
    folder = accel.built_dir()
    (folder / "robustx" / "noise").mkdir(parents=True)
    assert accel.activate(path) is None and path == ["src"]  # a build cut short
    (folder / accel.READY).write_text("{}")
    monkeypatch.setenv("ROBUSTX_ACCEL", "0")
    assert accel.activate(path) is None and path == ["src"]
    assert "off" in accel.status()
    monkeypatch.delenv("ROBUSTX_ACCEL")
    assert accel.activate(path) == str(folder)
    assert path == [str(folder / "robustx" / "noise"), "src"]
    assert str(folder) in sys.path
    # a complete build of other sources is never picked up
    other = tmp_path / ("0" * 20)
    shutil.move(folder, other)
    path = ["src"]
    assert accel.activate(path) is None and path == ["src"]


def test_building_without_mypyc_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ROBUSTX_ACCEL_DIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "mypy.version", None)  # import fails as if not installed
    assert accel.main(["build"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == 'robustx: error: the compiled engine needs mypyc: pip install "robustx[accel]"'


def test_an_unwritable_cache_is_one_clear_line(tmp_path, monkeypatch, capsys):
    pytest.importorskip("mypy.version")
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("ROBUSTX_ACCEL_DIR", str(blocker / "accel"))  # below a file
    assert accel.main(["build"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("robustx: error: ") and "file" in err[0]


@pytest.mark.skipif(not CAN_BUILD, reason="needs mypyc (pip install robustx[accel]) and a C "
                                          "compiler; CI has both")
def test_the_compiled_engine_writes_the_same_bytes(tmp_path):
    env = {**os.environ, "ROBUSTX_ACCEL_DIR": str(tmp_path / "cache")}
    env.pop("ROBUSTX_ACCEL", None)
    build = subprocess.run([sys.executable, "-m", "robustx.core.accel", "build"], env=env,
                           capture_output=True, text=True, cwd=ROOT)
    assert build.returncode == 0, build.stderr[-3000:]
    probe = subprocess.run(
        [sys.executable, "-c", "import json, robustx.noise.engine as e, robustx.noise.typo as t;"
         "from robustx.noise.manifest import _versions;"
         "print(json.dumps([e.__file__, t.__file__, _versions()['engine']]))"],
        env=env, capture_output=True, text=True, cwd=ROOT, check=True)
    engine, typo, label = json.loads(probe.stdout)
    assert engine.startswith(str(tmp_path)) and typo.startswith(str(tmp_path))
    assert engine.endswith(".so") or engine.endswith(".pyd")
    assert label == "compiled (mypyc)"
    golden = subprocess.run([sys.executable, "benchmarks/golden.py", "--check",
                             "benchmarks/golden.json"], env=env, capture_output=True, text=True,
                            cwd=ROOT)
    assert golden.returncode == 0, golden.stdout[-3000:] + golden.stderr[-2000:]
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                            "tests/noise"], env=env,
                           capture_output=True, text=True, cwd=ROOT)
    assert tests.returncode == 0, tests.stdout[-4000:]
