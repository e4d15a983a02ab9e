"""``robustx gate``: turn a ``robustx.report/1`` document into pass/fail for CI.

The gate is a small YAML file of checks (see docs/gate.md). Thresholds are fractions of the
metric (0.30 = 30 points on the report's percent scale). It fails closed: an unreadable
report, a check whose numbers are missing, or a failed evaluation recorded in the report is a
failure with its reason. A gate that does not fit the report (a task, language, profile or
severity that was never run) is a usage error, because no report could ever satisfy it.

Over 400 lines because its outputs (JUnit XML, Markdown summary, console) and ``cli_gate``
still live here; they move to the CLI in a later change.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core import defaults
from ..core.config import ConfigSyntaxError, load_yaml
from ..errors import UsageError

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


@dataclass
class CheckResult:
    check: Check
    passed: bool
    message: str


@dataclass
class GateResult:
    """Outcome of a gate; ``results`` has the report-integrity check first."""

    results: list[CheckResult]
    junit: Path | None = None
    summary: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]


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
    unknown = sorted(set(doc) - {"version", "checks"})
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} (allowed: version, checks)")
    if doc.get("version") != GATE_VERSION:
        raise UsageError(f"{where}: 'version' must be {GATE_VERSION}, got {doc.get('version')!r}")
    checks = doc.get("checks")
    if not isinstance(checks, list) or not checks:
        raise UsageError(f"{where}: 'checks' must be a non-empty list")
    return GateConfig(GATE_VERSION, [_parse_check(c, f"{where}: checks[{i}]")
                                     for i, c in enumerate(checks)])


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
    return GateConfig(version=GATE_VERSION, checks=checks)


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
    from .metrics import METRICS

    return isinstance(kind, str) and kind in METRICS and METRICS.get(kind).paired_test == "mcnemar"


# --- running ------------------------------------------------------------------------------

def _rows(report: dict, c: Check) -> tuple[list[dict], list[str]]:
    """The result rows a check looks at, and reasons why some are missing."""
    sevs = sorted({cond["severity"] for cond in report["conditions"]
                   if cond["profile"] == c.profile})
    if c.severity is not None and c.profile != "clean":
        sevs = [c.severity]
    rows, missing = [], []
    for sev in sevs:
        hit = [r for r in report["results"] if r["lang"] == c.lang and r["profile"] == c.profile
               and r["severity"] == sev]
        if hit:
            rows.append(hit[0])
            continue
        here = [f for f in report.get("failures", [])
                if f["profile"] == c.profile and f["severity"] == sev]
        own = [f["error"] for f in here if f.get("lang") in (None, c.lang)]
        other = [f"{f['lang']}: {f['error']}" for f in here if f.get("lang") not in (None, c.lang)]
        # this language's (or the whole condition's) reason; for the average, also the first
        # language that is missing from it
        why = own[:1] + (other[:1] if c.lang == "all" or not own else [])
        missing.append(f"no result for {c.lang} {c.profile} s{sev}"
                       + (f" ({'; '.join(why)})" if why else ""))
    return rows, missing


def _evaluate(report: dict, c: Check) -> tuple[bool, str]:
    try:
        return _evaluate_rows(report, c)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # fail closed
        return False, f"malformed report ({type(exc).__name__}: {exc})"


def _evaluate_rows(report: dict, c: Check) -> tuple[bool, str]:
    rows, missing = _rows(report, c)
    if missing:
        return False, "; ".join(missing)
    msgs, ok = [], True
    for r in rows:
        tag = f"{r['lang']} {r['profile']} s{r['severity']}: "
        passed, msg = _check_row(report, c, r)
        ok &= passed
        msgs.append(tag + msg)
    return ok, "; ".join(msgs)


def _number(value: Any, what: str) -> float:
    """A finite number from the report, or ValueError: NaN, ±Infinity, null, a string or a
    boolean never passes a check (NaN compares false both ways, so it would)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} is {value!r}, not a finite number")
    return float(value)


def _check_row(report: dict, c: Check, r: dict) -> tuple[bool, str]:
    k = c.checkpoint.lower()
    if c.type == "min_score":
        score = _number(r[f"score_{k}"], f"score_{k}") / 100
        return score >= c.value, f"{c.checkpoint} scores {score:.4f} (min {c.value:g})"
    if c.type == "max_drop":
        if c.relative and r[f"rel_drop_{k}"] is None:
            return False, f"{c.checkpoint} has no relative drop (clean score is 0)"
        drop = (_number(r[f"rel_drop_{k}"], f"rel_drop_{k}") if c.relative
                else _number(r[f"gap_{k}"], f"gap_{k}") / 100)
        what = "relative drop" if c.relative else "drop"
        return drop <= c.value, f"{c.checkpoint} {what} {drop:.4f} (max {c.value:g})"
    if c.test == "mcnemar":
        mc = r.get("mcnemar")
        if not mc:
            return False, "no McNemar test in the report"
        alpha = c.alpha if c.alpha is not None else 0.05
        est = _number(r["diff"]["estimate"], "diff.estimate")
        p_value = _number(mc["p_value"], "mcnemar.p_value")
        worse = est < 0 and p_value < alpha
        return not worse, (f"B - A = {est / 100:+.4f}, McNemar p = {p_value:.4g} "
                           f"(alpha {alpha:g})")
    d = r["diff"] if c.on == "score" else r.get("gap_diff")
    if not d:
        return False, "no gap comparison on clean data; use on: score"
    key = "diff" if c.on == "score" else "gap_diff"
    est, lo, hi = (_number(d[f], f"{key}.{f}") / 100 for f in ("estimate", "ci_low", "ci_high"))
    if lo > hi:
        raise ValueError(f"{key} has ci_low {lo * 100:g} above ci_high {hi * 100:g}")
    m = c.margin
    if c.on == "score":  # B - A: bad when low
        ok = hi >= -m if c.rule == "not_significantly_worse" else lo > -m
        text = f"B - A = {est:+.4f}, CI [{lo:+.4f}, {hi:+.4f}]"
    else:  # B's gap - A's gap: bad when high
        ok = lo <= m if c.rule == "not_significantly_worse" else hi < m
        text = f"gap B - gap A = {est:+.4f}, CI [{lo:+.4f}, {hi:+.4f}]"
    return ok, f"{text} (margin {m:g}, {c.rule})"


def _integrity(report: Any, error: str | None) -> CheckResult:
    check = Check(type="report", name="report is readable and complete")
    if error:
        return CheckResult(check, False, error)
    failures = report.get("failures", [])
    if failures:
        f = failures[0]
        return CheckResult(check, False, f"{len(failures)} failed evaluation(s), first: "
                                         f"{f['profile']} s{f['severity']}: {f['error']}")
    return CheckResult(check, True, "no failed evaluations")


def run_checks(report: dict[str, Any] | None, config: GateConfig,
               report_error: str | None = None) -> GateResult:
    """Evaluate every check; ``report_error`` (unreadable report) fails them all."""
    if report is None and report_error is None:
        report_error = "no report"
    if report_error is None:
        validate_against(config, report)
    results = [_integrity(report, report_error)]
    for c in config.checks:
        if report_error:
            results.append(CheckResult(c, False, f"report unusable: {report_error}"))
        else:
            results.append(CheckResult(c, *_evaluate(report, c)))
    return GateResult(results)


REPORT_SCHEMA = "robustx.report/1"
_ROW_KEYS = ("lang", "profile", "severity", "score_a", "score_b", "diff", "gap_a", "gap_b",
             "rel_drop_a", "rel_drop_b")


def check_report(doc: Any) -> str | None:
    """Why ``doc`` cannot be gated (not a robustx.report/1 document, or malformed), or None.

    Only the structure the gate reads is checked; report.schema.json is the full contract.
    """
    if not isinstance(doc, dict):
        return "not a robustx.report/1 document (not a JSON object)"
    schema = doc.get("schema")
    if schema != REPORT_SCHEMA:
        return (f"report schema {schema!r} is not supported (this robustx reads "
                f"{REPORT_SCHEMA})" if schema else "not a robustx.report/1 document "
                "(no 'schema' key)")
    for key in ("conditions", "results", "languages", "failures"):
        if not isinstance(doc.get(key), list):
            return f"malformed report (no {key!r} list)"
    for i, c in enumerate(doc["conditions"]):
        if not (isinstance(c, dict) and isinstance(c.get("profile"), str)
                and isinstance(c.get("severity"), int)):
            return f"malformed report (conditions[{i}] needs a profile and a severity)"
    for i, r in enumerate(doc["results"]):
        missing = [k for k in _ROW_KEYS if not isinstance(r, dict) or k not in r]
        if missing:
            return f"malformed report (results[{i}] has no {missing[0]!r})"
    for i, f in enumerate(doc["failures"]):
        if not (isinstance(f, dict) and {"profile", "severity", "error"} <= set(f)):
            return f"malformed report (failures[{i}] needs profile, severity and error)"
    settings = doc.get("settings", {})
    if not isinstance(settings, dict) or not isinstance(settings.get("bootstrap", {}), dict):
        return "malformed report ('settings' and 'settings.bootstrap' must be objects)"
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def read_report(path: str | Path) -> tuple[dict | None, str | None]:
    """(report, None) or (None, why it cannot be used)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except OSError as exc:
        return None, f"{path}: cannot read ({exc.strerror or exc})"
    except ValueError as exc:
        return None, f"{path}: not valid JSON ({exc})"
    error = check_report(doc)
    return (None, f"{path}: {error}") if error else (doc, None)


# --- outputs ------------------------------------------------------------------------------

def junit_xml(result: GateResult) -> str:
    """One <testcase> per check (the report-integrity check first)."""
    import xml.etree.ElementTree as ET

    failures = len(result.failures)
    suites = ET.Element("testsuites", name="robustx gate", tests=str(len(result.results)),
                        failures=str(failures))
    suite = ET.SubElement(suites, "testsuite", name="robustx gate",
                          tests=str(len(result.results)), failures=str(failures), errors="0")
    for r in result.results:
        case = ET.SubElement(suite, "testcase", classname=f"robustx.gate.{r.check.type}",
                             name=r.check.label)
        if r.passed:
            ET.SubElement(case, "system-out").text = r.message
        else:
            ET.SubElement(case, "failure", message=r.message, type="GateFailed").text = r.message
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def summary_markdown(result: GateResult) -> str:
    head = "passed" if result.passed else f"FAILED ({len(result.failures)} check(s))"
    lines = [f"### robustx gate: {head}", "", "| | check | details |", "|---|---|---|"]
    for r in result.results:
        mark = "✅" if r.passed else "❌"
        lines.append(f"| {mark} | {_md(r.check.label)} | {_md(r.message)} |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_outputs(result: GateResult, junit: str | Path, report_path: str | Path | None = None
                  ) -> GateResult:
    """Write the JUnit XML (atomically) and append to $GITHUB_STEP_SUMMARY when it is set."""
    from ..core.files import write_text_atomic

    junit = Path(junit)
    try:
        write_text_atomic(junit, junit_xml(result))
    except OSError as exc:
        raise UsageError(f"cannot write the JUnit XML to {junit} ({exc.strerror or exc})"
                         ) from None
    result.junit = junit
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        text = summary_markdown(result)
        if report_path:
            text += f"\nReport: `{report_path}`\n"
        try:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(text + "\n")
        except OSError as exc:
            raise UsageError(f"cannot append to GITHUB_STEP_SUMMARY={summary} "
                             f"({exc.strerror or exc})") from None
    return result


def gate(report: str | Path | dict[str, Any], config: str | Path | GateConfig,
         junit: str | Path | None = None) -> GateResult:
    """Run a gate file on a report (a report.json path or the document itself).

    Writes JUnit XML to ``junit`` (default ``<report dir>/gate-junit.xml``; a document given as
    a dict needs ``junit``) and appends to $GITHUB_STEP_SUMMARY when it is set.
    """
    cfg = config if isinstance(config, GateConfig) else load_config(config)
    if isinstance(report, dict):
        if junit is None:
            raise UsageError("gate(): pass junit= when the report is a document, not a file")
        doc, error = report, check_report(report)
        doc, report_path = (None if error else doc), None
    else:
        doc, error = read_report(report)
        report_path = report
        junit = junit or Path(report).parent / "gate-junit.xml"
    result = run_checks(doc, cfg, error)
    return write_outputs(result, junit, report_path)
