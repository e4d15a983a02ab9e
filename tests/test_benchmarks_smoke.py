"""Seconds-long runs of every benchmark script at tiny sizes, so they keep working.

Only that they run and print their tables is checked (plus the start-up script's finding that
the CLI does not import torch); timings are never asserted.
"""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def run(script: str, *args: str) -> str:
    res = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout


def test_bench_corrupt():
    out = run("bench_corrupt.py", "--n", "40", "--repeats", "1")
    assert "40 sentence pairs" in out
    assert "robustx engine is" in out and "nlpaug KeyboardAug" in out
    assert "identity-map floor" in out and "with 2 processes" in out
    assert "robustx 0.0%" in out  # robustx keeps whitespace tokens aligned


def test_bench_startup():
    out = run("bench_startup.py", "--repeats", "1", "--top", "3")
    assert "robustx --help" in out and "robustx corrupt (sample)" in out
    assert "torch imported: --help False, corrupt False" in out


def test_bench_memory(tmp_path):
    out = run("bench_memory.py", "--sizes", "100,300", "--tmp", str(tmp_path))
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in (["100"], ["300"])]
    assert len(rows) == 2 and all(r[-1] == "0" for r in rows), out  # both runs exited 0


def test_bench_evaluate():
    pytest.importorskip("torch")
    out = run("bench_evaluate.py", "--size", "tiny", "--n", "24", "--skip-unbatched",
              "--repeats", "1")
    assert "robustx engine" in out and "pipeline batch_size=32" in out
    assert "tokens/s" in out and "agreement" in out


@pytest.mark.slow
def test_bench_attack():
    out = run("bench_attack.py", "--n", "4")
    assert "examples/s" in out and "standard" in out and "noise-augmented" in out


def test_bench_whole():
    out = run("bench_whole.py", "--n", "300", "--repeats", "1", "--skip-nlpaug")
    assert "robustx_1/floor" in out and "robustx_1/robustx_2" in out
    assert "wrote the same bytes: True" in out


@pytest.mark.slow
def test_gpu_check_dry_run_on_the_cpu():
    pytest.importorskip("torch")
    res = subprocess.run(["bash", str(BENCH / "gpu_check.sh"), "--tiny"], capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "robustx engine" in res.stdout and "fixed pad 128, fp32" in res.stdout
    assert "vs fp32 loop" in res.stdout and "peak MiB" in res.stdout
    assert "== 2. attack queries/s" in res.stdout and "== 3. train steps/s" in res.stdout
    assert "noise-augmented" in res.stdout and "section stopped" not in res.stdout
    assert "freelb" in res.stdout.split("== 3. train steps/s")[1]


def test_gpu_train_smoke_runs_on_the_cpu():
    """benchmarks/gpu_train_smoke.py at a tiny size (the GPU run is docs/experiment.md's)."""
    pytest.importorskip("accelerate")
    out = run("gpu_train_smoke.py", "--size", "tiny", "--steps", "2", "--methods", "none,fgm",
              "--length", "16")
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in (["none"], ["fgm"])]
    assert len(rows) == 2 and all(float(r[1]) > 0 for r in rows), out
    assert "full recipe: mnli 392702 + squad 87599 examples" in out
