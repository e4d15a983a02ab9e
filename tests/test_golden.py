"""Every shipped profile at severities 1, 3 and 5 writes the same bytes as the reference commit.

``benchmarks/golden.json`` was made by ``benchmarks/golden.py --compare`` on the commit before the
architecture refactor; a change that alters noise on purpose regenerates it and says so.
"""

from __future__ import annotations

import json

from tests.fixtures.scripts import ROOT, load_script


def test_corrupt_outputs_are_byte_identical_to_the_reference():
    want = json.loads((ROOT / "benchmarks" / "golden.json").read_text(encoding="utf-8"))
    want = {k: v for k, v in want.items() if not k.startswith(("compare/", "evaluate/"))}
    got = load_script("benchmarks/golden.py").corrupt_hashes()
    assert sorted(got) == sorted(want)
    assert [k for k in want if got[k] != want[k]] == []
