"""Label safety: the words no op may touch, so the noise never changes a fact a label rests on.

A changed number changes the answer (a QA gold answer "1870" noised to "18700" no longer states
the fact the question asks for) or the label (an NLI pair "three" vs "3 people" flips from
entailment). A profile's ``protect`` list names what stays as written (default: ``numbers``):

* ``numbers``: every word unit with a digit in any script (``24``, ``32,9``, ``१८७०``, ``2017年``)
  is left alone, and no op may bring a digit into a word that had none (a keyboard neighbour of
  ``w`` is ``2`` on many layouts). Ops whose scheme writes letters with digits (Arabizi's
  ``7`` for ح) declare ``digits=True`` and keep them.
* ``units``: also the word right after a number (``24 km``, ``1870 年``, ``5 Prozent``).

The engine asks these predicates only about the words it picked, so protection costs nothing
on the words it never looks at; what is protected enters the run signature.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PROTECT = ("numbers", "units")
DEFAULT_PROTECT = ("numbers",)

has_digit = re.compile(r"\d").search  # every Unicode decimal digit (Nd): Devanagari, Thai...


def protected(units: Sequence[str], first: int, last: int, protect: frozenset[str]) -> bool:
    """Whether units ``first``..``last`` (one word, or a run grouped as one) are protected."""
    if not protect:
        return False
    if any(has_digit(units[k]) for k in range(first, last + 1)):
        return True
    return "units" in protect and first > 0 and has_digit(units[first - 1]) is not None
