"""How believable robustx's noise is, per language and profile (robustx.noise.realism).

On the built-in sample (or ``--input`` files), every shipped profile at severity 5 by default:
malformed-cluster rate (the engine's script rules, and an independent re-check of the output's
clusters), share of code-switched words that are function words, share of changed characters
outside the language's scripts, and the edit-type distribution of the changed words
(substitution / insertion / deletion / transposition, keyboard-neighbour share of
substitutions). ``--real PAIRS.tsv`` adds the same figures for a real noisy corpus
(``clean<TAB>noisy`` sentence pairs) beside them. Prints a markdown table; ``--json`` writes
the rows.

    python benchmarks/realism.py
    python benchmarks/realism.py --profile typo --lang en --real my-typos.tsv --real-lang en
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from robustx.core.files import write_text_atomic
from robustx.errors import RobustxError, UsageError
from robustx.noise import realism
from robustx.noise.profiles import load_profile, shipped_profiles
from robustx.tasks.languages import code

SEED = 12345


def rows(profiles: list[str], severity: int, seed: int, data: str | None,
         langs: list[str] | None, real: str | None, real_lang: str | None) -> list[dict]:
    loaded = [load_profile(p).at(severity) for p in profiles]
    pairs = None
    if real:
        lang = code(real_lang or "")
        if lang is None:
            raise UsageError(f"--real needs --real-lang, a language code (got {real_lang!r})")
        pairs = {f"real: {Path(real).name}": (lang, realism.read_real_pairs(Path(real)))}
    return realism.report(loaded, seed, data, langs, pairs)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--profile", action="append", help="profile name or YAML (repeatable; "
                   "default: every shipped profile)")
    p.add_argument("--severity", type=int, default=5, choices=range(1, 6))
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--input", help="data file or folder (default: the built-in sample)")
    p.add_argument("--lang", help="languages, comma separated (default: all in the data)")
    p.add_argument("--real", help="a real noisy corpus: clean<TAB>noisy sentence pairs")
    p.add_argument("--real-lang", help="the language of --real")
    p.add_argument("--json", help="also write the rows to this JSON file")
    a = p.parse_args(argv)
    try:
        langs = [x.strip() for x in a.lang.split(",") if x.strip()] if a.lang else None
        out = rows(a.profile or shipped_profiles(), a.severity, a.seed, a.input, langs, a.real,
                   a.real_lang)
        if a.json:
            write_text_atomic(Path(a.json), json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    except RobustxError as exc:
        print(f"realism: error: {exc}", file=sys.stderr)
        return 2
    print(realism.markdown(out), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
