"""Start-up: wall time of ``robustx --help`` and ``robustx corrupt`` on the built-in sample.

Each command runs in a fresh subprocess, several times; the median is reported next to a bare
``python -c pass`` (the interpreter's own start-up, the floor). Also proves that the CLI's start
and a whole ``robustx corrupt`` never import torch or transformers, and lists the slowest imports
of ``robustx --help`` (``python -X importtime``). Not a test: nothing is asserted.

    python benchmarks/bench_startup.py --repeats 7
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("torch", "transformers", "datasets", "pyarrow", "numpy", "sacrebleu", "rich")
PROBE = """
import sys
from robustx.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print("IMPORTED", ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def median_wall(cmd: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def imported(args: list[str]) -> list[str]:
    """Heavy modules present in sys.modules after running the CLI with ``args`` in-process."""
    code = PROBE.format(heavy=HEAVY)
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    line = next(x for x in res.stderr.splitlines() if x.startswith("IMPORTED"))
    return [m for m in line.split(" ", 1)[1].split(",") if m]


def slowest_imports(top: int) -> list[tuple[int, str]]:
    """Cumulative import time (us) of the slowest top-level imports of ``robustx --help``."""
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "robustx.cli", "--help"],
                         capture_output=True, text=True)
    rows = []
    for line in res.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cum, name = line[len("import time:"):].split("|")
            if cum.strip().isdigit() and name[1:2] != " ":  # deeper imports are indented
                rows.append((int(cum), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--top", type=int, default=8, help="slowest imports to list")
    a = ap.parse_args()
    py = sys.executable
    exe = Path(py).parent / "robustx"
    cli = [str(exe)] if exe.is_file() else [py, "-m", "robustx.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "noisy")
        corrupt = ["corrupt", "--profile", "typo", "--out", out, "--force"]
        runs = {
            "python -c pass (floor)": median_wall([py, "-c", "pass"], a.repeats),
            "robustx --help": median_wall([*cli, "--help"], a.repeats),
            "robustx corrupt (sample)": median_wall([*cli, *corrupt], a.repeats),
        }
        heavy_help = imported(["--help"])
        heavy_corrupt = imported(corrupt)
    floor = runs["python -c pass (floor)"]
    print(f"median of {a.repeats} runs; entry point: {' '.join(cli)}")
    print(f"{'command':<28}{'vs python -c pass':>18}{'seconds':>9}")
    for name, secs in runs.items():
        print(f"{name:<28}{secs / floor:>17.2f}x{secs:>9.3f}")
    print(f"\nheavy modules imported by robustx --help: {', '.join(heavy_help) or 'none'}")
    print(f"heavy modules imported by robustx corrupt: {', '.join(heavy_corrupt) or 'none'}")
    print(f"torch imported: --help {'torch' in heavy_help}, corrupt {'torch' in heavy_corrupt}")
    print("\nslowest top-level imports of robustx --help (cumulative ms):")
    for us, name in slowest_imports(a.top):
        print(f"  {us / 1000:7.1f}  {name}")


if __name__ == "__main__":
    main()
