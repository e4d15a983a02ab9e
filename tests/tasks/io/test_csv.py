"""CSV and TSV round trips: TSV keeps every quote as it is; CSV quotes the RFC 4180 way."""

from __future__ import annotations

import pytest

from robustx.cli import main


@pytest.mark.parametrize("suffix", [".tsv", ".csv"])
def test_identity_corruption_writes_back_the_same_bytes(tmp_path, capsys, suffix):
    sep = "\t" if suffix == ".tsv" else ","
    cells = [('"Quoted" start', 'He said "hi" to me.'), ("plain", "ends with a quote\"")]
    if suffix == ".tsv":
        text = "".join(sep.join(c) + "\tneutral\n" for c in cells)
    else:
        text = ('"""Quoted"" start","He said ""hi"" to me.",neutral\n'
                'plain,"ends with a quote""",neutral\n')
    src = tmp_path / f"de{suffix}"
    src.write_text(sep.join(["sentence1", "sentence2", "gold_label"]) + "\n" + text,
                   encoding="utf-8")
    profile = tmp_path / "none.yaml"  # a profile whose only op never fires: output = input
    profile.write_text("name: none\nversion: 1\nops:\n  - {op: case, rate: 0.0}\n",
                       encoding="utf-8")
    code = main(["corrupt", "--profile", str(profile), "--input", str(src), "--out",
                 str(tmp_path / "o"), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "o" / f"de{suffix}").read_text(encoding="utf-8") == \
        src.read_text(encoding="utf-8")
