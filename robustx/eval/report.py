"""Render a ``robustx.report/1`` document: report.json, report.md, a rich table, plots.

report.md is meant to be pasted into a pull request or a model card: the gate's verdict, an
averages table, the measured noise of each condition, links to the plots, one table per
language, and the reproducibility block (fingerprints, signatures, seeds, versions).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.files import write_text_atomic


def write(doc: dict[str, Any], out: str | Path, plots: bool = True, gate: Any = None
          ) -> dict[str, Any]:
    """Write report.json, report.md and (optionally) PNG plots into ``out``; returns the paths.

    ``gate``: a :class:`robustx.eval.gate.GateResult` whose verdict report.md shows.
    """
    from . import plots as P

    out = Path(out)
    paths: dict[str, Any] = {"json": out / "report.json", "md": out / "report.md"}
    paths["plots"] = P.write_all(doc, out / "plots") if plots else []
    write_text_atomic(paths["json"], json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    links = [p.relative_to(out).as_posix() for p in paths["plots"]]
    write_text_atomic(paths["md"], markdown(doc, plots=links, gate=gate))
    return paths


# --- formatting ---------------------------------------------------------------------------

def _num(x: float | None, fmt: str = "{:.1f}") -> str:
    return "n/a" if x is None else fmt.format(x)


def _cond(r: dict) -> str:
    return "clean" if r["profile"] == "clean" else f"{r['profile']} s{r['severity']}"


def _diff(r: dict) -> str:
    d = r["diff"]
    return f"{d['estimate']:+.1f} [{d['ci_low']:+.1f}, {d['ci_high']:+.1f}]"


def _gap_diff(r: dict) -> str:
    d = r.get("gap_diff")
    return "" if not d else f"{d['estimate']:+.1f} [{d['ci_low']:+.1f}, {d['ci_high']:+.1f}]"


def _p(r: dict) -> str:
    mc = r.get("mcnemar")
    return "" if not mc else f"{mc['p_value']:.3g}"


COLUMNS = ("condition", "A", "B", "B − A [95% CI]", "McNemar p", "gap A", "gap B",
           "gap B − gap A [95% CI]")


def row_cells(r: dict) -> list[str]:
    clean = r["profile"] == "clean"
    return [_cond(r), _num(r["score_a"]), _num(r["score_b"]), _diff(r), _p(r),
            "" if clean else _num(r["gap_a"]), "" if clean else _num(r["gap_b"]), _gap_diff(r)]


def _table(rows: list[dict]) -> list[str]:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row_cells(r)) + " |" for r in rows]
    return lines


def _mcnemar_note(doc: dict[str, Any]) -> list[str]:
    if not any(r.get("mcnemar") for r in doc["results"]):
        return []
    below = doc["settings"].get("mcnemar", {}).get("exact_below", 25)
    return [f"- McNemar p: exact binomial test below {below} discordant pairs, chi-square with "
            "continuity correction from there on; pooled over languages for the average"]


def _corpus_note(doc: dict[str, Any]) -> list[str]:
    from .metrics.bucc import GOLD_ONLY, GOLD_ONLY_NOTE

    langs = [lang for lang, c in doc["data"].get("corpus", {}).items() if c == GOLD_ONLY]
    return [f"- **{', '.join(langs)}: {GOLD_ONLY_NOTE}** (the split has no sentence "
            "without a gold partner)"] if langs else []


def _mean(values: list) -> float | None:
    vals = [v for v in values if isinstance(v, (int, float))]
    return sum(vals) / len(vals) if vals else None


def _intensity(doc: dict[str, Any]) -> list[str]:
    """Measured noise per condition, averaged over languages as the scores are."""
    conds = [c for c in doc["conditions"] if c["profile"] != "clean"]
    if not conds:
        return []
    lines = ["## Noise per condition", "",
             "| condition | examples changed | words changed | CER | chrF | invalid examples |",
             "|---|---|---|---|---|---|"]
    for c in conds:
        per = list((c.get("intensity") or {}).values())
        ex, words, cer, chrf = (_mean([s.get(k) for s in per]) for k in (
            "share_examples_changed", "share_words_changed", "cer", "chrf"))
        lines.append(f"| {c['profile']} s{c['severity']} | "
                     f"{'n/a' if ex is None else f'{ex:.0%}'} | "
                     f"{'n/a' if words is None else f'{words:.1%}'} | {_num(cer, '{:.3f}')} | "
                     f"{_num(chrf)} | {_num(c.get('invalid_examples'), '{:d}')} |")
    lines.append("")
    for c in conds:  # what the condition's noise never reached
        for lang, r in (c.get("passed_through") or {}).items():
            lines.append(f"- {c['profile']} s{c['severity']}: {lang} passed through unchanged "
                         f"({r.get('examples')} examples): {r.get('reason')}")
    return [*lines, ""] if lines[-1] else lines


def markdown(doc: dict[str, Any], plots: list[str] = (), gate: Any = None) -> str:
    """The report as Markdown tables (scores in percent, as XTREME reports them)."""
    a, b = doc["checkpoints"]["A"], doc["checkpoints"]["B"]
    conf = doc["settings"]["bootstrap"]["confidence"]
    lines = [
        f"# robustx compare: {doc['task']} ({doc['metric']})", "",
        f"- **A**: `{a['name']}` (fingerprint `{a['fingerprint']}`)",
        f"- **B**: `{b['name']}` (fingerprint `{b['fingerprint']}`)",
        f"- languages: {', '.join(doc['languages'])}",
        f"- B − A with a paired bootstrap {conf:.0%} CI "
        f"({doc['settings']['bootstrap']['resamples']} resamples); gap = clean − noisy, in points",
        *_mcnemar_note(doc),
        *_corpus_note(doc),
        "",
    ]
    if gate is not None:
        from .gate import summary_markdown

        verdict = summary_markdown(gate).rstrip("\n")
        lines += [verdict.replace("### robustx gate", "## Gate", 1), ""]
    lines += [
        "## Average over languages", "",
        *_table([r for r in doc["results"] if r["lang"] == "all"]), "",
        *_intensity(doc),
    ]
    if plots:
        lines += ["## Plots", "", *(f"![{Path(p).stem}]({p})" for p in plots), ""]
    if doc["failures"]:
        lines += ["## Failed evaluations", ""]
        lines += [f"- {f['profile']} s{f['severity']}{' ' + f['lang'] if f['lang'] else ''}: "
                  f"{f['error']}" for f in doc["failures"]]
        lines.append("")
    for lang in doc["languages"]:
        rows = [r for r in doc["results"] if r["lang"] == lang]
        n = f" (n = {rows[0]['n']})" if rows else ""
        lines += [f"## {lang}{n}", "", *_table(rows), ""]
    lines += ["## Reproducibility", "",
              f"- data: `{doc['data']['source']}` (fingerprint `{doc['data']['fingerprint']}`)",
              f"- noise seed {doc['settings']['seed']}, bootstrap seed "
              f"{doc['settings']['bootstrap']['seed']}"]
    for c in doc["conditions"]:
        if c["signature"]:
            lines.append(f"- {c['key']}: `{c['signature']}`")
    lines.append("- versions: " + ", ".join(f"{k} {v}" for k, v in doc["versions"].items()))
    if doc.get("command"):
        lines.append(f"- command: `{doc['command']}`")
    return "\n".join(lines) + "\n"
