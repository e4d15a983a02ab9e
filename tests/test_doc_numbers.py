"""The demo figures in README.md and docs/compare.md are what the code gives now.

``scripts/doc_numbers.py --write`` updates them after a change that moves them on purpose.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("doc_numbers", ROOT / "scripts" / "doc_numbers.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


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
