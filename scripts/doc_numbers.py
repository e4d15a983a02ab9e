"""The demo figures quoted in README.md and docs/compare.md, computed from a real run.

Runs the README's demo (``examples/train_demo.py``, then ``robustx compare ... --severity 1-5
--gate examples/gate.yaml``) and builds the sentences that quote it. ``--check`` fails when a
document no longer says what the code gives; ``--write`` puts the new figures in.
``tests/test_doc_numbers.py`` runs the check in CI.

    python scripts/doc_numbers.py --check
    python scripts/doc_numbers.py --write     # after a change that moves the numbers on purpose
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "README.md", ROOT / "docs" / "compare.md")


def _ci(d: dict, sign: float = 1.0) -> str:
    lo, hi = sorted((sign * d["ci_low"], sign * d["ci_high"]))
    return f"{sign * d['estimate']:+.1f} [{lo:+.1f}, {hi:+.1f}]".replace("-", "−")


def run_demo() -> dict:
    """The report of the README demo, run in a temporary folder."""
    from robustx.cli import main

    with tempfile.TemporaryDirectory() as d:
        demo = Path(d) / "demo"
        subprocess.run([sys.executable, str(ROOT / "examples" / "train_demo.py"), "--out",
                        str(demo)], check=True, capture_output=True)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main(["compare", str(demo / "standard"), str(demo / "noise-augmented"),
                         "--task", "xnli", "--data", str(demo / "test"), "--severity", "1-5",
                         "--out", str(demo / "report"), "--gate",
                         str(ROOT / "examples" / "gate.yaml"), "--no-cache", "--quiet"])
        report = json.loads((demo / "report" / "report.json").read_text(encoding="utf-8"))
    report["exit_code"] = code
    return report


def sentences(report: dict) -> dict[Path, list[str]]:
    """What each document must say, whitespace folded."""
    row = next(r for r in report["results"]
               if r["lang"] == "all" and r["profile"] == "typo" and r["severity"] == 5)
    clean = next(r for r in report["results"] if r["lang"] == "all" and r["profile"] == "clean")
    gate = "passes" if report["exit_code"] == 0 else "fails"
    diff = _ci(row["diff"])
    return {
        DOCS[0]: [f"noise-augmented model loses {row['gap_b']:.1f} points at typo severity 5 "
                  f"where the standard one loses {row['gap_a']:.1f} (B − A = {diff}), and the "
                  f"gate {gate}."],
        DOCS[1]: [f"at typo severity 5 the standard model (A) falls from {clean['score_a']:.1f} "
                  f"to {row['score_a']:.1f} and the noise-augmented one (B) to "
                  f"{row['score_b']:.1f}, B − A = {diff}, gap B − gap A = "
                  f"{_ci(row['gap_diff'])}, and `examples/gate.yaml` {gate}."],
    }


def _fold(text: str) -> str:
    return " ".join(text.split())


def missing(want: dict[Path, list[str]]) -> list[str]:
    """The sentences a document does not contain (whitespace folded)."""
    return [f"{p.relative_to(ROOT)}: {s}" for p, lines in want.items()
            for s in lines if s not in _fold(p.read_text(encoding="utf-8"))]


_NUM = r"[−+]?\d+\.\d"


def write(want: dict[Path, list[str]]) -> None:
    """Replace each sentence, matched with its numbers as wildcards, by the new one."""
    for path, lines in want.items():
        text = path.read_text(encoding="utf-8")
        for new in lines:
            pattern = r"\s+".join(
                "".join(_NUM if i % 2 else re.escape(piece)
                        for i, piece in enumerate(re.split(f"({_NUM})", word)))
                for word in new.split())
            for verdict in ("passes.", "fails."):
                pattern = pattern.replace(re.escape(verdict), r"(?:passes|fails)\.")
            found = re.search(pattern, text)
            if not found:
                raise SystemExit(f"{path}: no sentence like {new!r} to update")
            text = text[:found.start()] + _rewrap(found.group(0), new) + text[found.end():]
        path.write_text(text, encoding="utf-8")


def _rewrap(old: str, new: str) -> str:
    """``new`` with line breaks after the same words as ``old`` had them."""
    breaks = [len(line.split()) for line in old.split("\n")]
    words, out = new.split(), []
    for n in breaks[:-1]:
        out.append(" ".join(words[:n]))
        words = words[n:]
    out.append(" ".join(words))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--write", action="store_true", help="update README.md and docs/compare.md")
    p.add_argument("--check", action="store_true", help="exit 1 when a document is stale")
    a = p.parse_args(argv)
    want = sentences(run_demo())
    if a.write:
        write(want)
    bad = missing(want)
    for line in bad:
        print(f"stale: {line}")
    if not a.write and not a.check:
        for path, lines in want.items():
            print(f"{path.relative_to(ROOT)}: " + " / ".join(lines))
    return 1 if bad and (a.check or a.write) else 0


if __name__ == "__main__":
    sys.exit(main())
