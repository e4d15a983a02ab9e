"""examples/seed_experiment.py --tiny end to end: three trained models, two compares (noise and
attack), a report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("accelerate")
pytest.importorskip("tokenizers")


@pytest.mark.slow
def test_seed_experiment_runs_and_reports(tmp_path):
    out = tmp_path / "seed"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "seed_experiment.py"),
                           "--out", str(out), "--tiny"], capture_output=True, text=True,
                          timeout=400, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    recipes = {m: json.loads((out / m / "training.json").read_text("utf-8"))["recipe"]
               for m in ("standard", "freelb", "typo")}
    # the same recipe except for the perturbation or the noise
    assert recipes["standard"].startswith("train[xnli<-mnli-en]|") and "|adv:none|" in \
        recipes["standard"]
    assert recipes["freelb"] == recipes["standard"].replace(
        "|adv:none|", "|adv:freelb(eps=0.05,steps=2,lr=0.02)|")
    head, tail = recipes["standard"].split("|adv:none|")
    assert recipes["typo"].startswith(head + "|adv:none|noise:typo.v")
    assert recipes["typo"].endswith("(sev=4,rate=0.5)|" + tail)
    for name in ("freelb", "typo"):
        doc = json.loads((out / f"compare-{name}" / "report.json").read_text("utf-8"))
        assert doc["failures"] == [] and doc["languages"] == ["de", "en", "es", "fr"]
        en = {(r["profile"], r["severity"]): r for r in doc["results"] if r["lang"] == "en"}
        assert sorted(en) == [("attack", 3), ("attack-transfer", 3), ("clean", 0), ("typo", 3),
                              ("typo", 5)]
        assert en["clean", 0]["score_a"] >= 80  # the standard model learned English
        # the worst case is worse than random noise for the model it was searched against
        assert en["attack", 3]["score_a"] < en["typo", 5]["score_a"]
    report = (out / "report.md").read_text("utf-8")
    assert report.count("| clean |") == 2 and report.count("| typo s5 |") == 2
    assert report.count("| attack s3 |") == 2 and report.count("| attack-transfer s3 |") == 2
    assert "## freelb vs standard" in report and "## typo vs standard" in report
    assert all(r in report for r in recipes.values())
