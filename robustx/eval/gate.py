"""``robustx gate``: turn a ``robustx.report/1`` document into pass/fail for CI.

It fails closed: an unreadable report, a check whose numbers are missing or not finite, or a
failed evaluation recorded in the report is a failure with its reason. The checks themselves
are parsed in :mod:`robustx.eval.gate_config`.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .gate_config import (
    GATE_VERSION,
    TYPES,
    Check,
    GateConfig,
    load_config,
    parse_config,
    validate_against,
    with_max_drop,
)

__all__ = ["GATE_VERSION", "TYPES", "Check", "CheckResult", "GateConfig", "GateResult",
           "check_report", "gate", "load_config", "parse_config", "read_report", "run_checks",
           "validate_against", "with_max_drop", "write_outputs"]


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


def _coverage(report: Any, error: str | None) -> CheckResult:
    """``require_coverage: true``: no condition may have passed a language through unchanged
    (a profile that cannot serve it). Fails closed on an unusable report or record."""
    check = Check(type="coverage", name="every language was noised (require_coverage)")
    if error:
        return CheckResult(check, False, f"report unusable: {error}")
    found = []
    for c in report["conditions"]:
        passed = c.get("passed_through")
        if passed is None:
            continue
        if not isinstance(passed, dict) or not all(isinstance(r, dict) for r in passed.values()):
            return CheckResult(check, False, f"malformed report ({c['profile']} "
                                             f"s{c['severity']}: passed_through is {passed!r})")
        for lang, r in passed.items():
            found.append(f"{c['profile']} s{c['severity']}: {lang} passed through unchanged "
                         f"({r.get('reason', 'no reason given')})")
    if found:
        return CheckResult(check, False, "; ".join(found))
    return CheckResult(check, True, "no language was passed through unchanged")


def run_checks(report: dict[str, Any] | None, config: GateConfig,
               report_error: str | None = None) -> GateResult:
    """Evaluate every check; ``report_error`` (unreadable report) fails them all."""
    if report is None and report_error is None:
        report_error = "no report"
    if report_error is None:
        validate_against(config, report)
    results = [_integrity(report, report_error)]
    if config.require_coverage:
        results.append(_coverage(report, report_error))
    for c in config.checks:
        if report_error:
            results.append(CheckResult(c, False, f"report unusable: {report_error}"))
        else:
            results.append(CheckResult(c, *_evaluate(report, c)))
    return GateResult(results)


REPORT_SCHEMA = "robustx.report/1"
_ROW_KEYS = ("lang", "profile", "severity", "score_a", "score_b", "diff", "gap_a", "gap_b",
             "rel_drop_a", "rel_drop_b")


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _bad_number(row: dict) -> str | None:
    """The first number of a result row that is missing or not finite (as ``key is value``)."""
    fields = [(k, row[k], False) for k in ("score_a", "score_b", "gap_a", "gap_b")]
    fields += [(k, row[k], True) for k in ("rel_drop_a", "rel_drop_b")]  # None: clean score 0
    for key, optional in (("diff", False), ("gap_diff", True)):
        d = row.get(key)
        if d is None and optional:
            continue
        if not isinstance(d, dict):
            return f"{key} is {d!r}"
        fields += [(f"{key}.{f}", d.get(f), False) for f in ("estimate", "ci_low", "ci_high")]
    mc = row.get("mcnemar")
    if mc is not None:
        if not isinstance(mc, dict):
            return f"mcnemar is {mc!r}"
        fields.append(("mcnemar.p_value", mc.get("p_value"), False))
    for key, value, optional in fields:
        if not (_finite(value) or (optional and value is None)):
            return f"{key} is {value!r}, not a finite number"
    return None


def check_report(doc: Any) -> str | None:
    """Why ``doc`` cannot be gated (not a robustx.report/1 document, or malformed), or None.

    Only the structure the gate reads is checked, every number of every result row included
    (the gate fails closed: a NaN anywhere is a failed gate); report.schema.json is the full
    contract.
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
        bad = _bad_number(r)
        if bad:
            return f"malformed report (results[{i}].{bad})"
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
