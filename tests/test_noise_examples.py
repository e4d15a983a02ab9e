"""docs/examples.md, the table in docs/realism.md and the README's realism summary are what the
code gives now (``scripts/noise_examples.py --write`` updates them after a change that moves the
noise on purpose)."""

from __future__ import annotations

from tests.fixtures.scripts import load_script


def _script():
    return load_script("scripts/noise_examples.py")


def test_generated_docs_are_current():
    script = _script()
    want = script.documents()
    stale = [str(p.relative_to(script.ROOT)) for p in script.stale(want)]
    assert not stale, f"stale: {stale}; run python scripts/noise_examples.py --write"
    examples = want[script.EXAMPLES]
    for lang in ("ar", "de", "el", "en", "hi", "ko", "ru", "th", "vi", "zh"):
        assert f"\n## {lang}\n" in examples and f"### {lang} · typo" in examples


def test_the_check_notices_a_stale_document(tmp_path, monkeypatch):
    script = _script()
    doc = tmp_path / "realism.md"
    doc.write_text(f"intro\n{script.TABLE[0]}\nold table\n{script.TABLE[1]}\nend\n",
                   encoding="utf-8")
    new = script.replace_between(doc.read_text(encoding="utf-8"), script.TABLE, "| new |", doc)
    assert new == f"intro\n{script.TABLE[0]}\n| new |\n{script.TABLE[1]}\nend\n"
    assert script.stale({doc: new}) == [doc]
    doc.write_text(new, encoding="utf-8")
    assert script.stale({doc: new}) == []


def test_summary_reads_the_rows():
    script = _script()
    rows = [
        {"lang": "de", "profile": "typo", "malformed": 0.0, "cluster_faults": 0.0,
         "outside_repertoire": 0.0, "kbd_neighbour": 0.8, "function_share": None},
        {"lang": "hi", "profile": "typo", "malformed": 0.0, "cluster_faults": 0.02,
         "outside_repertoire": 0.01, "kbd_neighbour": 0.9, "function_share": None},
        {"lang": "de", "profile": "codeswitch", "malformed": 0.0, "cluster_faults": 0.0,
         "outside_repertoire": 0.0, "kbd_neighbour": None, "function_share": 0.25},
    ]
    text = script.summary(rows)
    assert "1 of 3 language × profile cells have a malformed or broken cluster" in text
    assert "0%–1% of characters" in text and "80%–90% of its substitutions" in text
    assert "function words in 25% of switched words (1 languages)" in text
