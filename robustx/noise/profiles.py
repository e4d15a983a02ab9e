"""Noise profiles: YAML files validated into frozen dataclasses.

A profile is an ordered pipeline of ops with nominal rates, plus a severity scale 1-5 that
multiplies every rate (capped at 1). Configuration is data: ``yaml.safe_load`` only, unknown keys
are errors that name the key and the file.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.config import ConfigSyntaxError, load_yaml
from ..errors import ProfileError
from ..registry import suggest
from .base import load_all_ops
from .protect import DEFAULT_PROTECT, PROTECT

SIDES = ("default", "all", "first", "second")
TOP_KEYS = {"name", "version", "description", "default_severity", "severity", "ops", "sides",
            "references", "languages", "protect"}
STEP_KEYS = {"op", "rate", "params", "optional"}
DEFAULT_SCALE = {1: 0.25, 2: 0.5, 3: 1.0, 4: 1.5, 5: 2.0}
LANG_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class Step:
    """One op at a rate. ``optional`` steps are switched off (and reported) for languages the op
    cannot serve, instead of failing the run; mixed profiles use this."""

    op: str
    rate: float
    params: tuple[tuple[str, Any], ...] = ()
    optional: bool = False

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)


@dataclass(frozen=True)
class Profile:
    name: str
    version: int
    description: str
    steps: tuple[Step, ...]
    severity_scale: tuple[tuple[int, float], ...]
    default_severity: int = 3
    sides: str = "default"
    references: tuple[str, ...] = ()
    languages: tuple[str, ...] | None = None
    path: str = ""
    protect: tuple[str, ...] = DEFAULT_PROTECT  # what no op touches (:mod:`.protect`)

    def at(self, severity: int | None) -> Profile:
        """The profile with rates scaled for ``severity`` (1-5) and the scale collapsed."""
        sev = self.default_severity if severity is None else severity
        if sev not in dict(self.severity_scale):
            raise ProfileError(f"severity must be 1..5, got {sev}")
        k = dict(self.severity_scale)[sev]
        steps = tuple(Step(s.op, round(min(1.0, s.rate * k), 6), s.params, s.optional)
                      for s in self.steps)
        return Profile(self.name, self.version, self.description, steps, ((sev, 1.0),), sev,
                       self.sides, self.references, self.languages, self.path, self.protect)

    @property
    def severity(self) -> int:
        return self.default_severity

    def uncovered(self, langs: Iterable[str]) -> list[str]:
        """The languages among ``langs`` this profile does not cover (``mixed``: per row)."""
        if not self.languages:
            return []
        return sorted(set(langs) - set(self.languages) - {"mixed"})


def profiles_dir() -> Path:
    """``noise_profiles/`` shipped in the wheel (robustx/_profiles) or beside a source checkout."""
    shipped = Path(str(resources.files("robustx"))) / "_profiles"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "noise_profiles"


def shipped_profiles() -> list[str]:
    return sorted(p.stem for p in profiles_dir().glob("*.yaml"))


def _fail(where: str, msg: str) -> ProfileError:
    return ProfileError(f"{where}: {msg}")


def _unknown(keys: set, allowed: set, where: str) -> None:
    for k in sorted(map(str, keys - allowed)):
        close = difflib.get_close_matches(k, sorted(allowed), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise _fail(where, f"unknown key {k!r}{hint}; allowed: {', '.join(sorted(allowed))}")


def parse_profile(doc: Any, where: str) -> Profile:
    """Validate a parsed YAML document into a :class:`Profile`; every op and param is checked."""
    if not isinstance(doc, dict):
        raise _fail(where, "a profile must be a YAML mapping")
    _unknown(set(doc), TOP_KEYS, where)
    for req in ("name", "version", "ops"):
        if req not in doc:
            raise _fail(where, f"missing key {req!r}")
    name, version = doc["name"], doc["version"]
    if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
        raise _fail(where, f"'name' must be a word, got {name!r}")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(where, f"'version' must be a positive integer, got {version!r}")
    ops = load_all_ops()
    if not isinstance(doc["ops"], list) or not doc["ops"]:
        raise _fail(where, "'ops' must be a non-empty list")
    steps = []
    for i, raw in enumerate(doc["ops"]):
        at = f"{where}: ops[{i}]"
        if not isinstance(raw, dict):
            raise ProfileError(f"{at}: each op must be a mapping with 'op' and 'rate'")
        _unknown(set(raw), STEP_KEYS, at)
        if "op" not in raw or "rate" not in raw:
            raise ProfileError(f"{at}: needs 'op' and 'rate'")
        try:
            spec = ops.get(str(raw["op"]))
        except Exception as exc:
            raise ProfileError(f"{at}: {exc}") from None
        rate = raw["rate"]
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ProfileError(f"{at}: 'rate' must be a number in [0, 1], got {rate!r}")
        params = raw.get("params") or {}
        if not isinstance(params, dict):
            raise ProfileError(f"{at}: 'params' must be a mapping")
        for k, v in params.items():
            if k not in spec.defaults:
                allowed = ", ".join(sorted(spec.defaults)) or "none"
                raise ProfileError(f"{at}: op {spec.name!r} has no param {k!r} (params: {allowed})")
            default = spec.defaults[k]
            if default is not None and not _same_kind(default, v):
                raise ProfileError(
                    f"{at}: param {k!r} of op {spec.name!r} must be "
                    f"{type(default).__name__}, got {v!r}")
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            raise ProfileError(f"{at}: 'optional' must be true or false, got {optional!r}")
        steps.append(Step(spec.name, float(rate), tuple(sorted(params.items(), key=str)),
                          optional))
    scale = doc.get("severity", DEFAULT_SCALE)
    if not isinstance(scale, dict) or sorted(scale) != [1, 2, 3, 4, 5]:
        raise _fail(where, "'severity' must map each level 1..5 to a rate multiplier")
    for lvl, k in scale.items():
        if isinstance(k, bool) or not isinstance(k, (int, float)) or not 0 <= k < math.inf:
            raise _fail(where, f"severity {lvl}: multiplier must be a finite number >= 0, "
                        f"got {k!r}")
    default_sev = doc.get("default_severity", 3)
    if isinstance(default_sev, bool) or default_sev not in (1, 2, 3, 4, 5):
        raise _fail(where, f"'default_severity' must be 1..5, got {default_sev!r}")
    sides = doc.get("sides", "default")
    if sides not in SIDES:
        raise _fail(where, f"'sides' must be one of {', '.join(SIDES)}, got {sides!r}")
    langs = doc.get("languages")
    if langs is not None and (not isinstance(langs, list) or not langs or not all(
            isinstance(x, str) and LANG_CODE.fullmatch(x) for x in langs)):
        raise _fail(where, f"'languages' must be a non-empty list of language codes such as "
                    f"[de, hi], got {langs!r}")
    protect = doc.get("protect", list(DEFAULT_PROTECT))
    if not isinstance(protect, list) or not all(isinstance(x, str) for x in protect):
        raise _fail(where, f"'protect' must be a list such as [numbers] (or [] for nothing), "
                    f"got {protect!r}")
    for x in protect:
        if x not in PROTECT:
            raise _fail(where, f"'protect' knows {', '.join(PROTECT)}, got {x!r}")
    refs = doc.get("references") or []
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise _fail(where, "'references' must be a list of strings")
    if not isinstance(doc.get("description", ""), str):
        raise _fail(where, "'description' must be a string")
    return Profile(
        name=name, version=version, description=str(doc.get("description", "")).strip(),
        steps=tuple(steps), severity_scale=tuple(sorted((int(a), float(b)) for a, b in scale.items())),
        default_severity=default_sev, sides=sides, references=tuple(map(str, refs)),
        languages=tuple(langs) if langs else None, path=where,
        protect=tuple(x for x in PROTECT if x in protect),
    )


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, type(default))


def load_profile(name_or_path: str) -> Profile:
    """A shipped profile by name (``typo``) or a YAML file path."""
    path = Path(name_or_path)
    names = shipped_profiles()
    if path.is_file() or path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise ProfileError(f"{path}: no such profile file")
    elif name_or_path in names:  # a folder of that name (say, an earlier --out) hides nothing
        path = profiles_dir() / f"{name_or_path}.yaml"
    elif path.exists():
        raise ProfileError(f"{path} is a folder, not a profile file or a shipped profile")
    else:
        raise ProfileError(str(suggest(name_or_path, names, "profile")))
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read the profile ({exc})") from None
    except ConfigSyntaxError as exc:
        line = f":{exc.line}" if exc.line else ""
        raise ProfileError(f"{path}{line}: invalid YAML ({exc.problem})") from None
    return parse_profile(doc, str(path))
