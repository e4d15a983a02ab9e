"""Write an XNLI-style JSONL file for the whole-process benchmarks (no network).

The built-in sample's XNLI pairs in 9 languages and scripts (ar de el en hi ru th vi zh), in the
google/xtreme columns (``language``, ``sentence1``, ``sentence2``, ``gold_label``), repeated with
a counter appended to ``sentence1`` so that every example is distinct.

    python benchmarks/make_xnli.py --n 60000 --out /tmp/xnli60k.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from robustx.tasks.sources import SAMPLE_DIR


def pairs(n: int) -> list[dict]:
    """``n`` distinct pairs cycling through the sample's XNLI rows."""
    base = [json.loads(line) for path in sorted((SAMPLE_DIR / "xnli").glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{**base[i % len(base)], "sentence1": f"{base[i % len(base)]['sentence1']} {i}"}
            for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=60000, help="number of sentence pairs")
    ap.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    args = ap.parse_args()
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in pairs(args.n))


if __name__ == "__main__":
    main()
