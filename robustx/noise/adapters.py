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

import json
import random
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

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


@lru_cache(maxsize=32)
def _transformation(name: str, args_json: str) -> Any:
    """A textattack word-swap transformation, built once per name and args (lazy import)."""
    try:
        import textattack.transformations as tt
    except ImportError as exc:
        raise ResourceError(f"the textattack op needs textattack: {TEXTATTACK_HINT} ({exc})") \
            from None
    cls = getattr(tt, name, None)
    if not isinstance(cls, type) or not name.startswith("WordSwap"):
        known = sorted(n for n in dir(tt) if n.startswith("WordSwap"))
        raise UsageError(f"unknown textattack transformation {name!r}; a word swap is needed "
                         f"(valid: {', '.join(known)})")
    try:
        return cls(**json.loads(args_json))
    except Exception as exc:  # a model to download, bad kwargs...: say which and why
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
    from textattack.shared import AttackedText

    tf = _transformation(transformation, _key(args))
    text = AttackedText(word)
    if len(text.words) != 1:  # textattack would split it (or sees no word): not ours to edit
        return None
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
