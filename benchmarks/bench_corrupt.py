"""Corruption throughput: robustx vs nlpaug KeyboardAug vs an identity ``datasets.map``.

All contenders run in this one process on identical multilingual sentence pairs (the built-in
sample's XNLI pairs in 9 languages and scripts, repeated with a counter so examples are distinct)
at the same nominal word rate (the typo profile's, severity 3). textattack's character swap joins
in when textattack is importable.

* in memory, pairs in, pairs out: the robustx engine vs nlpaug KeyboardAug (vs textattack);
* file to file, JSONL in, JSONL out: ``robustx corrupt`` (which also validates the input and
  measures CER and chrF on every example) with 1 and 2 processes, vs the floor no corruption can
  beat: a plain identity ``Dataset.map(lambda ex: ex)`` over the same file, written back as JSONL.
  The batched no-op map (no Python per example at all) is printed for context.

Each contender is warmed up (imports, the Arrow cache of the file, which the file-based
contenders then share) and runs ``--repeats`` times, in rounds that interleave the contenders;
the median counts. Prints ratios first (the
figures that matter), absolute numbers second, and the share of sentences whose whitespace tokens
no longer line up with the input (nlpaug re-tokenises: "let's" comes back as "let ' s").
Not a test: timings are never asserted.

    python benchmarks/bench_corrupt.py --n 20000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import tempfile
import time
from pathlib import Path

from robustx.tasks.sources import SAMPLE_DIR


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


REPEATS = 1


def timed(contenders: dict) -> dict:
    """name -> (median wall time over REPEATS rounds, last output) for ``{name: (fn, *args)}``.

    Rounds interleave the contenders (A B C, A B C, ...) so that a machine that speeds up or
    slows down during the run (shared CPUs) affects every contender alike.
    """
    times: dict = {name: [] for name in contenders}
    outs: dict = {}
    for _ in range(REPEATS):
        for name, (fn, *args) in contenders.items():
            t = time.perf_counter()
            outs[name] = fn(*args)
            times[name].append(time.perf_counter() - t)
    return {name: (statistics.median(ts), outs[name]) for name, ts in times.items()}


def run_robustx_engine(rows, profile):
    """The engine alone, as ``robustx corrupt`` drives it (steps a language cannot use are off)."""
    from robustx.noise.engine import Plan, check_languages, corrupt_example

    fields = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "gold_label"}
    disabled = check_languages(profile, sorted({r["language"] for r in rows}))
    plan = Plan(profile, 12345, "pair", fields, "mixed", "language", None, disabled)
    return [corrupt_example(r, plan)[0] for r in rows]


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


def run_textattack(rows, rate):
    """textattack's random character swap, when installed (it is not a robustx dependency)."""
    from textattack.augmentation import Augmenter
    from textattack.transformations import WordSwapRandomCharacterSubstitution

    aug = Augmenter(transformation=WordSwapRandomCharacterSubstitution(),
                    pct_words_to_swap=rate, transformations_per_example=1)
    return [{**r, "sentence1": aug.augment(r["sentence1"])[0],
             "sentence2": aug.augment(r["sentence2"])[0]} for r in rows]


def textattack_available() -> bool:
    try:
        import textattack  # noqa: F401
    except Exception:  # not installed, or broken: skip it gracefully
        return False
    return True


def run_pipeline(path, out, num_proc):
    from robustx import api

    return api.corrupt("typo", out, input=path, num_proc=num_proc, force=True)


def _read(path):
    import datasets

    datasets.disable_progress_bars()
    return datasets.Dataset.from_json(str(path))


def run_identity_map(path, out):
    """The floor: a plain per-example identity map over the file, written back as JSONL."""
    _read(path).map(lambda ex: ex, load_from_cache_file=False).to_json(
        str(out), force_ascii=False, lines=True)


def run_noop_batched(path, out):
    """Context: a batched no-op map (no Python per example) and the same JSONL write."""
    _read(path).map(lambda b: b, batched=True, load_from_cache_file=False).to_json(
        str(out), force_ascii=False, lines=True)


def changed_by_language(clean, noisy):
    """Per language, the share of sentences a contender changed at all."""
    seen, hit = {}, {}
    for c, n in zip(clean, noisy, strict=True):
        lang = c["language"]
        seen[lang] = seen.get(lang, 0) + 2
        hit[lang] = hit.get(lang, 0) + sum(c[k] != n[k] for k in ("sentence1", "sentence2"))
    return {lang: hit[lang] / seen[lang] for lang in sorted(seen)}


def alignment_broken(clean, noisy):
    """Share of sentences whose whitespace token count changed (breaks tags/spans)."""
    bad = sum(len(c[k].split()) != len(n[k].split())
              for c, n in zip(clean, noisy, strict=True) for k in ("sentence1", "sentence2"))
    return bad / (2 * len(clean))


def main() -> None:
    global REPEATS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000, help="number of sentence pairs")
    ap.add_argument("--repeats", type=int, default=3, help="runs per contender (median)")
    ap.add_argument("--skip-nlpaug", action="store_true")
    a = ap.parse_args()
    REPEATS = a.repeats
    from robustx.noise.profiles import load_profile

    profile = load_profile("typo").at(3)
    # the rate at which a word gets at least one typo (optional steps serve only some languages)
    nominal = 1 - math.prod(1 - s.rate for s in profile.steps if not s.optional)
    rows = sentences(a.n)
    warm = sentences(400)  # every language of the sample: imports, layouts, tables, not timed
    run_robustx_engine(warm, profile)
    if not a.skip_nlpaug:
        run_nlpaug(warm, nominal)
    memory = {"robustx engine": (run_robustx_engine, rows, profile)}
    if not a.skip_nlpaug:
        memory["nlpaug KeyboardAug"] = (run_nlpaug, rows, nominal)
    if textattack_available():
        memory["textattack char swap"] = (run_textattack, rows, nominal)
    results, broken, changed = {}, {}, {}
    for name, (secs, noisy) in timed(memory).items():
        results[name] = secs
        short = "robustx" if name == "robustx engine" else name
        broken[short], changed[short] = alignment_broken(rows, noisy), \
            changed_by_language(rows, noisy)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
        run_identity_map(path, Path(tmp) / "warm.jsonl")  # warm-up: imports, Arrow cache
        run_pipeline(path, Path(tmp) / "warm", 1)
        files = {
            "identity map + JSONL write (floor)": (run_identity_map, path, Path(tmp) / "id.jsonl"),
            "batched no-op map + JSONL write": (run_noop_batched, path, Path(tmp) / "noop.jsonl"),
            **{f"robustx corrupt ({procs} proc)": (run_pipeline, path, Path(tmp) / f"o{procs}",
                                                   procs) for procs in (1, 2)},
        }
        results.update({name: secs for name, (secs, _) in timed(files).items()})
    engine, cli = results["robustx engine"], results["robustx corrupt (1 proc)"]
    floor = results["identity map + JSONL write (floor)"]
    print(f"{a.n} sentence pairs, 9 languages, nominal word rate {nominal:.3f}, "
          f"median of {a.repeats}")
    print("ratios (higher is better for robustx):")
    for name in results:
        if name.startswith(("nlpaug", "textattack")):
            print(f"  robustx engine is {results[name] / engine:.2f}x as fast as {name}")
            print(f"  robustx corrupt, whole file-to-file run, is {results[name] / cli:.2f}x as "
                  f"fast as {name} in memory")
    print(f"  robustx corrupt takes {cli / floor:.2f}x the time of the identity-map floor "
          f"({cli / results['batched no-op map + JSONL write']:.2f}x a batched no-op map)")
    print(f"  robustx corrupt with 2 processes is {cli / results['robustx corrupt (2 proc)']:.2f}x "
          "as fast as with 1")
    print("sentences whose whitespace tokens no longer align with the input: " +
          ", ".join(f"{k} {v:.1%}" for k, v in broken.items()))
    print(f"\n{'contender':40s} {'pairs/s':>10s} {'seconds':>9s}")
    for name, secs in results.items():
        print(f"{name:40s} {a.n / secs:10.0f} {secs:9.3f}")
    langs = list(changed["robustx"])
    print("\nsentences that differ from the input, per language (nlpaug's re-tokenisation "
          "alone changes a sentence; where it has no keyboard, e.g. el, ru, it makes no typo):")
    print(f"{'contender':22s}" + "".join(f"{lang:>6s}" for lang in langs))
    for name, per in changed.items():
        print(f"{name:22s}" + "".join(f"{per[lang]:6.0%}" for lang in langs))


if __name__ == "__main__":
    main()
