"""Defaults and argument parsers shared by ``robustx compare`` and its command-line parser.

Kept free of numpy, torch and the rest of :mod:`robustx.eval.compare`, so that building the
parser (``robustx --help``) stays cheap.
"""

from __future__ import annotations

import argparse

DEFAULT_OUT = "robustx-report"
DEFAULT_PROFILES = ("typo",)


def severity_list(text: str) -> list[int]:
    """argparse type: ``"3"``, ``"1-5"`` or ``"1,3,5"`` -> sorted unique severities in 1..5."""
    out: set[int] = set()
    for part in (p.strip() for p in str(text).split(",")):
        lo, sep, hi = part.partition("-")
        try:
            a, b = int(lo), int(hi if sep else lo)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"severity must look like 3, 1-5 or 1,3,5; got {text!r}") from None
        if not 1 <= a <= b <= 5:
            raise argparse.ArgumentTypeError(f"severities must be within 1..5, got {part!r}")
        out.update(range(a, b + 1))
    return sorted(out)
