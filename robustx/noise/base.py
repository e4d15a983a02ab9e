"""The noise-op contract and its registry.

A noise op is a pure function ``fn(word, lang, rng, **params) -> str | None``:

* ``word`` is the *core* of one word unit: surrounding punctuation is already split off and is
  never passed in, and it is never empty;
* ``lang`` is the ISO 639-1 code of the text;
* ``rng`` is the caller's :class:`~robustx.noise.rng.Rng` (``random``, ``integers``, ``choice``
  with numpy Generator conventions, so a numpy Generator works too); ops never touch global state;
* params are keyword-only arguments with defaults; a profile may set them, unknown ones are errors.

It returns the new word, or ``None`` when it has nothing to offer for this word (no layout key,
no lexicon entry, no romanisation, no confusable...). ``None`` is counted in the manifest as
"unavailable"; returning the word unchanged counts as applied-but-unchanged. The engine rejects
(and counts) outputs that are empty or contain whitespace, so one unit stays one unit and tags
and answer spans stay aligned.

``check(lang, params)`` runs once per language before any data is touched and raises
:class:`~robustx.errors.ResourceError` when the op cannot serve that language at all (an error,
or a switched-off step if the profile marks it optional). It returns False when the op is valid
but can never change a word of that language (keyboard ops in Chinese): the step is switched off
for it and reported, instead of drawing words only to return None for each.
``span(lang, params)`` (optional) serves languages written without spaces (zh, ja, th, my...), whose
units are single characters: it returns a predicate over a run of consecutive characters, or None.
Where it is given, the engine groups adjacent character units greedily, longest first (up to 12),
into runs the predicate accepts (a lexicon entry such as "电影", say) and passes the run to the op
as one word. Runs never cross an answer boundary, and tagging tokens are never grouped.

``digits=True`` marks an op whose scheme writes letters with digits (Arabizi's 7 for ح): under a
profile's default ``protect: [numbers]`` (:mod:`.protect`) the engine rejects any other op's
output that brings a digit into a word.

``fingerprint(params)`` returns a short hash of any external resource the params point to (a user
lexicon file, say) so that it enters the run signature.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..registry import Registry

OpFn = Callable[..., "str | None"]


@dataclass(frozen=True)
class Op:
    name: str
    family: str
    fn: OpFn
    defaults: Mapping[str, Any]
    doc: str
    check: Callable[[str, Mapping[str, Any]], bool | None] | None = None
    fingerprint: Callable[[Mapping[str, Any]], str] | None = None
    span: Callable[[str, Mapping[str, Any]], Callable[[str], bool] | None] | None = None
    digits: bool = False  # writes letters with digits (Arabizi's 7): kept under protect: numbers

    def __call__(self, word: str, lang: str, rng: Any, **params: Any) -> str | None:
        return self.fn(word, lang, rng, **params)


OPS: Registry[Op] = Registry("noise op")


def op(
    name: str,
    family: str,
    *,
    check: Callable[[str, Mapping[str, Any]], bool | None] | None = None,
    fingerprint: Callable[[Mapping[str, Any]], str] | None = None,
    span: Callable[[str, Mapping[str, Any]], Callable[[str], bool] | None] | None = None,
    digits: bool = False,
) -> Callable[[OpFn], OpFn]:
    """Register ``fn`` as noise op ``name``; its keyword-only arguments are its params."""

    def deco(fn: OpFn) -> OpFn:
        sig = inspect.signature(fn)
        defaults = {
            k: p.default
            for k, p in sig.parameters.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        }
        missing = [k for k, v in defaults.items() if v is inspect.Parameter.empty]
        if missing:
            raise TypeError(f"op {name}: params need defaults: {missing}")
        doc = inspect.getdoc(fn) or ""
        OPS.add(name, Op(name, family, fn, defaults, doc.split("\n\n")[0], check, fingerprint, span,
                          digits))
        return fn

    return deco


def package_version(*names: str) -> Callable[[Mapping[str, Any]], str]:
    """A ``fingerprint`` for ops whose output depends on a third-party package's data or
    randomness (anyascii readings, nlpaug): its version enters the run signature."""

    def fingerprint(params: Mapping[str, Any]) -> str:
        from importlib.metadata import PackageNotFoundError, version

        out = []
        for name in names:
            try:
                out.append(f"{name}={version(name)}")
            except PackageNotFoundError:
                out.append(f"{name}=absent")
        return ",".join(out)

    return fingerprint


def load_all_ops() -> Registry[Op]:
    """Import every op module (each registers its ops) and return the registry."""
    import importlib

    for mod in ("typo", "codeswitch", "translit", "unicode", "adapters", "realtypo"):
        try:
            importlib.import_module(f"robustx.noise.{mod}")
        except ModuleNotFoundError as exc:  # a family not written yet
            if exc.name != f"robustx.noise.{mod}":
                raise
    return OPS
