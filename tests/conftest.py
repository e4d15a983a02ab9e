"""Shared fixtures: tiny XLM-R checkpoints for every evaluation head (built once per session)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tiny_checkpoints(tmp_path_factory):
    """family -> directory of a seeded tiny safetensors checkpoint with the test tokenizer."""
    from tests.fixtures.tiny_models import build

    root = tmp_path_factory.mktemp("ckpt")
    return {fam: build(fam, root / fam, seed=i)
            for i, fam in enumerate(("pair", "tagging", "qa", "retrieval"))}
