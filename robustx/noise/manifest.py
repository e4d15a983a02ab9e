"""The manifest of a ``robustx corrupt`` output: what was run on what (profile, seed, data
fingerprint, signature), what came out (files, per-language intensity, invalid examples, ops
switched off) and with which versions, so that a noisy file can always be traced and rebuilt."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .. import __version__
from .intensity import LangStats
from .profiles import Profile

MANIFEST_SCHEMA = "robustx.manifest/1"


def build(sig: str, profile: Profile, seed: int, data_hash: str, files: list[dict[str, Any]],
          per_lang: Mapping[str, LangStats], disabled: frozenset[tuple[int, str]],
          skipped_langs: Sequence[str], command: str | None,
          passthrough: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, Any]:
    """The manifest document (its key order is the file's)."""
    op_names = [s.op for s in profile.steps]
    return {
        "schema": MANIFEST_SCHEMA,
        "signature": sig,
        "profile": _profile_doc(profile),
        "seed": seed,
        "data_fingerprint": data_hash,
        "files": files,
        "intensity": {lang: per_lang[lang].report(op_names, lang) for lang in sorted(per_lang)},
        "invalid_examples": sum(f["invalid_examples"] for f in files),
        "ops_switched_off": {lang: sorted(f"{i}:{op_names[i]}" for i, la in disabled
                                          if la == lang)
                             for lang in sorted({la for _, la in disabled})},
        "skipped_languages": list(skipped_langs),
        **_passed_through(files, passthrough),
        "invalid_policy": "kept unchanged in the output and counted here",
        "versions": _versions(),
        "command": command,
    }


def _passed_through(files: list[dict[str, Any]], passthrough: Mapping[str, Mapping[str, str]] | None
                    ) -> dict[str, Any]:
    """``passed_through``: per language the examples written unchanged because the profile
    cannot serve it, and why; absent when there are none (each file names its own)."""
    counts: dict[str, int] = {}
    for f in files:
        for lang, n in f.get("passed_through", {}).items():
            counts[lang] = counts.get(lang, 0) + n
    if not counts:
        return {}
    return {"passed_through": {lang: {"examples": counts[lang], **(passthrough or {})[lang]}
                               for lang in sorted(counts)},
            "passed_through_policy": "written unchanged in the output and counted here"}


def write(path: Path, manifest: dict[str, Any]) -> None:
    """Indented JSON. Written into the run's temporary folder, which is renamed into place as a
    whole, so it needs no atomic write of its own."""
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _profile_doc(profile: Profile) -> dict[str, Any]:
    doc = asdict(profile)
    doc["steps"] = [{"op": s.op, "rate": s.rate, "params": s.kwargs} for s in profile.steps]
    doc["severity"] = profile.severity
    doc.pop("severity_scale")
    doc.pop("default_severity")
    return doc


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from ..core import accel

    out = {"robustx": __version__, "python": sys.version.split()[0],
           "engine": "compiled (mypyc)" if accel.ACTIVE else "python"}
    for pkg in ("numpy", "datasets", "pyarrow", "sacrebleu"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out
