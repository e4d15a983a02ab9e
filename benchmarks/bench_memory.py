"""Peak memory of ``robustx corrupt`` on a large pair-task split, at two sizes.

Writes an N-example JSONL split (XNLI-style sentence pairs in 9 languages, made distinct with a
counter), runs ``robustx corrupt --profile typo`` on it in a subprocess and polls the resident
memory of the whole process tree (psutil) until it exits. Run at 100k and 1M to show that memory
does not grow with the size of the split. Not a test: nothing is asserted.

    python benchmarks/bench_memory.py --sizes 100000,1000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_corrupt import sentences


def write_split(path: Path, n: int) -> None:
    """Stream rows to disk in chunks so the generator itself stays small."""
    base = sentences(min(n, 1000))
    with path.open("w", encoding="utf-8") as fh:
        for start in range(0, n, 10_000):
            chunk = []
            for i in range(start, min(n, start + 10_000)):
                r = dict(base[i % len(base)])
                r["sentence1"] = f"{r['sentence1'].rsplit(' ', 1)[0]} {i}"
                chunk.append(json.dumps(r, ensure_ascii=False) + "\n")
            fh.write("".join(chunk))


def _anon(pid: int) -> int:
    """Anonymous resident memory (heap, not file pages) of one process, from /proc."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss(cmd: list[str], env: dict[str, str],
             interval: float = 0.05) -> tuple[int, int, float, int]:
    """(peak RSS and peak anonymous RSS of the process tree in bytes, wall seconds, exit code).

    RSS includes the pages of the memory-mapped Arrow file that have been read, which the kernel
    can drop at any time; the anonymous part is the memory the process really holds.
    """
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    root = psutil.Process(proc.pid)
    peak = peak_anon = 0
    while proc.poll() is None:
        try:
            procs = [p for p in [root, *root.children(recursive=True)] if p.is_running()]
            peak = max(peak, sum(p.memory_info().rss for p in procs))
            peak_anon = max(peak_anon, sum(_anon(p.pid) for p in procs))
        except (psutil.Error, OSError):
            pass
        time.sleep(interval)
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode:
        print(err[-2000:], file=sys.stderr)
    return peak, peak_anon, time.perf_counter() - t0, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated example counts")
    ap.add_argument("--num-proc", type=int, default=1)
    ap.add_argument("--tmp", type=Path, default=None, help="scratch folder (needs ~1 GB for 1M)")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    exe = [sys.executable, "-m", "robustx.cli"]
    results = []
    with tempfile.TemporaryDirectory(dir=a.tmp) as tmp:
        for n in sizes:
            src, out = Path(tmp) / f"xnli-{n}.jsonl", Path(tmp) / f"out-{n}"
            write_split(src, n)
            cmd = [*exe, "corrupt", "--profile", "typo", "--input", str(src), "--out", str(out),
                   "--num-proc", str(a.num_proc), "--force"]
            env = {**os.environ, "HF_DATASETS_CACHE": str(Path(tmp) / "hf")}  # Arrow copy
            peak, anon, secs, rc = peak_rss(cmd, env)
            results.append((n, peak, anon, secs, rc, src.stat().st_size))
            src.unlink()
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(Path(tmp) / "hf", ignore_errors=True)
    small = results[0][2]
    print(f"robustx corrupt --profile typo, num_proc {a.num_proc}; peaks over the process tree "
          "(anon: heap memory held; RSS also counts pages of the memory-mapped Arrow file)")
    print(f"{'examples':>10} {'anon vs smallest':>17} {'anon MiB':>9} {'RSS MiB':>8} "
          f"{'input MiB':>10} {'seconds':>8} {'ex/s':>7} {'exit':>5}")
    for n, peak, anon, secs, rc, size in results:
        print(f"{n:>10} {anon / small:>16.2f}x {anon / 2**20:>9.0f} {peak / 2**20:>8.0f} "
              f"{size / 2**20:>10.0f} {secs:>8.1f} {n / secs:>7.0f} {rc:>5}")


if __name__ == "__main__":
    main()
