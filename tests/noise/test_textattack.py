"""textattack adapter, against a stand-in package with textattack's API.

textattack itself (flair, bert-score, nltk, language-tool...) is too heavy for the main test
environment, so these tests install a tiny package with the same entry points the adapter uses:
``textattack.shared.AttackedText`` (``.text``, ``.words`` split as textattack 0.3.11's
``words_from_text`` splits: ``a-b`` is one word, ``a.b`` two), ``replace_word_at_index``) and
``textattack.transformations.WordSwap*`` called as ``tf(text, indices_to_modify={0})``, drawing
from global ``numpy.random`` as the real ``random_one`` swaps do. test_textattack_real.py runs
the adapter against the real package where it is installed (CI's second environment).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from robustx.errors import ResourceError, UsageError
from robustx.noise import adapters
from robustx.noise.base import load_all_ops

SHARED = '''
import re
class AttackedText:
    def __init__(self, text):  # words as textattack.shared.utils.words_from_text (Latin text)
        self.text = text
        self.words = [w.strip("'-_*@") for t in text.split() for w in
                      re.findall(r"[\\w'\\-_\\*@]+", t.strip("'-_*@"))]
        self.words = [w for w in self.words if w]
    def replace_word_at_index(self, i, new):
        return AttackedText(self.text.replace(self.words[i], new, 1))
'''
TRANSFORMATIONS = '''
import numpy as np
class Transformation:
    def __call__(self, current_text, pre_transformation_constraints=(), indices_to_modify=None):
        idx = range(len(current_text.words)) if indices_to_modify is None else indices_to_modify
        return [current_text.replace_word_at_index(i, w) for i in sorted(idx)
                for w in self._get_replacement_words(current_text.words[i])]
class WordSwapNeighboringCharacterSwap(Transformation):
    def __init__(self, random_one=True):
        self.random_one = random_one
    def _get_replacement_words(self, word):
        spots = range(len(word) - 1)
        if self.random_one and len(word) > 1:
            spots = [np.random.randint(0, len(word) - 1)]
        return [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in spots]
class WordSwapSpaced(Transformation):
    def _get_replacement_words(self, word):
        return [word[:1] + " " + word[1:]]
class WordSwapNeedsModel(Transformation):
    def __init__(self):
        raise OSError("cannot download the embedding")
class Helper:
    pass
'''


@pytest.fixture
def fake_textattack(tmp_path, monkeypatch):
    pkg = tmp_path / "textattack"
    (pkg / "shared").mkdir(parents=True)
    (pkg / "transformations").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "shared" / "__init__.py").write_text(SHARED)
    (pkg / "transformations" / "__init__.py").write_text(TRANSFORMATIONS)
    real = {m: sys.modules.pop(m) for m in list(sys.modules) if m.split(".")[0] == "textattack"}
    monkeypatch.syspath_prepend(str(tmp_path))
    adapters._transformation.cache_clear()
    yield
    adapters._transformation.cache_clear()
    for name in [m for m in sys.modules if m.split(".")[0] == "textattack"]:
        del sys.modules[name]
    sys.modules.update(real)  # a real textattack imported by other tests stays as it was


def run(word, seed=7, **params):
    params.setdefault("transformation", "WordSwapNeighboringCharacterSwap")
    return adapters.textattack(word, "en", np.random.default_rng(seed), **params)


def test_registered_lazily():
    spec = load_all_ops().get("textattack")
    assert spec.family == "adapter" and spec.defaults == {"transformation": "WordSwapQWERTY",
                                                          "args": None}
    code = ("import sys; from robustx.noise.base import load_all_ops; load_all_ops(); "
            "print('textattack' in sys.modules, 'nltk' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    assert proc.stdout.split() == ["False", "False"], proc.stderr


def test_missing_package_says_how_to_install(monkeypatch):
    adapters._transformation.cache_clear()
    monkeypatch.setitem(sys.modules, "textattack", None)  # import fails as if not installed
    with pytest.raises(ResourceError, match=r"pip install robustx\[textattack\]"):
        adapters.check_textattack("en", {})
    adapters._transformation.cache_clear()


def test_swaps_one_word_deterministically(fake_textattack):
    outs = {run("world", seed=s) for s in range(30)}
    assert outs == {"owrld", "wrold", "wolrd", "wordl"}  # every neighbour swap, nothing else
    assert run("world", seed=3) == run("world", seed=3)
    assert run("world", args={"random_one": False}) in outs


def test_global_random_state_is_restored(fake_textattack):
    np.random.seed(1)
    random.seed(1)
    before = (np.random.random(), random.random())
    np.random.seed(1)
    random.seed(1)
    run("because")
    assert (np.random.random(), random.random()) == before


def test_whitespace_and_split_words_are_refused(fake_textattack):
    assert run("hello", transformation="WordSwapSpaced") is None  # "h ello" would be two units
    assert run("a.b") is None  # two words for textattack: not one unit to swap
    assert run("a-b") in {"-ab", "ab-"}  # one word for textattack (as the real package: "ab-")
    assert run("x") is None  # nothing to swap


def test_swaps_that_need_downloads_are_refused_naming_why(fake_textattack):
    with pytest.raises(UsageError, match="WordSwapEmbedding needs counter-fitted word embeddings"):
        adapters.check_textattack("en", {"transformation": "WordSwapEmbedding"})
    with pytest.raises(UsageError, match="WordSwapWordNet needs NLTK's WordNet"):
        adapters.check_textattack("en", {"transformation": "WordSwapWordNet"})


def test_bad_transformations_are_clear_errors(fake_textattack):
    with pytest.raises(UsageError, match="valid: WordSwapNeedsModel, WordSwapNeighboring"):
        adapters.check_textattack("en", {"transformation": "Helper"})
    with pytest.raises(ResourceError, match="cannot be built: OSError: cannot download"):
        adapters.check_textattack("en", {"transformation": "WordSwapNeedsModel"})
    with pytest.raises(ResourceError, match="cannot be built: TypeError"):
        adapters.check_textattack("en", {"transformation": "WordSwapNeighboringCharacterSwap",
                                         "args": {"bogus": 1}})


def test_through_a_profile_and_the_engine(fake_textattack):
    from robustx.noise.engine import Plan, check_languages, corrupt_example
    from robustx.noise.profiles import parse_profile

    prof = parse_profile({"name": "ta", "version": 1, "ops": [
        {"op": "textattack", "rate": 1.0,
         "params": {"transformation": "WordSwapNeighboringCharacterSwap"}}]}, "t").at(3)
    check_languages(prof, ["en"])
    plan = Plan(prof, 1, "pair", {"sentence1": "s1", "sentence2": "s2"}, "en")
    row = {"s1": "the quick brown fox, jumps!", "s2": None}
    out, _, st, _ = corrupt_example(row, plan)
    assert out == corrupt_example(row, plan)[0]
    words = out["s1"].split()
    assert len(words) == 5 and words[3].endswith(",") and words[4].endswith("!")
    assert st.changed == 5


def test_an_nltk_resource_its_import_wants_is_a_one_line_error(fake_textattack, tmp_path):
    (tmp_path / "textattack" / "__init__.py").write_text(
        "raise LookupError(\"\\n****\\n  Resource 'punkt' not found.\\n  Please use ...\")\n")
    with pytest.raises(ResourceError, match=r"^textattack cannot be imported offline: NLTK punkt "
                                            r"is missing \(python -m nltk.downloader punkt\)$"):
        adapters.check_textattack("en", {})
