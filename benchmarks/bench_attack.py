"""Throughput of ``robustx attack``: queries/s and examples/s on the demo's tiny classifiers.

Trains the demo (``examples/train_demo.py --tiny``) unless ``--demo DIR`` points at one, then
attacks both checkpoints on the first ``--n`` test examples of each language and prints, per
checkpoint, examples/s (every example: clean scoring, search and writing), queries/s (candidate
examples scored by the search), model calls (examples that reached the model, memo hits
excluded) and the success rate. A benchmark, not a test: nothing is asserted.

    python benchmarks/bench_attack.py                       # CPU
    python benchmarks/bench_attack.py --device cuda --demo demo
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--demo", help="an examples/train_demo.py output (default: train one)")
    p.add_argument("--n", type=int, default=50, help="examples per language (default 50)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--beam", type=int, default=1)
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    from robustx import api

    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(args.demo) if args.demo else Path(tmp) / "demo"
        if not args.demo:
            subprocess.run([sys.executable, str(ROOT / "examples" / "train_demo.py"), "--out",
                            str(demo), "--tiny"], check=True, capture_output=True)
        data = Path(tmp) / "data" / "xnli"
        data.mkdir(parents=True)
        for f in sorted((demo / "test" / "xnli").glob("*.jsonl")):
            lines = f.read_text(encoding="utf-8").splitlines()[:args.n]
            (data / f.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"robustx attack, typo profile, budget 0.15, beam {args.beam}, device "
              f"{args.device}, {args.n} examples x {len(list(data.glob('*.jsonl')))} languages")
        print(f"{'checkpoint':<18}{'examples/s':>12}{'queries/s':>12}{'queries':>10}"
              f"{'model calls':>13}{'success':>9}")
        for name in ("standard", "noise-augmented"):
            out = Path(tmp) / f"adv-{name}"
            start = time.perf_counter()
            doc = api.attack(demo / name, "xnli", out, data=data.parent, device=args.device,
                             beam=args.beam)
            secs = time.perf_counter() - start
            res = doc["results"].values()
            n = sum(r["n"] for r in res)
            queries = sum(r["mean_queries"] * r["attacked"] for r in res)
            calls = sum(r["model_calls"] for r in res)
            search_secs = sum(r["seconds"] for r in res)
            print(f"{name:<18}{n / search_secs:>12.1f}{queries / search_secs:>12.1f}"
                  f"{queries:>10.0f}{calls:>13}{doc['average']['success_rate']:>8.1f}%")
            print(f"  (wall {secs:.1f} s with model loading and writing; "
                  f"{json.dumps(doc['average'])})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
