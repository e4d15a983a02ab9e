"""Gate files: the checks a CI gate applies, parsed and validated before any work.

A gate file is a small YAML document of checks (see docs/gate.md); thresholds are fractions of
the metric (0.30 = 30 points on the report's percent scale). A check that names something the
planned run never produces (a task, language, profile or severity) is a usage error up front,
because no report of that run could ever satisfy it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import defaults
from ..core.config import ConfigSyntaxError, load_yaml
from ..errors import UsageError
from .metrics import METRICS

GATE_VERSION = 1
TYPES = ("min_score", "max_drop", "not_worse")
COMMON = {"type", "name", "task", "lang", "profile", "severity"}
KEYS = {
    "min_score": COMMON | {"checkpoint", "value"},
    "max_drop": COMMON | {"checkpoint", "value", "relative"},
    "not_worse": COMMON | {"alpha", "margin", "test", "on", "rule"},
}
REQUIRED = {"min_score": {"value"}, "max_drop": {"value", "profile"}, "not_worse": set()}
RULES = ("not_significantly_worse", "non_inferior")


@dataclass(frozen=True)
class Check:
    """One threshold. ``severity`` None means every severity of the profile in the report."""

    type: str
    checkpoint: str = "B"
    task: str | None = None
    lang: str = "all"
    profile: str = "clean"
    severity: int | None = None
    value: float | None = None
    relative: bool = False
    alpha: float | None = None
    margin: float = 0.0
    test: str = "ci"
    on: str = "score"
    rule: str = "not_significantly_worse"
    name: str | None = None

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        where = f"{self.task + '/' if self.task else ''}{self.lang} {self.profile}"
        where += f" s{self.severity}" if self.severity is not None else ""
        if self.type == "min_score":
            return f"min_score {self.checkpoint} {where} >= {self.value:g}"
        if self.type == "max_drop":
            unit = " (relative)" if self.relative else ""
            return f"max_drop {self.checkpoint} {where} <= {self.value:g}{unit}"
        return f"not_worse B vs A {where} ({self.on}, {self.test}, {self.rule})"


@dataclass
class GateConfig:
    version: int
    checks: list[Check]
    require_coverage: bool = False  # fail when the noise passed any evaluated language through


# --- the config ---------------------------------------------------------------------------

def load_config(path: str | Path) -> GateConfig:
    """Read and validate a gate YAML file (structure only; fit to a report comes later)."""
    path = Path(path)
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the gate file ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: cannot read the gate file ({exc})") from None
    except ConfigSyntaxError as exc:
        line = f":{exc.line}" if exc.line else ""
        raise UsageError(f"{path}{line}: malformed YAML ({exc.problem})") from None
    return parse_config(doc, str(path))


def parse_config(doc: Any, where: str = "gate") -> GateConfig:
    if doc is None:
        raise UsageError(f"{where}: the gate file is empty (it needs 'version: 1' and 'checks')")
    if not isinstance(doc, dict):
        raise UsageError(f"{where}: expected a mapping with 'version' and 'checks'")
    unknown = sorted(set(doc) - {"version", "checks", "require_coverage"})
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} "
                         "(allowed: version, checks, require_coverage)")
    if doc.get("version") != GATE_VERSION:
        raise UsageError(f"{where}: 'version' must be {GATE_VERSION}, got {doc.get('version')!r}")
    coverage = doc.get("require_coverage", False)
    if not isinstance(coverage, bool):
        raise UsageError(f"{where}: 'require_coverage' must be true or false, got {coverage!r}")
    checks = doc.get("checks", [] if coverage else None)
    if not isinstance(checks, list) or not (checks or coverage):
        raise UsageError(f"{where}: 'checks' must be a non-empty list"
                         + ("" if "checks" in doc else " (or set require_coverage: true)"))
    return GateConfig(GATE_VERSION, [_parse_check(c, f"{where}: checks[{i}]")
                                     for i, c in enumerate(checks)], coverage)


def _fraction(value: Any, key: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"{where}: {key!r} must be a number, got {value!r}")
    if not 0 <= value <= 1:
        raise UsageError(f"{where}: {key!r} is a fraction of the metric in 0..1 "
                         f"(0.30 = 30 points), got {value}")
    return float(value)


def _parse_check(raw: Any, where: str) -> Check:
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: expected a mapping, got {type(raw).__name__}")
    ctype = raw.get("type")
    if ctype not in TYPES:
        raise UsageError(f"{where}: 'type' must be one of {', '.join(TYPES)}, got {ctype!r}")
    unknown = sorted(set(raw) - KEYS[ctype])
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} for a {ctype} check "
                         f"(allowed: {', '.join(sorted(KEYS[ctype]))})")
    missing = sorted(REQUIRED[ctype] - set(raw))
    if missing:
        raise UsageError(f"{where}: a {ctype} check needs {missing[0]!r}")
    kw = dict(raw)
    for key in ("value", "margin"):
        if key in kw:
            kw[key] = _fraction(kw[key], key, where)
    if "alpha" in kw and not (isinstance(kw["alpha"], float) and 0 < kw["alpha"] < 1):
        raise UsageError(f"{where}: 'alpha' must be a number in (0, 1), got {kw['alpha']!r}")
    for key, allowed in (("checkpoint", ("A", "B")), ("test", ("ci", "mcnemar")),
                         ("on", ("score", "gap")), ("rule", RULES)):
        if key in kw and kw[key] not in allowed:
            raise UsageError(f"{where}: {key!r} must be one of {', '.join(allowed)}, "
                             f"got {kw[key]!r}")
    for key in ("task", "lang", "profile", "name"):
        if key in kw and not isinstance(kw[key], str):
            raise UsageError(f"{where}: {key!r} must be a string, got {kw[key]!r}")
    if "severity" in kw and (isinstance(kw["severity"], bool)
                             or not isinstance(kw["severity"], int)):
        raise UsageError(f"{where}: 'severity' must be an integer, got {kw['severity']!r}")
    if "relative" in kw and not isinstance(kw["relative"], bool):
        raise UsageError(f"{where}: 'relative' must be true or false, got {kw['relative']!r}")
    check = Check(**kw)
    if ctype == "max_drop" and check.profile == "clean":
        raise UsageError(f"{where}: max_drop needs a noise profile, not 'clean'")
    if check.profile == "clean" and check.severity not in (None, 0):
        raise UsageError(f"{where}: 'severity' applies to a noise profile, not to 'clean'")
    if ctype == "not_worse" and check.test == "mcnemar" and check.margin:
        raise UsageError(f"{where}: 'margin' only works with test: ci")
    if ctype == "not_worse" and check.test == "mcnemar" and check.on == "gap":
        raise UsageError(f"{where}: test: mcnemar compares scores; use test: ci for on: gap")
    return check


def with_max_drop(config: GateConfig | None, profiles: list[str], value: float) -> GateConfig:
    """``config`` plus a max_drop check of B at ``value`` for each profile (``--max-drop``)."""
    if not 0 <= value <= 1:
        raise UsageError(f"--max-drop is a fraction of the metric in 0..1 (0.05 = 5 points), "
                         f"got {value}")
    checks = list(config.checks) if config else []
    checks += [Check(type="max_drop", checkpoint="B", profile=p, value=value,
                     name=f"--max-drop {value}") for p in profiles]
    return GateConfig(version=GATE_VERSION, checks=checks,
                      require_coverage=bool(config and config.require_coverage))


# --- fitting a config to a report ----------------------------------------------------------

def validate_against(config: GateConfig, report: dict[str, Any]) -> None:
    """UsageError for checks that name things the report never ran."""
    conds = {(c["profile"], c["severity"]) for c in report.get("conditions", [])}
    profiles = {p for p, _ in conds}
    langs = set(report.get("languages", []))
    conf = report.get("settings", {}).get("bootstrap", {}).get("confidence", defaults.CONFIDENCE)
    for i, c in enumerate(config.checks):
        where = f"gate check {i + 1} ({c.label})"
        if c.task is not None and c.task != report.get("task"):
            raise UsageError(f"{where}: task {c.task!r} is not in the report "
                             f"(the report is for {report.get('task')!r})")
        if c.profile not in profiles:
            raise UsageError(f"{where}: profile {c.profile!r} is not in the report "
                             f"(has: {', '.join(sorted(profiles))})")
        if c.severity is not None and c.profile != "clean" and (c.profile, c.severity) not in conds:
            sevs = sorted(s for p, s in conds if p == c.profile)
            raise UsageError(f"{where}: severity {c.severity} of {c.profile!r} is not in the "
                             f"report (has: {', '.join(map(str, sevs))})")
        if c.lang != "all" and c.lang not in langs:
            raise UsageError(f"{where}: language {c.lang!r} is not in the report "
                             f"(has: {', '.join(sorted(langs))}, or 'all')")
        if c.type == "not_worse" and c.test == "ci" and c.alpha is not None \
                and abs((1 - c.alpha) - conf) > 1e-9:
            raise UsageError(f"{where}: alpha {c.alpha} does not match the report's "
                             f"{conf:.0%} bootstrap intervals (use alpha {1 - conf:.2g})")
        if c.test == "mcnemar" and not _mcnemar_applies(report.get("kind")):
            raise UsageError(f"{where}: McNemar applies to accuracy metrics, not "
                             f"{report.get('kind')!r}; use test: ci")


def _mcnemar_applies(kind: Any) -> bool:
    """Whether the report's metric has a 0/1 ``correct`` statistic McNemar's test can pair."""
    return isinstance(kind, str) and kind in METRICS and METRICS.get(kind).paired_test == "mcnemar"
