"""textattack adapter against the real package (CI's second environment installs it).

Skipped where textattack is not installed (the main environment: it pulls in flair and more);
with ROBUSTX_REQUIRE_TEXTATTACK=1 (CI's second environment) a missing package is an error.
The first import runs in a fresh process with an empty home and the network cut off, as on a
clean offline machine: no NLTK data, no textattack cache.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

if os.environ.get("ROBUSTX_REQUIRE_TEXTATTACK") == "1" and importlib.util.find_spec(
        "textattack") is None:  # CI's second environment: these tests must run there
    raise ImportError("ROBUSTX_REQUIRE_TEXTATTACK=1 but textattack is not installed")
pytestmark = pytest.mark.skipif(importlib.util.find_spec("textattack") is None,
                                reason="textattack is not installed (pip install "
                                       "robustx[textattack]; CI's second environment has it)")

from robustx.errors import UsageError  # noqa: E402
from robustx.noise import adapters  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHAR_SWAPS = ("WordSwapQWERTY", "WordSwapRandomCharacterDeletion",
              "WordSwapRandomCharacterInsertion", "WordSwapNeighboringCharacterSwap",
              "WordSwapHomoglyphSwap")
PROFILE = {"name": "ta-chars", "version": 1, "default_severity": 3,
           "severity": {1: 0.25, 2: 0.5, 3: 1.0, 4: 1.5, 5: 2.0},
           "ops": [{"op": "textattack", "rate": 0.15, "params": {"transformation": name}}
                   for name in CHAR_SWAPS]}
NO_NETWORK = """
import socket
def refuse(*a, **k):
    raise OSError("network used")
socket.socket.connect = socket.create_connection = refuse
"""


def offline_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("TA_CACHE_DIR", "NLTK_DATA")}
    return {**env, "HOME": str(home), "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}


def run(word, name="WordSwapNeighboringCharacterSwap", seed=7, lang="en"):
    return adapters.textattack(word, lang, np.random.default_rng(seed), transformation=name)


def test_first_import_is_offline_quiet_and_leaves_no_marker(tmp_path):
    code = NO_NETWORK + (
        "import numpy as np\nfrom robustx.noise import adapters\n"
        "print(adapters.textattack('world', 'en', np.random.default_rng(0)))\n")
    env = offline_env(tmp_path)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no NLTK download errors, no "Downloading NLTK" line
    assert len(proc.stdout.strip()) == 5
    cache = Path(env["HOME"], ".cache", "textattack")
    assert not (cache / "post_install_check_3").exists()  # textattack's own setup still runs


@pytest.mark.parametrize("name", CHAR_SWAPS)
def test_each_character_swap_edits_one_word_deterministically(name):
    outs = {run("world", name, seed=s) for s in range(40)}
    outs.discard(None)
    assert outs and all(len(o) in (4, 5, 6) and " " not in o for o in outs)
    assert run("world", name, seed=3) == run("world", name, seed=3)


def test_candidates_are_textattacks_own():
    assert {run("world", seed=s) for s in range(40)} <= {"owrld", "wrold", "wolrd", "wordl"}
    assert {run("world", "WordSwapRandomCharacterDeletion", s) for s in range(40)} <= {
        "orld", "wrld", "wold", "word", "worl"}
    assert {run("a-b", seed=s) for s in range(20)} == {"-ab", "ab-"}  # one word for textattack
    assert run("a.b") is None  # two words: not one unit


def test_homoglyph_swap_works_on_0_3_11():
    """0.3.11's wheel lacks the file its constructor reads; the swap itself needs only its table."""
    outs = {run("world", "WordSwapHomoglyphSwap", s) for s in range(40)} - {None}
    assert outs and all(sum(a != b for a, b in zip(o, "world")) == 1 for o in outs)
    assert all(ord(c) > 127 for o in outs for c in o if c not in "world")


def test_non_latin_words_are_left_alone_by_keyboard_and_homoglyph_swaps():
    for name in ("WordSwapQWERTY", "WordSwapHomoglyphSwap"):
        assert {run("мир", name, s, "ru") for s in range(20)} == {None}


def test_global_random_state_is_restored():
    np.random.seed(1)
    random.seed(1)
    before = (np.random.random(), random.random())
    np.random.seed(1)
    random.seed(1)
    for name in CHAR_SWAPS:
        run("because", name)
    assert (np.random.random(), random.random()) == before


def test_downloads_are_refused_naming_why():
    with pytest.raises(UsageError, match="WordSwapMaskedLM needs a masked language model"):
        adapters.check_textattack("en", {"transformation": "WordSwapMaskedLM"})


def test_corrupt_with_real_transformations_is_reproducible(tmp_path):
    """A profile of textattack's character swaps, through the CLI in a fresh offline process and
    through the API here: the same bytes, and the caller's global random state untouched."""
    import yaml

    from robustx import api

    prof = tmp_path / "ta.yaml"
    prof.write_text(yaml.safe_dump(PROFILE), encoding="utf-8")
    code = NO_NETWORK + "import sys\nfrom robustx.cli import console_main\nconsole_main()\n"
    cmd = [sys.executable, "-c", code, "corrupt", "--profile", str(prof), "--task", "xnli",
           "--sample", "--lang", "en,de,ru", "--seed", "5", "--out", str(tmp_path / "cli")]
    proc = subprocess.run(cmd, env=offline_env(tmp_path), capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    random.seed(2)
    np.random.seed(2)
    before = (random.getstate(), np.random.get_state()[1].tolist())
    manifest = api.corrupt(str(prof), tmp_path / "api", task="xnli", sample=True,
                           langs=["en", "de", "ru"], seed=5)
    assert (random.getstate(), np.random.get_state()[1].tolist()) == before
    for lang in ("en", "de", "ru"):
        assert (tmp_path / "cli" / "xnli" / f"{lang}.jsonl").read_bytes() == \
            (tmp_path / "api" / "xnli" / f"{lang}.jsonl").read_bytes()
    stats = {lang: manifest["intensity"][lang] for lang in ("en", "de", "ru")}
    assert all(stats[lang]["words_changed"] > 0 for lang in ("en", "de"))
    # on Cyrillic, the keyboard and homoglyph swaps (ops 0 and 4) have nothing to offer
    assert stats["ru"]["unavailable"]["0:textattack"] > 0
    assert stats["ru"]["unavailable"]["4:textattack"] > 0
    assert json.loads((tmp_path / "cli" / "manifest.json").read_text())["signature"] == \
        manifest["signature"]
