"""Corruption throughput: robustx vs nlpaug KeyboardAug vs an identity datasets.map floor.

All contenders run in this one process on identical multilingual sentences (the built-in sample's
XNLI premises in 9 languages and scripts, repeated with a counter so examples are distinct) at the
same nominal word rate. Prints ratios first (the figure that matters), absolute numbers second.
Not a test: timings are never asserted.

    python benchmarks/bench_corrupt.py --n 20000
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from robustx.tasks.loaders import SAMPLE_DIR


def sentences(n: int) -> list[dict]:
    base = []
    for path in sorted((SAMPLE_DIR / "xnli").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            base.append(row)
    rows = []
    for i in range(n):
        r = dict(base[i % len(base)])
        r["sentence1"] = f"{r['sentence1']} {i}"
        rows.append(r)
    return rows


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def run_robustx_engine(rows, profile):
    from robustx.noise.engine import Plan, corrupt_example

    fields = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "gold_label"}
    plans = {}
    out = []
    for r in rows:
        lang = r["language"]
        plan = plans.get(lang) or plans.setdefault(
            lang, Plan(profile, 12345, "pair", fields, lang, "language", None))
        out.append(corrupt_example(r, plan)[0])
    return out


def run_nlpaug(rows, rate):
    import nlpaug.augmenter.char as nac
    import numpy as np

    random.seed(0)
    np.random.seed(0)
    aug = nac.KeyboardAug(aug_word_p=rate, aug_char_max=1, aug_word_max=10_000)
    out = []
    for r in rows:
        out.append({**r, "sentence1": aug.augment(r["sentence1"])[0],
                    "sentence2": aug.augment(r["sentence2"])[0]})
    return out


def run_pipeline(path, out, num_proc):
    from robustx import api

    return api.corrupt("typo", out, input=path, num_proc=num_proc, force=True)


def run_identity_map(path):
    import datasets

    datasets.disable_progress_bars()
    ds = datasets.Dataset.from_json(str(path))
    return ds.map(lambda b: b, batched=True, load_from_cache_file=False)


def alignment_broken(clean, noisy):
    """Share of sentences whose whitespace token count changed (breaks tags/spans)."""
    bad = sum(len(c["sentence1"].split()) != len(n["sentence1"].split())
              for c, n in zip(clean, noisy))
    return bad / len(clean)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000, help="number of sentence pairs")
    ap.add_argument("--skip-nlpaug", action="store_true")
    a = ap.parse_args()
    from robustx.profiles import load_profile

    profile = load_profile("typo").at(3)
    nominal = 1 - __import__("math").prod(1 - s.rate for s in profile.steps)
    rows = sentences(a.n)
    results = {}
    results["robustx engine"], noisy = timed(run_robustx_engine, rows, profile)
    broken_rx = alignment_broken(rows, noisy)
    if not a.skip_nlpaug:
        results["nlpaug KeyboardAug"], noisy_na = timed(run_nlpaug, rows, nominal)
        broken_na = alignment_broken(rows, noisy_na)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
        results["identity datasets.map (floor)"], _ = timed(run_identity_map, path)
        results["robustx corrupt (CLI path, 1 proc)"], _ = timed(run_pipeline, path,
                                                                 Path(tmp) / "o1", 1)
        results["robustx corrupt (CLI path, 2 procs)"], _ = timed(run_pipeline, path,
                                                                  Path(tmp) / "o2", 2)
    rx = results["robustx engine"]
    print(f"{a.n} sentence pairs, 9 languages, nominal word rate {nominal:.3f}")
    print(f"{'contender':40s} {'pairs/s':>10s} {'vs robustx engine':>18s}")
    for name, secs in results.items():
        print(f"{name:40s} {a.n / secs:10.0f} {rx / secs:17.2f}x")
    if not a.skip_nlpaug:
        print(f"\nrobustx engine is {results['nlpaug KeyboardAug'] / rx:.2f}x nlpaug KeyboardAug")
        print(f"sentences with broken token alignment: robustx {broken_rx:.1%}, "
              f"nlpaug {broken_na:.1%}")
    floor = results["identity datasets.map (floor)"]
    print(f"robustx corrupt (1 proc) takes {results['robustx corrupt (CLI path, 1 proc)'] / floor:.2f}"
          "x the identity-map floor")


if __name__ == "__main__":
    main()
