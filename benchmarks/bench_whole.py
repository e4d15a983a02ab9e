"""Whole process, as a user runs it: ``robustx corrupt`` vs an nlpaug script vs a JSON floor.

Every contender is a fresh process over the same XNLI-style JSONL file (``make_xnli.py``: the
sample's pairs in 9 languages) writing JSONL, so imports, reading, validating, measuring the
intensity and writing all count:

* ``robustx corrupt --profile typo --severity 3``, pure Python (``ROBUSTX_ACCEL=0``) with
  ``--num-proc 1``, ``--num-proc 2`` and the default (auto);
* the same with the compiled engine (``python -m robustx.core.accel build`` first; skipped
  when it is not built), ``--num-proc 1`` and ``2``;
* ``nlpaug_keyboard.py``: nlpaug ``KeyboardAug(aug_word_p=0.1, aug_char_max=1,
  tokenizer=str.split)`` over both sentences, ten lines;
* ``json_floor.py``: ``json.loads`` and ``json.dumps`` of every line, no noise at all.

Rounds interleave the contenders (A B C D, A B C D, ...) after one warm-up round, and each
ratio is taken within a round, then the median over rounds: on a shared machine whose speed
drifts, a ratio is what holds. Every robustx contender must write the same bytes. Not a test:
timings are never asserted.

    python benchmarks/bench_whole.py --n 60000 --repeats 5 --json benchmarks/whole.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_xnli import pairs  # noqa: E402


def compiled_built() -> bool:
    """Whether a compiled engine is built for this checkout (robustx.core.accel)."""
    from robustx.core import accel

    return (accel.built_dir() / accel.READY).is_file()


def contenders(src: Path, tmp: Path, compiled: bool) -> dict[str, tuple[list[str], dict]]:
    """name -> (command, environment)."""
    rx = [sys.executable, "-m", "robustx.cli", "corrupt", "--profile", "typo", "--severity", "3",
          "--input", str(src), "--force", "--quiet"]
    # As a user's Python runs: bytecode cached after the warm-up round (pip has compiled the
    # installed nlpaug's; an editable robustx's is written on first import unless
    # PYTHONDONTWRITEBYTECODE, set on this project's machines, forbids it).
    base = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "ROBUSTX_ACCEL")}
    py = {**base, "ROBUSTX_ACCEL": "0"}
    out = {
        "robustx_1": ([*rx, "--num-proc", "1", "--out", str(tmp / "rx1")], py),
        "robustx_2": ([*rx, "--num-proc", "2", "--out", str(tmp / "rx2")], py),
        "robustx_auto": ([*rx, "--out", str(tmp / "rxauto")], py),
    }
    if compiled:
        out["compiled_1"] = ([*rx, "--num-proc", "1", "--out", str(tmp / "cx1")], base)
        out["compiled_2"] = ([*rx, "--num-proc", "2", "--out", str(tmp / "cx2")], base)
    out["nlpaug"] = ([sys.executable, str(HERE / "nlpaug_keyboard.py"), str(src),
                      str(tmp / "na.jsonl")], base)
    out["floor"] = ([sys.executable, str(HERE / "json_floor.py"), str(src),
                     str(tmp / "fl.jsonl")], base)
    return out


ROBUSTX = {"robustx_1": "rx1", "robustx_2": "rx2", "robustx_auto": "rxauto",
           "compiled_1": "cx1", "compiled_2": "cx2"}
LABELS = {"robustx_1": "`robustx corrupt --num-proc 1`, pure Python",
          "robustx_2": "`robustx corrupt --num-proc 2`, pure Python",
          "robustx_auto": "`robustx corrupt` (`--num-proc auto`), pure Python",
          "compiled_1": "`robustx corrupt --num-proc 1`, compiled engine",
          "compiled_2": "`robustx corrupt --num-proc 2`, compiled engine"}


def readme_cell(res: dict) -> str:
    """README's Speed-table cell for figures ``res`` (``tests/test_doc_numbers.py`` checks that
    README quotes the committed ``benchmarks/whole.json`` this way)."""
    r = res["ratios"]
    return (f"nlpaug's time / `robustx corrupt`'s, one process: **{r['nlpaug/compiled_1']:.2f}x** "
            f"with the compiled engine, {r['nlpaug/robustx_1']:.2f}x pure Python; "
            f"`robustx corrupt` takes {r['compiled_1/floor']:.1f}x "
            f"({r['robustx_1/floor']:.1f}x pure Python) the time of a plain `json` read + write; "
            f"two processes: {r['robustx_1/robustx_2']:.2f}x the speed of one on "
            f"{res['cores']} cores ({res['date']})")


def table(res: dict) -> str:
    """benchmarks/README.md's table for figures ``res`` (checked like :func:`readme_cell`)."""
    sec, r = res["seconds"], res["ratios"]
    rows = []
    for name, label in LABELS.items():
        if name not in sec:
            continue
        cells = [f"{r[f'{name}/floor']:.2f}x the floor", f"nlpaug takes {r[f'nlpaug/{name}']:.2f}x its time"]
        if name.endswith("_2") or name.endswith("_auto"):
            one = name.rsplit("_", 1)[0] + "_1"
            cells.append(f"{r[f'{one}/{name}']:.2f}x the speed of 1 process")
        rows.append((label, sec[name], "; ".join(cells)))
    rows += [("nlpaug `KeyboardAug` script", sec["nlpaug"], ""),
             ("`json` read + write (floor)", sec["floor"], "1.00x")]
    return "\n".join(["| contender | median s | ratios (median of per-round ratios) |",
                      "|---|---:|---|",
                      *(f"| {a} | {b:.2f} | {c} |" for a, b, c in rows)])


def run(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=60000, help="number of sentence pairs")
    ap.add_argument("--repeats", type=int, default=5, help="counted rounds")
    ap.add_argument("--skip-nlpaug", action="store_true")
    ap.add_argument("--json", type=Path, help="write the figures here")
    a = ap.parse_args(argv)
    compiled = compiled_built()
    if not compiled:
        print("no compiled engine built for this checkout (python -m robustx.core.accel "
              "build): its rows are left out", file=sys.stderr)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        src = tmp / "xnli.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pairs(a.n)),
                       encoding="utf-8")
        cmds = contenders(src, tmp, compiled)
        if a.skip_nlpaug:
            cmds.pop("nlpaug")
        load = os.getloadavg()[0]
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for r in range(a.repeats + 1):
            for name, (cmd, env) in cmds.items():
                t = run(cmd, env)
                if r:  # round 0 warms the page cache and the bytecode
                    times[name].append(t)
        outs = {(tmp / ROBUSTX[k] / "xnli.jsonl").read_bytes() for k in cmds if k in ROBUSTX}
        same = len(outs) == 1

    def ratio(num: str, den: str) -> float:
        return round(statistics.median(x / y for x, y in zip(times[num], times[den], strict=True)), 2)

    rx = [k for k in cmds if k in ROBUSTX]
    ratios = {f"{k}/floor": ratio(k, "floor") for k in rx}
    if "nlpaug" in times:
        ratios |= {f"nlpaug/{k}": ratio("nlpaug", k) for k in rx}
    ratios |= {f"{k[:-1]}1/{k}": ratio(f"{k[:-1]}1", k) for k in rx if k.endswith("_2")}
    ratios["robustx_1/robustx_auto"] = ratio("robustx_1", "robustx_auto")
    if compiled:
        ratios["robustx_1/compiled_1"] = ratio("robustx_1", "compiled_1")
    res = {
        "date": datetime.date.today().isoformat(), "cores": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity") else os.cpu_count(), "pairs": a.n,
        "rounds": a.repeats, "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2),
        "seconds": {k: round(statistics.median(v), 2) for k, v in times.items()},
        "same_bytes": same, "ratios": ratios,
    }
    print("ratios (median of per-round ratios; a/b: a's time over b's):")
    for k, v in ratios.items():
        print(f"  {k:26s} {v:.2f}x")
    print("median seconds:", res["seconds"], f"(load average {res['load_before']} -> "
          f"{res['load_after']} on {res['cores']} cores)")
    print("every robustx contender wrote the same bytes:", same)
    if "nlpaug" in times and compiled:
        print("README cell:", readme_cell(res))
        print(table(res))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return res


if __name__ == "__main__":
    main()
