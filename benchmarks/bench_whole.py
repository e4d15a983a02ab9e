"""Whole process, as a user runs it: ``robustx corrupt`` vs an nlpaug script vs a JSON floor.

Every contender is a fresh process over the same XNLI-style JSONL file (``make_xnli.py``: the
sample's pairs in 9 languages) writing JSONL, so imports, reading, validating, measuring the
intensity and writing all count:

* ``robustx corrupt --profile typo --severity 3`` with ``--num-proc 1`` and the default (auto);
* ``nlpaug_keyboard.py``: nlpaug ``KeyboardAug(aug_word_p=0.1, aug_char_max=1,
  tokenizer=str.split)`` over both sentences, ten lines;
* ``json_floor.py``: ``json.loads`` and ``json.dumps`` of every line, no noise at all.

Rounds interleave the contenders (A B C D, A B C D, ...) after one warm-up round, and each
ratio is taken within a round, then the median over rounds: on a shared machine whose speed
drifts, a ratio is what holds. Not a test: timings are never asserted.

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


def contenders(src: Path, tmp: Path) -> dict[str, list[str]]:
    rx = [sys.executable, "-m", "robustx.cli", "corrupt", "--profile", "typo", "--severity", "3",
          "--input", str(src), "--force", "--quiet"]
    return {
        "robustx_1": [*rx, "--num-proc", "1", "--out", str(tmp / "rx1")],
        "robustx_auto": [*rx, "--out", str(tmp / "rxauto")],
        "nlpaug": [sys.executable, str(HERE / "nlpaug_keyboard.py"), str(src), str(tmp / "na.jsonl")],
        "floor": [sys.executable, str(HERE / "json_floor.py"), str(src), str(tmp / "fl.jsonl")],
    }


def readme_cell(res: dict) -> str:
    """README's Speed-table cell for figures ``res`` (``tests/test_doc_numbers.py`` checks that
    README quotes the committed ``benchmarks/whole.json`` this way)."""
    return (f"nlpaug's time / `robustx corrupt`'s: **{res['nlpaug_vs_robustx_1']:.2f}x** with "
            f"`--num-proc 1`, {res['nlpaug_vs_robustx_auto']:.2f}x with `--num-proc auto` on "
            f"{res['cores']} busy cores; `robustx corrupt` takes "
            f"{res['robustx_1_vs_floor']:.1f}x the time of a plain `json` read + write "
            f"({res['date']})")


def table(res: dict) -> str:
    """benchmarks/README.md's table for figures ``res`` (checked like :func:`readme_cell`)."""
    sec = res["seconds"]
    rows = [("`robustx corrupt --num-proc 1`", sec["robustx_1"],
             f"{res['robustx_1_vs_floor']:.2f}x the floor; nlpaug takes "
             f"{res['nlpaug_vs_robustx_1']:.2f}x its time"),
            ("`robustx corrupt` (`--num-proc auto`)", sec["robustx_auto"],
             f"{res['robustx_auto_vs_floor']:.2f}x the floor; nlpaug takes "
             f"{res['nlpaug_vs_robustx_auto']:.2f}x its time; {res['auto_speedup']:.2f}x "
             "the speed of 1 process"),
            ("nlpaug `KeyboardAug` script", sec["nlpaug"], ""),
            ("`json` read + write (floor)", sec["floor"], "1.00x")]
    return "\n".join(["| contender | median s | ratios (median of per-round ratios) |",
                      "|---|---:|---|",
                      *(f"| {a} | {b:.2f} | {c} |" for a, b, c in rows)])


def run(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=60000, help="number of sentence pairs")
    ap.add_argument("--repeats", type=int, default=5, help="counted rounds")
    ap.add_argument("--skip-nlpaug", action="store_true")
    ap.add_argument("--json", type=Path, help="write the figures here")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        src = tmp / "xnli.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pairs(a.n)),
                       encoding="utf-8")
        cmds = contenders(src, tmp)
        if a.skip_nlpaug:
            cmds.pop("nlpaug")
        load = os.getloadavg()[0]
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for r in range(a.repeats + 1):
            for name, cmd in cmds.items():
                t = run(cmd)
                if r:  # round 0 warms the page cache and the bytecode
                    times[name].append(t)
        same = (tmp / "rx1" / "xnli.jsonl").read_bytes() == (tmp / "rxauto" / "xnli.jsonl").read_bytes()

    def ratio(num: str, den: str) -> float:
        return statistics.median(x / y for x, y in zip(times[num], times[den], strict=True))

    res = {
        "date": datetime.date.today().isoformat(), "cores": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity") else os.cpu_count(), "pairs": a.n,
        "rounds": a.repeats, "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2),
        "seconds": {k: round(statistics.median(v), 2) for k, v in times.items()},
        "same_bytes_1_and_auto": same,
        "robustx_1_vs_floor": round(ratio("robustx_1", "floor"), 2),
        "robustx_auto_vs_floor": round(ratio("robustx_auto", "floor"), 2),
        "auto_speedup": round(ratio("robustx_1", "robustx_auto"), 2),
    }
    if "nlpaug" in times:
        res["nlpaug_vs_robustx_1"] = round(ratio("nlpaug", "robustx_1"), 2)
        res["nlpaug_vs_robustx_auto"] = round(ratio("nlpaug", "robustx_auto"), 2)
    print("ratios (median of per-round ratios):")
    for k, v in res.items():
        if "_vs_" in k or k == "auto_speedup":
            print(f"  {k:26s} {v:.2f}x")
    print("median seconds:", res["seconds"], f"(load average {res['load_before']} -> "
          f"{res['load_after']} on {res['cores']} cores)")
    print("robustx --num-proc 1 and auto wrote the same bytes:", same)
    if "nlpaug" in times:
        print("README cell:", readme_cell(res))
        print(table(res))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return res


if __name__ == "__main__":
    main()
