"""Command line: parse -> call robustx.api -> exit code. Only this module exits.

Exit codes: 0 success / gate passed, 1 gate failed, 2 usage or input error, 3 internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .core import defaults
from .errors import RobustxError, UsageError


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _langs(value: str) -> list[str]:
    langs = [x.strip() for x in value.split(",") if x.strip()]
    if not langs:
        raise argparse.ArgumentTypeError("expected a comma-separated list of language codes")
    return langs


def _severity(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"severity must be an integer 1..5, got {value!r}") from None
    if not 1 <= n <= 5:
        raise argparse.ArgumentTypeError(f"severity must be 1..5, got {n}")
    return n


def severity_list(text: str) -> list[int]:
    """argparse type: ``"3"``, ``"1-5"`` or ``"1,3,5"`` -> sorted unique severities in 1..5."""
    out: set[int] = set()
    for part in (p.strip() for p in str(text).split(",")):
        lo, sep, hi = part.partition("-")
        try:
            a, b = int(lo), int(hi if sep else lo)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"severity must look like 3, 1-5 or 1,3,5; got {text!r}") from None
        if not 1 <= a <= b <= 5:
            raise argparse.ArgumentTypeError(f"severities must be within 1..5, got {part!r}")
        out.update(range(a, b + 1))
    return sorted(out)


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="robustx", description="Noise robustness of multilingual models on XTREME.")
    p.add_argument("--version", action="version", version=f"robustx {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    c = sub.add_parser("corrupt", help="write noisy copies of task data",
                       description="Write noisy, structure-preserving copies of XTREME data. "
                       "With no --task and no --input, runs on the built-in sample.")
    c.add_argument("--profile", required=True, help="shipped profile name or a YAML file")
    c.add_argument("--task", help="task name (see `robustx tasks`); with no --input, read from "
                   "the Hugging Face hub (google/xtreme)")
    c.add_argument("--lang", type=_langs, help="comma-separated languages (default: all)")
    c.add_argument("--input", help="local file or folder (JSONL, JSON, Parquet, CSV, TSV)")
    c.add_argument("--sample", action="store_true", help="use the built-in sample for --task")
    c.add_argument("--split", help="hub split (default: the task's test split)")
    c.add_argument("--severity", type=_severity, help="1..5 (default: the profile's)")
    c.add_argument("--seed", type=int, default=defaults.SEED,
                   help=f"random seed (default {defaults.SEED})")
    c.add_argument("--num-proc", type=_positive, default=1, help="worker processes (default 1)")
    c.add_argument("--out", required=True, help="output folder (refused if it exists)")
    c.add_argument("--force", action="store_true", help="replace an existing output folder")
    c.add_argument("--quiet", action="store_true", help="no progress bar or summary")

    e = sub.add_parser("evaluate", help="score a checkpoint on clean or noisy data",
                       description="Score a transformers checkpoint with the XTREME metric.")
    e.add_argument("checkpoint", help="local folder or Hugging Face hub id")
    e.add_argument("--task", required=True, help="task name (see `robustx tasks`)")
    e.add_argument("--data", help="local file or folder (e.g. a `robustx corrupt` output); "
                   "default: google/xtreme from the hub")
    e.add_argument("--lang", type=_langs, help="comma-separated languages (default: all)")
    e.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    e.add_argument("--precision", choices=("auto", "fp32", "bf16", "fp16"), default="auto",
                   help="auto: bf16 on CUDA when supported, else fp32")
    e.add_argument("--batch-tokens", type=_positive, default=defaults.BATCH_TOKENS,
                   help=f"token budget per batch, padding included (default {defaults.BATCH_TOKENS})")
    e.add_argument("--layer", type=int, help="hidden layer for retrieval embeddings")
    e.add_argument("--no-cache", action="store_true", help="bypass the prediction cache")
    e.add_argument("--cache-dir", help="prediction cache folder (default: $ROBUSTX_CACHE, "
                   "else $HF_HOME/robustx, else ~/.cache/huggingface/robustx)")
    e.add_argument("--allow-pickle", action="store_true",
                   help="allow loading pickle (.bin) weights; only for checkpoints you trust")
    e.add_argument("--out", help="write the scores JSON here (refused if it exists)")
    e.add_argument("--force", action="store_true", help="replace an existing --out file")
    e.add_argument("--quiet", action="store_true", help="no progress bar, warnings or table")

    _add_compare_gate(sub)
    sub.add_parser("profiles", help="list shipped noise profiles with their signatures")
    sub.add_parser("tasks", help="list tasks, families, languages and hub configs")
    return p


def _cmd_corrupt(a: argparse.Namespace) -> int:
    from . import api

    if a.sample and a.input:
        raise UsageError("robustx corrupt: --sample and --input exclude each other")
    out = Path(a.out)
    manifest = api.corrupt(
        a.profile, out, task=a.task, langs=a.lang, input=a.input, severity=a.severity,
        seed=a.seed, num_proc=a.num_proc, force=a.force, sample=a.sample, split=a.split,
        progress=not a.quiet and sys.stderr.isatty(),
        command=" ".join(["robustx", *map(shlex.quote, a.argv)]),
    )
    if not a.quiet:
        _print_manifest(manifest, out)
    return 0


def _print_manifest(m: dict[str, Any], out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console(stderr=True)
    from rich.markup import escape

    t = Table(title=escape(f"robustx corrupt -> {out}"), caption=escape(m["signature"]))
    for col in ("lang", "examples", "words changed", "CER", "chrF", "invalid", "unavailable"):
        t.add_column(col, justify="left" if col == "lang" else "right")
    for lang, s in m["intensity"].items():
        t.add_row(lang, str(s["examples"]), f"{s['share_words_changed']:.1%}", f"{s['cer']:.3f}",
                  f"{s.get('chrf', float('nan')):.1f}", str(s["invalid_examples"]),
                  str(sum(s["unavailable"].values())))
    con.print(t)


def _cmd_evaluate(a: argparse.Namespace) -> int:
    import warnings

    from . import api
    from .eval.engine import is_main_process

    out = Path(a.out) if a.out else None
    if out is not None:  # refuse before spending minutes on inference
        _check_out(out, a.force)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = api.evaluate(
            a.checkpoint, a.task, data=a.data, langs=a.lang, device=a.device,
            batch_tokens=a.batch_tokens, layer=a.layer, cache=not a.no_cache,
            cache_dir=a.cache_dir, precision=a.precision, allow_pickle=a.allow_pickle,
            progress=not a.quiet and sys.stderr.isatty(),
        )
    if not is_main_process():  # under torchrun/accelerate only rank 0 reports
        return 0
    for w in dict.fromkeys(str(w.message) for w in caught if w.category is UserWarning):
        if not a.quiet:
            print(f"robustx: warning: {w}", file=sys.stderr)
    if out is not None:
        _write_json(out, doc)
    if not a.quiet:
        from rich.console import Console

        from .eval.run import render_scores

        render_scores(doc, Console())
    return 0


def _check_out(path: Path, force: bool) -> None:
    if path.is_dir():
        raise UsageError(f"--out {path} is a folder; give a file name such as scores.json")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; pass --force to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the folder of --out {path}: {exc.strerror}") from None
    if not os.access(path.parent, os.W_OK):
        raise UsageError(f"cannot write --out {path}: its folder is not writable")


def _cmd_profiles(_: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from . import api

    t = Table(title="shipped noise profiles")
    for col in ("name", "description", f"signature (default severity, seed {defaults.SEED})"):
        t.add_column(col, overflow="fold")
    for p in api.list_profiles():
        t.add_row(p["name"], escape(p["description"]), escape(p["signature"]))
    Console().print(t)
    return 0


def _cmd_tasks(_: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from .tasks import HUB_DATASET, TASKS

    t = Table(title=f"XTREME tasks (hub dataset {HUB_DATASET})")
    for col in ("task", "family", "metric", "split", "languages", "hub config (first language)"):
        t.add_column(col, overflow="fold")
    for name, task in TASKS.items():
        t.add_row(name, task.family, task.metric, task.split,
                  f"{len(task.languages)}: {' '.join(task.languages)}",
                  task.hub_config_for(task.languages[0]))
    Console().print(t)
    return 0


def _write_json(path: Path, doc: Any) -> None:
    """Atomic JSON write: temporary file in the same folder, then rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _add_compare_gate(sub) -> None:
    m = sub.add_parser("compare", help="compare two checkpoints on clean and noisy data",
                       description="Score checkpoints A and B on clean data and on noisy copies "
                       "(one per profile x severity), with paired statistics; writes report.json, "
                       "report.md and plots. Exit 1 when a gate fails or an evaluation failed.")
    m.add_argument("ckpt_a", help="baseline checkpoint (local folder or hub id)")
    m.add_argument("ckpt_b", help="candidate checkpoint")
    m.add_argument("--task", required=True, help="task name (see `robustx tasks`)")
    m.add_argument("--profile", action="append", help="noise profile name or YAML file; "
                   "repeat for several (default: typo)")
    m.add_argument("--severity", type=severity_list, help="3, 1-5 or 1,3,5 "
                   "(default: each profile's default)")
    m.add_argument("--lang", type=_langs, help="comma-separated languages (default: all)")
    m.add_argument("--data", help="local clean data file or folder (default: the hub)")
    m.add_argument("--sample", action="store_true", help="use the built-in sample as clean data")
    m.add_argument("--gate", help="gate YAML to apply to the report (see docs/gate.md)")
    m.add_argument("--max-drop", type=float, help="fail if B's average drop under any profile "
                   "exceeds this fraction of the metric (0.05 = 5 points)")
    m.add_argument("--out", default=defaults.REPORT_DIR,
                   help=f"report folder (default {defaults.REPORT_DIR})")
    m.add_argument("--seed", type=int, default=defaults.SEED,
                   help=f"noise and bootstrap seed (default {defaults.SEED})")
    m.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    m.add_argument("--batch-tokens", type=_positive, default=defaults.BATCH_TOKENS,
                   help=f"token budget per batch (default {defaults.BATCH_TOKENS})")
    m.add_argument("--no-cache", action="store_true", help="bypass the prediction cache")
    m.add_argument("--force", action="store_true", help="replace an existing report")
    m.add_argument("--quiet", action="store_true", help="no table or progress")

    g = sub.add_parser("gate", help="check a compare report against a gate file",
                       description="Apply a gate YAML to report.json: exit 0 passed, 1 failed, "
                       "2 bad gate file. Writes JUnit XML (and $GITHUB_STEP_SUMMARY when set).")
    g.add_argument("report", help="report.json written by `robustx compare`")
    g.add_argument("--config", required=True, help="gate YAML file")
    g.add_argument("--junit", help="JUnit XML path (default: <report dir>/gate-junit.xml)")
    g.add_argument("--quiet", action="store_true", help="print only the failing checks")


def _cmd_compare(a: argparse.Namespace) -> int:
    from .eval.compare import cli_compare

    return cli_compare(a)


def _cmd_gate(a: argparse.Namespace) -> int:
    from .eval.gate import cli_gate

    return cli_gate(a)


COMMANDS = {"corrupt": _cmd_corrupt, "evaluate": _cmd_evaluate, "profiles": _cmd_profiles,
            "tasks": _cmd_tasks, "compare": _cmd_compare, "gate": _cmd_gate}


def _one_line(exc: BaseException) -> str:
    """An error message on one line, whatever a library put in it."""
    return " ".join(line.strip() for line in str(exc).splitlines() if line.strip())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(argv)
        args.argv = argv
        if not args.command:
            parser.print_help()
            return 2
        return COMMANDS[args.command](args)
    except RobustxError as exc:
        print(f"robustx: error: {_one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("robustx: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # argparse --help / --version
        return int(exc.code or 0) if isinstance(exc.code, int) else 0
    except Exception as exc:
        if os.environ.get("ROBUSTX_DEBUG"):
            raise
        print(f"robustx: internal error: {type(exc).__name__}: {_one_line(exc)} "
              "(set ROBUSTX_DEBUG=1 for a traceback)", file=sys.stderr)
        return 3


def console_main() -> None:
    sys.exit(main())


if __name__ == "__main__":
    console_main()
