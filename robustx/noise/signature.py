"""sacrebleu-style signatures: one line that pins everything that can change a number.

``typo.v1[kbd:0.06+swap:0.02]|sev:3|rs:12345|prot:numbers|data:3f9a1c2e|v:0.1.0``. Op params
that differ from the op's defaults are shown in parentheses (``codeswitch(target=fr):0.2``); a
non-default side selection adds ``|sides:first``; ``prot:`` names what no op may touch
(``prot:none`` when nothing is); user-supplied resources (a lexicon file) and the versions of
third-party packages whose data ops read (anyascii, nlpaug) add ``|res:<hash>``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .. import __version__
from .base import OPS, load_all_ops
from .profiles import Profile


def short_hash(data: bytes | str, n: int = 8) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:n]


def _fmt_value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":")).strip('"')


def fmt_rate(rate: float) -> str:
    """Two decimals, more only when needed (0.10, 0.015), so distinct rates never collide."""
    text = f"{rate:.6f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def op_token(op: str, rate: float, params: dict[str, Any], defaults: dict[str, Any]) -> str:
    changed = {k: v for k, v in sorted(params.items()) if defaults.get(k, object()) != v}
    inner = ",".join(f"{k}={_fmt_value(v)}" for k, v in changed.items())
    return f"{op}({inner}):{fmt_rate(rate)}" if inner else f"{op}:{fmt_rate(rate)}"


def resource_hash(profile: Profile) -> str:
    """Combined fingerprint of external resources that the profile's params point to."""
    load_all_ops()
    parts = []
    for s in profile.steps:
        spec = OPS.get(s.op)
        if spec.fingerprint is not None:
            fp = spec.fingerprint(s.kwargs)
            if fp:
                parts.append(f"{s.op}:{fp}")
    return short_hash("|".join(parts)) if parts else ""


def signature(profile: Profile, seed: int, data_hash: str | None = None,
              version: str = __version__) -> str:
    """The run signature of ``profile`` (already resolved at a severity with :meth:`Profile.at`)."""
    load_all_ops()
    ops = "+".join(
        op_token(s.op, s.rate, s.kwargs, dict(OPS.get(s.op).defaults)) for s in profile.steps
    )
    fields = [f"{profile.name}.v{profile.version}[{ops}]", f"sev:{profile.severity}", f"rs:{seed}"]
    if profile.sides != "default":
        fields.append(f"sides:{profile.sides}")
    fields.append(f"prot:{'+'.join(profile.protect) or 'none'}")
    res = resource_hash(profile)
    if res:
        fields.append(f"res:{res}")
    if data_hash:
        fields.append(f"data:{data_hash}")
    fields.append(f"v:{version}")
    return "|".join(fields)
