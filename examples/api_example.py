"""The Python API end to end: corrupt, evaluate, compare, report, gate.

Run ``python examples/train_demo.py --out demo`` first (or point CKPT_A/CKPT_B/DATA at your own
checkpoints and a local copy of XNLI in the google/xtreme columns), then::

    python examples/api_example.py demo
"""

from __future__ import annotations

import sys
from pathlib import Path

from robustx import api


def main(demo: Path) -> int:
    ckpt_a, ckpt_b, data = demo / "standard", demo / "noise-augmented", demo / "test"
    out = demo / "api-report"

    # 1. a noisy copy of the test data; the manifest's signature pins everything
    manifest = api.corrupt("typo", out / "typo-s3", task="xnli", input=data, severity=3,
                           force=True)
    print("noise:", manifest["signature"])

    # 2. score one checkpoint on the noisy copy (scores document, robustx.scores/1)
    scores = api.evaluate(str(ckpt_a), "xnli", data=out / "typo-s3", device="cpu",
                          progress=False)
    print("A on typo s3:", {lang: round(r["score"], 1) for lang, r in scores["results"].items()})

    # 3. compare B against A on clean data and two severities, with paired statistics
    run = api.compare(ckpt_a, ckpt_b, "xnli", profiles=["typo"], severities=[1, 3], data=data,
                      out=out, device="cpu", force=True)
    doc = run.report  # also written to out/report.json and out/report.md
    avg = next(r for r in doc["results"] if r["lang"] == "all" and r["severity"] == 3)
    d = avg["diff"]
    print(f"B - A under typo s3: {d['estimate']:+.1f} points, 95% CI "
          f"[{d['ci_low']:+.1f}, {d['ci_high']:+.1f}]")

    # 4. the CI gate on the written report (JUnit next to it)
    result = api.gate(run.paths["json"], Path(__file__).with_name("gate.yaml"))
    for r in result.results:
        print("PASS" if r.passed else "FAIL", r.check.label, "-", r.message)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo")))
