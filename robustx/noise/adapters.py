"""Adapters: run an nlpaug augmenter or a textattack word swap as a robustx op.

nlpaug decides itself which words of a text to touch and re-joins its tokens with spaces, which
would break the engine's contract (one unit in, one unit out, rates decided by the profile). So
the adapter forces the augmenter onto the single word the engine picked (word probability 1, one
word), and rejects outputs whose re-tokenisation leaked whitespace ("let's" -> "let ' s").

nlpaug draws from the global ``random`` and ``numpy.random`` state and takes no generator. To stay
deterministic under the engine's per-example streams, each call seeds both global states from the
given ``rng`` and restores them afterwards, so callers see no change. That makes a call not
thread-safe (the engine parallelises with processes, not threads).

textattack (an optional extra, ``pip install robustx[textattack]``, imported only when the op
runs) is adapted the same way: its word-swap transformation is given the single word as a
one-word text and restricted to it, and one of its candidates is drawn with the engine's rng.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import random
import re
import shutil
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ResourceError, UsageError
from .base import op, package_version

INSTALL_HINT = "pip install robustx[nlpaug]"
# Augmenters that need a model download (word embeddings, seq2seq, masked LM, TF-IDF stats):
# out of scope for an offline, seeded noise op.
NEEDS_MODEL = frozenset(
    {"ContextualWordEmbsAug", "BackTranslationAug", "WordEmbsAug", "TfIdfAug",
     "ContextualWordEmbsForSentenceAug", "AbstSummAug", "LambadaAug"}
)
# Word selection belongs to the engine: these are forced so the augmenter edits the one word given.
FORCED_CHAR = {"aug_word_p": 1.0, "aug_word_min": 1, "aug_word_max": 1}
FORCED_WORD = {"aug_p": 1.0, "aug_min": 1, "aug_max": 1}


def _modules() -> tuple[Any, Any]:
    try:
        import nlpaug.augmenter.char as nac
        import nlpaug.augmenter.word as naw
    except ImportError as exc:
        raise ResourceError(f"the nlpaug op needs nlpaug: {INSTALL_HINT} ({exc})") from None
    return nac, naw


@lru_cache(maxsize=32)
def _augmenter(name: str, args_json: str) -> Any:
    """Build (once per name and args) the augmenter, with the engine-owned knobs forced."""
    if name in NEEDS_MODEL:
        raise UsageError(f"nlpaug augmenter {name!r} needs a model download; not supported")
    nac, naw = _modules()
    cls, forced = getattr(nac, name, None), FORCED_CHAR
    if cls is None:
        cls, forced = getattr(naw, name, None), FORCED_WORD
    if not isinstance(cls, type):
        known = sorted(n for m in (nac, naw) for n in dir(m)
                       if n.endswith("Aug") and n not in NEEDS_MODEL)
        raise UsageError(f"unknown nlpaug augmenter {name!r} (valid: {', '.join(known)})")
    args = json.loads(args_json)
    clash = sorted(set(args) & set(forced))
    if clash:
        raise UsageError(f"nlpaug args {clash} are set by the profile rate, not by args")
    try:
        return cls(**args, **forced)
    except (TypeError, ValueError, OSError) as exc:
        raise ResourceError(f"nlpaug {name}({args}) cannot be built: {exc}") from None


def _key(args: Mapping[str, Any] | None) -> str:
    if args is not None and not isinstance(args, Mapping):
        raise UsageError(f"nlpaug args must be a mapping of keyword arguments, got {args!r}")
    try:
        return json.dumps(dict(args or {}), sort_keys=True)
    except TypeError as exc:
        raise UsageError(f"nlpaug args must be plain YAML data: {exc}") from None


def check(lang: str, params: Mapping[str, Any]) -> None:
    """Build the augmenter before any data is touched, so bad names or args fail early."""
    _augmenter(str(params.get("augmenter", "KeyboardAug")), _key(params.get("args")))


@op("nlpaug", "adapter", check=check, fingerprint=package_version("nlpaug"))
def nlpaug(word: str, lang: str, rng: Any, *, augmenter: str = "KeyboardAug",
           args: Mapping[str, Any] | None = None) -> str | None:
    """Apply an nlpaug char/word augmenter (``augmenter`` class name, ``args`` its kwargs).

    None when the augmenter leaves the word unchanged or its output is not one clean unit.
    """
    aug = _augmenter(augmenter, _key(args))
    import numpy as np  # here, not at import: a profile without these ops never loads numpy

    seed = int(rng.integers(2**32))
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        random.seed(seed)
        np.random.seed(seed)
        out = aug.augment(word)
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
    if isinstance(out, list):
        out = out[0] if out else None
    if not isinstance(out, str) or not out or out == word or any(c.isspace() for c in out):
        return None
    return out


# --------------------------------------------------------------------------- textattack

TEXTATTACK_HINT = "pip install robustx[textattack]"
# Word swaps that need something robustx's offline, seeded ops cannot provide: refused up front,
# naming what is missing, instead of failing on a download mid-run.
TEXTATTACK_NEEDS = {
    "WordSwapEmbedding": "counter-fitted word embeddings downloaded from textattack's S3",
    "WordSwapGradientBased": "a victim model and its gradients",
    "WordSwapHowNet": "the HowNet sememe dictionary downloaded from textattack's S3",
    "WordSwapInflections": "a flair part-of-speech model from the Hugging Face hub",
    "WordSwapMaskedLM": "a masked language model from the Hugging Face hub",
    "WordSwapWordNet": "NLTK's WordNet corpus (python -m nltk.downloader wordnet omw-1.4)",
    "WordSwapChangeLocation": "a flair NER model from the Hugging Face hub and whole sentences",
    "WordSwapChangeName": "a flair NER model from the Hugging Face hub and whole sentences",
}


def _textattack_cache() -> str:
    """Where textattack keeps its first-run marker (its own rule: $TA_CACHE_DIR or ~/.cache)."""
    return os.environ.get("TA_CACHE_DIR", os.path.expanduser("~/.cache/textattack"))


@lru_cache(maxsize=1)
def _stopwords_dir() -> str | None:
    """An NLTK data folder with an English stopword list, or None when NLTK has its own.

    textattack's import builds ``StopwordModification()`` (NLTK's stopwords) for its augmentation
    recipes; offline, without NLTK data, that import fails. robustx never applies that
    constraint, so the list only has to exist: scikit-learn's ``ENGLISH_STOP_WORDS`` (BSD,
    installed with textattack through flair) when importable, else an empty list. Written to a
    private temporary folder removed at exit, searched after every folder of the user's own.
    """
    import nltk

    try:
        nltk.data.find("corpora/stopwords")
        return None
    except LookupError:
        pass
    try:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as words
    except ImportError:
        words = frozenset()
    folder = tempfile.mkdtemp(prefix="robustx-nltk-")
    atexit.register(shutil.rmtree, folder, True)
    corpus = Path(folder, "corpora", "stopwords")
    corpus.mkdir(parents=True)
    (corpus / "english").write_text("".join(w + "\n" for w in sorted(words)), encoding="utf-8")
    return folder


def _import_textattack() -> Any:
    """``textattack.transformations``, imported offline, quietly and leaving no trace.

    textattack's first import runs a post-install step that downloads six NLTK packages (and
    prints an error for each when offline), then writes a marker into its cache so it never runs
    again. Through robustx those downloads are skipped (``nltk.download`` is a no-op during the
    import) and a marker this import created is removed, so textattack used on its own still
    does its own first-run setup. Its import also sets ``TOKENIZERS_PARALLELISM`` and disables
    every logger already created (``logging.config.dictConfig``); both are restored here.
    """
    try:
        import nltk  # a textattack dependency: without it, the import below says what to install
    except ImportError:
        nltk = None
    if nltk is not None:
        extra = _stopwords_dir()
        if extra is not None and extra not in nltk.data.path:
            nltk.data.path.append(extra)
        download, nltk.download = nltk.download, lambda *a, **k: True
    marker = Path(_textattack_cache(), "post_install_check_3")
    had = {f: f.exists() for f in (marker, marker.with_name(marker.name + ".lock"))}
    env = os.environ.get("TOKENIZERS_PARALLELISM")
    quiet = logging.root.manager.disable
    loggers = {n: lg.disabled for n, lg in logging.root.manager.loggerDict.items()
               if isinstance(lg, logging.Logger)}
    logging.disable(logging.INFO)  # its "Downloading NLTK required packages." would be untrue
    try:
        import textattack.transformations as tt
    except ImportError as exc:
        raise ResourceError(f"the textattack op needs textattack: {TEXTATTACK_HINT} ({exc})") \
            from None
    except LookupError as exc:  # an NLTK resource textattack's import wants and nobody has
        missing = re.search(r"Resource '?(\w+)'? not found", str(exc))
        name = missing.group(1) if missing else "data"
        raise ResourceError(f"textattack cannot be imported offline: NLTK {name} is missing "
                            f"(python -m nltk.downloader {name})") from None
    finally:
        logging.disable(quiet)
        for name, disabled in loggers.items():  # its logging.config call disables every logger
            logging.getLogger(name).disabled = disabled
        if nltk is not None:
            nltk.download = download
        for path, existed in had.items():
            if not existed:
                path.unlink(missing_ok=True)
        if env is None:
            os.environ.pop("TOKENIZERS_PARALLELISM", None)
        else:
            os.environ["TOKENIZERS_PARALLELISM"] = env
    return tt


def _build_word_swap(cls: type, args: dict[str, Any]) -> Any:
    """``cls(**args)``; textattack 0.3.11's homoglyph swap without its missing data file.

    0.3.11's ``WordSwapHomoglyphSwap`` reads ``shared/intentional_homoglyphs.txt``, which its
    wheel lacks, after setting the table its word swaps use (the file only feeds the
    differential-evolution attack). So a FileNotFoundError after that table is set leaves a
    transformation that swaps exactly as 0.3.10's; anything else is re-raised.
    """
    tf = cls.__new__(cls)
    try:
        tf.__init__(**args)
    except FileNotFoundError as exc:
        if cls.__name__ != "WordSwapHomoglyphSwap" or not isinstance(
                getattr(tf, "homos", None), dict) or "intentional_homoglyphs" not in str(exc):
            raise
        tf.homos_intentional = {}
    return tf


@lru_cache(maxsize=32)
def _transformation(name: str, args_json: str) -> Any:
    """A textattack word-swap transformation, built once per name and args (lazy import)."""
    if name in TEXTATTACK_NEEDS:
        raise UsageError(f"textattack {name} needs {TEXTATTACK_NEEDS[name]}; robustx ops run "
                         f"offline on one word, so it is not supported")
    tt = _import_textattack()
    cls = getattr(tt, name, None)
    if not isinstance(cls, type) or not name.startswith("WordSwap"):
        known = sorted(n for n in dir(tt) if n.startswith("WordSwap") and n not in TEXTATTACK_NEEDS)
        raise UsageError(f"unknown textattack transformation {name!r}; a word swap is needed "
                         f"(valid: {', '.join(known)})")
    try:
        return _build_word_swap(cls, json.loads(args_json))
    except Exception as exc:  # bad kwargs, missing data...: say which and why
        raise ResourceError(f"textattack {name}({args_json}) cannot be built: "
                            f"{type(exc).__name__}: {exc}") from None


def check_textattack(lang: str, params: Mapping[str, Any]) -> None:
    _transformation(str(params.get("transformation", "WordSwapQWERTY")), _key(params.get("args")))


@op("textattack", "adapter", check=check_textattack,
    fingerprint=package_version("textattack"))
def textattack(word: str, lang: str, rng: Any, *, transformation: str = "WordSwapQWERTY",
               args: Mapping[str, Any] | None = None) -> str | None:
    """Apply a textattack word-swap transformation (``transformation`` class name, ``args``).

    The transformation sees the one word the engine picked, as a one-word AttackedText, and one of
    its candidates is drawn with ``rng``; global random state is seeded from ``rng`` and restored,
    as for nlpaug. None when it offers nothing or a candidate is not one clean unit.
    """
    tf = _transformation(transformation, _key(args))  # imports textattack, offline
    from textattack.shared import AttackedText

    text = AttackedText(word)
    if len(text.words) != 1:  # textattack would split it (or sees no word): not ours to edit
        return None
    import numpy as np  # here, not at import: a profile without these ops never loads numpy

    seed = int(rng.integers(2**32))
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        random.seed(seed)
        np.random.seed(seed)
        outs = [t.text for t in tf(text, indices_to_modify={0})]
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
    outs = [o for o in dict.fromkeys(outs) if o and o != word and not any(c.isspace() for c in o)]
    return outs[int(rng.integers(len(outs)))] if outs else None
