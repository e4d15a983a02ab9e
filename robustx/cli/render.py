"""Terminal output: rich tables for manifests, scores, reports and gate results.

Data is never read as markup: every value from a file or a report goes through ``escape``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .. import api


def _console(stderr: bool = False, wide: bool = False) -> Any:
    import os

    from rich.console import Console

    console = Console(stderr=stderr)
    if wide and not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 160  # a CI log or a pipe: no reason to wrap at 80 columns
    return console


def manifest(m: dict[str, Any], out: Path) -> None:
    """The measured intensity per language of a corrupt run, on stderr."""
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=escape(f"robustx corrupt -> {out}"))
    for col in ("lang", "examples", "examples changed", "words changed", "CER", "chrF", "invalid",
                "unavailable"):
        t.add_column(col, justify="left" if col == "lang" else "right")
    for lang, s in m["intensity"].items():
        unit = "" if s.get("word_unit", "word") == "word" else " (chars)"
        t.add_row(escape(lang), str(s["examples"]), f"{s.get('share_examples_changed', 0):.0%}",
                  f"{s['share_words_changed']:.1%}{unit}",
                  f"{s['cer']:.3f}", f"{s.get('chrf', float('nan')):.1f}", str(s["invalid_examples"]),
                  str(sum(s["unavailable"].values())))
    console = _console(stderr=True)
    console.print(t)
    _signature(console, m["signature"])
    for line in passed_through_lines(m.get("profile", {}).get("name"), m.get("passed_through")):
        print(f"robustx: {line}", file=sys.stderr)
    if m.get("invalid_examples"):
        print(f"robustx: warning: {m['invalid_examples']} example(s) could not be kept valid "
              "and were written unchanged (manifest.json: invalid_examples)", file=sys.stderr)


def attack(doc: dict[str, Any], out: Path) -> None:
    """An attack's numbers per language, on stderr."""
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=escape(f"robustx attack {doc['checkpoint']['name']} -> {out}"))
    cols = ("lang", "n", "clean", "robust", "success", "words changed", "queries", "ex/s")
    for col in cols:
        t.add_column(col, justify="left" if col == "lang" else "right")
    for lang, r in doc["results"].items():
        t.add_row(escape(lang), str(r["n"]), f"{r['clean_score']:.1f}",
                  f"{r['robust_score']:.1f}", f"{r['success_rate']:.1f}%",
                  f"{r['mean_share_words_changed']:.1%}", f"{r['mean_queries']:.1f}",
                  f"{r['examples_per_s']:.1f}")
    a = doc["average"]
    t.add_row("avg", "", f"{a['clean_score']:.1f}", f"{a['robust_score']:.1f}",
              f"{a['success_rate']:.1f}%", f"{a['mean_share_words_changed']:.1%}",
              f"{a['mean_queries']:.1f}", "", style="italic")
    console = _console(stderr=True)
    console.print(t)
    _signature(console, doc["signature"])


def passed_through_lines(profile: str | None, passed: dict[str, Any] | None) -> list[str]:
    """"codeswitch: bg, th, ur passed through unchanged: no lexicon; see docs/codeswitch.md",
    one line per reason."""
    groups: dict[tuple[str, str], list[str]] = {}
    for lang, r in (passed or {}).items():
        groups.setdefault((r.get("reason", "not served"), r.get("see", "")), []).append(lang)
    return [f"{profile}: {', '.join(langs)} passed through unchanged: {reason}"
            + (f"; see {see}" if see else "") for (reason, see), langs in groups.items()]


def _signature(console: Any, sig: str, label: str = "signature") -> None:
    """A signature on one line, never wrapped, so that it can be copied whole."""
    from rich.text import Text

    console.print(Text(f"{label}: {sig}"), soft_wrap=True)


def scores(doc: dict[str, Any], console: Any = None) -> None:
    """A scores document: one row per language, then the average."""
    from rich.markup import escape
    from rich.table import Table

    console = console or _console()
    results = doc["results"]
    metric_names = list(doc["average"]["metrics"])
    title = f"{doc.get('task') or doc['family']} · {doc['checkpoint']['name']}"
    table = Table(title=escape(title))
    table.add_column("lang")
    table.add_column("n", justify="right")
    for m in metric_names:
        style = "bold" if m == doc["metric"] else None
        table.add_column(m, justify="right", style=style)
    if not metric_names:
        table.add_column(doc["metric"], justify="right")
    for lang, r in results.items():
        table.add_row(escape(lang), str(r["n"]),
                      *(f"{r['metrics'][m]:.2f}" if m in r["metrics"] else "unlabeled"
                        for m in metric_names or [doc["metric"]]))
    n_total = sum(r["n"] for r in results.values() if not r.get("unlabeled"))
    table.add_row("avg", str(n_total), *(f"{doc['average']['metrics'][m]:.2f}"
                                         for m in metric_names), style="italic")
    console.print(table)
    if doc.get("unlabeled"):
        console.print(escape(f"unlabeled (predicted, not scored: no gold labels): "
                             f"{', '.join(doc['unlabeled'])}"))
    if doc.get("submission"):
        console.print(escape(f"predictions (XTREME layout): {doc['submission']['dir']} "
                             f"({len(doc['submission']['files'])} files)"))
    sig = doc["data"].get("noise_signature")
    for s in [sig] if isinstance(sig, str) else sig or []:
        _signature(console, s, "noise")


def report(doc: dict[str, Any], console: Any = None) -> None:
    """A compare report: language averages (and per-language rows when there are few)."""
    from rich.markup import escape
    from rich.table import Table

    console = console or _console(wide=True)
    table = Table(title=escape(f"robustx compare · {doc['task']} · {doc['metric']} · "
                               f"A={doc['checkpoints']['A']['name']} "
                               f"B={doc['checkpoints']['B']['name']}"))
    table.add_column("lang")
    for col in api.REPORT_COLUMNS:
        table.add_column(col, justify="left" if col == "condition" else "right")
    many = len(doc["languages"]) > 8
    for r in doc["results"]:
        if many and r["lang"] != "all":
            continue
        style = None
        if r["diff"]["ci_high"] < 0:
            style = "red"
        elif r["diff"]["ci_low"] > 0:
            style = "green"
        table.add_row(escape(r["lang"]), *map(escape, api.report_row_cells(r)), style=style)
    console.print(table)
    for c in doc["conditions"]:
        for line in passed_through_lines(f"{c['profile']} s{c['severity']}",
                                         c.get("passed_through")):
            console.print(escape(line))
    for f in doc["failures"]:
        console.print(f"[red]failed[/red] {escape(str(f['profile']))} s{f['severity']}: "
                      f"{escape(f['error'])}")


def gate_result(result: Any, file: Any = None, only_failures: bool = False) -> None:
    """One line per check (``only_failures``: just the failing ones, for --quiet)."""
    file = file or sys.stderr
    for r in result.failures if only_failures else result.results:
        print(f"{'PASS' if r.passed else 'FAIL'}  {r.check.label}: {r.message}", file=file)
    if only_failures:
        return
    print(f"gate {'passed' if result.passed else 'FAILED'}"
          f"{f' (JUnit: {result.junit})' if result.junit else ''}", file=file)


def profiles(rows: list[dict[str, Any]]) -> None:
    """Name and description in a table; the signatures below it, one unwrapped line each."""
    from rich.markup import escape
    from rich.table import Table

    t = Table(title="shipped noise profiles")
    t.add_column("name", no_wrap=True)
    t.add_column("description", overflow="fold")
    for p in rows:
        t.add_row(escape(p["name"]), escape(p["description"]))
    console = _console()
    console.print(t)
    console.print(f"signatures (default severity, seed {api.defaults.SEED}):")
    for p in rows:
        _signature(console, p["signature"], p["name"])


def tasks(listing: dict[str, Any]) -> None:
    from rich.table import Table

    t = Table(title=f"XTREME tasks (hub dataset {listing['hub_dataset']})")
    for col in ("task", "family", "metric", "split", "languages", "hub config (first language)"):
        t.add_column(col, overflow="fold")
    for task in listing["tasks"]:
        t.add_row(task["name"], task["family"], task["metric"], task["split"],
                  f"{len(task['languages'])}: {' '.join(task['languages'])}", task["hub_config"])
    _console().print(t)


def training(doc: dict[str, Any], out: Path) -> None:
    """One row per stage of a train run, then the recipe string, on stderr."""
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=escape(f"robustx train -> {out}"))
    for col in ("stage", "family", "examples", "noisy", "steps", "train loss"):
        t.add_column(col, justify="left" if col in ("stage", "family") else "right")
    for s in doc["stages"]:
        t.add_row(escape(s["name"]), escape(s["family"]), str(s["examples"]),
                  str(s["noisy_examples"]), str(s["steps"]), f"{s['train_loss']:.4f}")
    console = _console(stderr=True)
    console.print(t)
    _signature(console, doc["recipe"], "recipe")
