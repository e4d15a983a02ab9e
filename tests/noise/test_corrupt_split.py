"""noise.pipeline.corrupt_split (training on noise) gives what `robustx corrupt` writes."""

from __future__ import annotations

import json

from robustx import api
from robustx.noise.pipeline import corrupt_split
from robustx.noise.profiles import load_profile
from robustx.tasks.sources import load_splits


def test_corrupt_split_equals_the_corrupt_command(tmp_path):
    api.corrupt("typo", tmp_path / "noisy", task="xnli", sample=True, langs=["de", "ru"],
                severity=4, seed=7)
    profile = load_profile("typo").at(4)
    for split in load_splits("xnli", ["de", "ru"], sample=True):
        noisy = corrupt_split(split, profile, 7)
        assert noisy.dataset.column_names == split.dataset.column_names
        written = [json.loads(line) for line in (tmp_path / "noisy" / split.relpath)
                   .read_text(encoding="utf-8").splitlines()]
        assert noisy.dataset.to_list() == written
        assert written != split.dataset.to_list()  # the noise did change something
