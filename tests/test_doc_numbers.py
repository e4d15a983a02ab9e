"""The demo figures in README.md and docs/compare.md are what the code gives now.

``scripts/doc_numbers.py --write`` updates them after a change that moves them on purpose.
"""

from __future__ import annotations

import pytest

from tests.fixtures.scripts import load_script


def _script():
    return load_script("scripts/doc_numbers.py")


@pytest.mark.slow
def test_readme_and_compare_docs_quote_the_demo_as_it_runs_now():
    script = _script()
    assert script.missing(script.sentences(script.run_demo())) == []


def test_the_check_notices_a_stale_figure(tmp_path, monkeypatch):
    script = _script()
    doc = tmp_path / "README.md"
    doc.write_text("the gate\npasses at +8.2 [+4.7, +11.8].\n", encoding="utf-8")
    want = {doc: ["the gate passes at +8.2 [+4.7, +11.8]."]}
    monkeypatch.setattr(script, "ROOT", tmp_path)
    assert script.missing(want) == []
    stale = {doc: ["the gate passes at +8.3 [+4.7, +11.8]."]}
    assert script.missing(stale) != []
    script.write(stale)
    assert doc.read_text(encoding="utf-8") == "the gate\npasses at +8.3 [+4.7, +11.8].\n"


def test_speed_figures_in_the_docs_are_the_committed_whole_process_run():
    """README's and benchmarks/README.md's whole-process figures are benchmarks/whole.json's,
    as ``benchmarks/bench_whole.py --json benchmarks/whole.json`` wrote and formats them."""
    import json

    from tests.fixtures.scripts import ROOT

    bench = load_script("benchmarks/bench_whole.py")
    res = json.loads((ROOT / "benchmarks/whole.json").read_text(encoding="utf-8"))
    assert bench.readme_cell(res) in (ROOT / "README.md").read_text(encoding="utf-8")
    assert bench.table(res) in (ROOT / "benchmarks/README.md").read_text(encoding="utf-8")
    r = res["ratios"]
    stale = {**res, "ratios": {**r, "nlpaug/compiled_1": r["nlpaug/compiled_1"] + 0.01}}
    assert bench.readme_cell(stale) not in (ROOT / "README.md").read_text(encoding="utf-8")
