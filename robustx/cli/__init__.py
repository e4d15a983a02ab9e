"""Command line: parse -> call :mod:`robustx.api` -> render -> exit code. Only this package exits.

It imports nothing of robustx but :mod:`robustx.api` and :mod:`robustx.errors`.
Exit codes: 0 success / gate passed, 1 gate failed, 2 usage or input error, 3 internal error.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import api
from ..errors import RobustxError
from . import render
from .parser import build_parser, severity_list

__all__ = ["build_parser", "console_main", "main", "severity_list"]


def _command_line(argv: Sequence[str]) -> str:
    return " ".join(["robustx", *map(shlex.quote, argv)])


def _progress(a: argparse.Namespace) -> bool:
    return not a.quiet and sys.stderr.isatty()


def _cmd_corrupt(a: argparse.Namespace) -> int:
    out = Path(a.out)
    manifest = api.corrupt(
        a.profile, out, task=a.task, langs=a.lang, input=a.input, severity=a.severity,
        seed=a.seed, num_proc=a.num_proc, force=a.force, sample=a.sample, split=a.split,
        progress=_progress(a), command=_command_line(a.argv),
    )
    if not a.quiet:
        render.manifest(manifest, out)
    return 0


def _cmd_evaluate(a: argparse.Namespace) -> int:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = api.evaluate(
            a.checkpoint, a.task, data=a.data, langs=a.lang, device=a.device,
            batch_tokens=a.batch_tokens, layer=a.layer, pool=a.pool, cache=not a.no_cache,
            cache_dir=a.cache_dir, precision=a.precision, allow_pickle=a.allow_pickle,
            progress=_progress(a), out=a.out, force=a.force, predictions=a.predictions,
        )
    if not api.is_main_process():  # under torchrun/accelerate only rank 0 reports
        return 0
    if not a.quiet:
        for w in dict.fromkeys(str(w.message) for w in caught if w.category is UserWarning):
            print(f"robustx: warning: {w}", file=sys.stderr)
        render.scores(doc)
    return 0


def _cmd_compare(a: argparse.Namespace) -> int:
    """0 all good, 1 gate failed or a condition failed, 2 usage."""
    result = api.compare(
        a.ckpt_a, a.ckpt_b, a.task, profiles=a.profile or list(api.defaults.PROFILES),
        severities=a.severity, langs=a.lang, data=a.data, sample=a.sample, out=a.out,
        seed=a.seed, device=a.device, batch_tokens=a.batch_tokens, cache=not a.no_cache,
        force=a.force, progress=_progress(a), command=_command_line(a.argv), gate=a.gate,
        max_drop=a.max_drop, attack=a.attack, budget=a.budget, max_queries=a.max_queries,
        beam=a.beam,
    )
    if result.inferred_task and not a.quiet:
        print(f"robustx: task {result.report['task']} (from {result.inferred_task})",
              file=sys.stderr)
    if not a.quiet:
        render.report(result.report)
        print(f"report: {result.paths['json']}  {result.paths['md']}", file=sys.stderr)
    for f in result.report["failures"]:
        print(f"robustx: failed: {f['profile']} s{f['severity']}"
              f"{' ' + f['lang'] if f['lang'] else ''}: {f['error']}", file=sys.stderr)
    if result.gate is not None:
        render.gate_result(result.gate, only_failures=a.quiet)
    return result.exit_code


def _cmd_attack(a: argparse.Namespace) -> int:
    doc = api.attack(
        a.checkpoint, a.task, a.out, data=a.data, langs=a.lang, profile=a.profile,
        severity=a.severity, budget=a.budget, max_queries=a.max_queries, beam=a.beam,
        seed=a.seed, device=a.device, precision=a.precision, batch_tokens=a.batch_tokens,
        allow_pickle=a.allow_pickle, force=a.force, sample=a.sample, progress=_progress(a),
        command=_command_line(a.argv),
    )
    if not a.quiet:
        render.attack(doc, Path(a.out))
    return 0


def _cmd_gate(a: argparse.Namespace) -> int:
    """0 passed, 1 failed, 2 usage."""
    result = api.gate(a.report, a.config, a.junit)
    render.gate_result(result, sys.stdout, only_failures=a.quiet)
    return result.exit_code


def _cmd_train(a: argparse.Namespace) -> int:
    doc = api.train(
        a.base, a.task, a.data, a.out, eval_data=a.eval_data, intermediate=a.intermediate,
        adversarial=a.adversarial, adv_eps=a.adv_eps, adv_steps=a.adv_steps, adv_lr=a.adv_lr,
        noise=a.noise, noise_rate=a.noise_rate, noise_severity=a.noise_severity,
        epochs=a.epochs, lr=a.lr, batch_size=a.batch_size, grad_accum=a.grad_accum,
        max_length=a.max_length, seed=a.seed, device=a.device, precision=a.precision,
        save_steps=a.save_steps, resume=a.resume, force=a.force, progress=_progress(a), command=_command_line(a.argv),
    )
    if not a.quiet and api.is_main_process():
        render.training(doc, Path(a.out))
    return 0


def _cmd_profiles(_: argparse.Namespace) -> int:
    render.profiles(api.list_profiles())
    return 0


def _cmd_tasks(_: argparse.Namespace) -> int:
    render.tasks(api.list_tasks())
    return 0


COMMANDS = {"corrupt": _cmd_corrupt, "evaluate": _cmd_evaluate, "profiles": _cmd_profiles,
            "tasks": _cmd_tasks, "compare": _cmd_compare, "gate": _cmd_gate, "attack": _cmd_attack,
            "train": _cmd_train}


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
