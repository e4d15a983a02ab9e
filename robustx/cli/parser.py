"""The command line's parser: every command, flag, default and argument type.

Building it imports nothing heavy, so ``robustx --help`` stays fast.
"""

from __future__ import annotations

import argparse

from .. import __version__, api
from ..errors import UsageError

defaults = api.defaults


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _langs(value: str) -> list[str]:
    langs = [x.strip() for x in value.split(",") if x.strip()]
    if not langs:
        raise argparse.ArgumentTypeError("expected a comma-separated list of language codes")
    return langs


def _num_proc(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        return _positive(value)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a positive integer or auto, got {value!r}"
                                         ) from None


def _int_type(what: str, lo: int, hi: int | None = None):
    """argparse type for an integer in ``lo..hi``; the error says what it must be."""

    def integer(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}, got {value!r}") from None
        if n < lo or (hi is not None and n > hi):
            raise argparse.ArgumentTypeError(f"{what}, got {n}")
        return n

    return integer


_severity = _int_type("severity must be 1..5", 1, 5)
_seed = _int_type("the seed must be a non-negative integer", 0)
_positive = _int_type("expected a positive integer", 1)


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
    c.add_argument("--seed", type=_seed, default=defaults.SEED,
                   help=f"random seed (default {defaults.SEED})")
    c.add_argument("--num-proc", type=_num_proc, default="auto",
                   help="worker processes, at most the CPU cores available; auto (the default): "
                   "one per 5,000 examples, up to the idle cores (same output whatever the number)")
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
    e.add_argument("--layer", type=int, help="hidden layer for retrieval embeddings, 0 = the "
                   "embeddings (default: XTREME's per task, of n layers: bucc n-4 from 12 "
                   "layers up, tatoeba min(n, n//2+2); see docs/evaluate.md)")
    e.add_argument("--pool", choices=("cls", "mean"), help="pooling of retrieval embeddings "
                   "(default: XTREME's per task: bucc cls, tatoeba mean)")
    e.add_argument("--no-cache", action="store_true", help="bypass the prediction cache")
    e.add_argument("--cache-dir", help="prediction cache folder (default: $ROBUSTX_CACHE, "
                   "else $HF_HOME/robustx, else ~/.cache/huggingface/robustx)")
    e.add_argument("--allow-pickle", action="store_true",
                   help="allow loading pickle (.bin) weights; only for checkpoints you trust")
    e.add_argument("--out", help="write the scores JSON here (refused if it exists)")
    e.add_argument("--predictions", metavar="DIR",
                   help="also write the predictions in XTREME's submission layout, "
                   "DIR/<task>/test-<lang>.tsv|json, for XTREME's evaluate.py (every task; BUCC "
                   "takes its threshold from the dev split evaluated with it); unlabeled test "
                   "splits are predicted, not scored")
    e.add_argument("--force", action="store_true",
                   help="replace an existing --out file or --predictions files")
    e.add_argument("--quiet", action="store_true", help="no progress bar, warnings or table")

    _add_compare_gate(sub)
    _add_attack(sub)
    _add_train(sub)
    sub.add_parser("profiles", help="list shipped noise profiles with their signatures")
    sub.add_parser("tasks", help="list tasks, families, languages and hub configs")
    return p


def _share(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share of words in (0, 1], got {value!r}"
                                         ) from None
    if not 0 < x <= 1:
        raise argparse.ArgumentTypeError(f"expected a share of words in (0, 1], got {value}")
    return x


def _add_attack(sub) -> None:
    a = sub.add_parser("attack", help="adversarial noise: the worst case within a word budget",
                       description="Search the profile's rewrites, with the model in the loop, "
                       "for the ones that break each correct prediction (word importance, then "
                       "greedy or beam substitution), changing at most --budget of the words. "
                       "Writes the adversarial split in the input's layout, manifest.json and "
                       "attack.json (see docs/attack.md).")
    a.add_argument("checkpoint", help="local folder or Hugging Face hub id")
    a.add_argument("--task", required=True, help="task name (see `robustx tasks`)")
    a.add_argument("--data", help="local file or folder (default: google/xtreme from the hub)")
    a.add_argument("--sample", action="store_true", help="use the built-in sample for --task")
    a.add_argument("--lang", type=_langs, help="comma-separated languages (default: all)")
    a.add_argument("--profile", default="typo",
                   help="noise profile whose ops propose the rewrites (default: typo)")
    a.add_argument("--severity", type=_severity, help="1..5: the profile's op mix at this "
                   "severity (default: the profile's)")
    a.add_argument("--budget", type=_share, default=0.15,
                   help="largest share of the words of the attacked side(s) that may change, "
                   "rounded up per example (default 0.15)")
    a.add_argument("--max-queries", type=_positive, default=300,
                   help="most candidate examples scored per attacked example (default 300)")
    a.add_argument("--beam", type=_positive, default=1, help="beam width (default 1: greedy)")
    a.add_argument("--seed", type=_seed, default=defaults.SEED,
                   help=f"seed of the candidate rewrites (default {defaults.SEED})")
    a.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    a.add_argument("--precision", choices=("auto", "fp32", "bf16", "fp16"), default="auto",
                   help="auto: bf16 on CUDA when supported, else fp32")
    a.add_argument("--batch-tokens", type=_positive, default=defaults.BATCH_TOKENS,
                   help=f"token budget per batch (default {defaults.BATCH_TOKENS})")
    a.add_argument("--allow-pickle", action="store_true",
                   help="allow loading pickle (.bin) weights; only for checkpoints you trust")
    a.add_argument("--out", required=True, help="output folder (refused if it exists)")
    a.add_argument("--force", action="store_true", help="replace an existing output folder")
    a.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def _number(what: str, lo: float, hi: float | None = None, *, open_lo: bool = False):
    """argparse type for a float in ``lo..hi`` (``open_lo``: above ``lo``)."""

    def number(value: str) -> float:
        try:
            x = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}, got {value!r}") from None
        if not (x > lo if open_lo else x >= lo) or (hi is not None and x > hi) or x != x:
            raise argparse.ArgumentTypeError(f"{what}, got {value}")
        return x

    return number


def _add_train(sub) -> None:
    t = sub.add_parser(
        "train", help="fine-tune a checkpoint (intermediate stages, adversarial or noisy)",
        description="Fine-tune BASE on TASK, after optional English intermediate stages, with an "
        "embedding-space perturbation (FGM, PGD, FreeLB, R3F) or robustx noise on the training "
        "data. Writes a safetensors checkpoint for `robustx evaluate`/`compare`, a model card "
        "with the recipe string, and training.json with the loss curves. See docs/experiment.md.")
    t.add_argument("base", help="transformers checkpoint: local folder or hub id "
                   "(e.g. FacebookAI/xlm-roberta-large)")
    t.add_argument("--task", required=True, help="target task (classification, tagging or QA; "
                   "see `robustx tasks`)")
    t.add_argument("--data", required=True, help="training data: file or folder, any layout "
                   "robustx reads")
    t.add_argument("--eval-data", help="dev data for TASK (its loss is logged each epoch)")
    t.add_argument("--intermediate", action="append", default=[], metavar="TASK_OR_FILE",
                   help="an intermediate stage before TASK: a data file or folder, or a task "
                   "name (the hub's English train split); repeat for several, in order")
    t.add_argument("--adversarial", default="none", metavar="METHOD",
                   help="none|fgm|pgd|freelb|r3f: perturbation of the input embeddings "
                   "(default none)")
    t.add_argument("--adv-eps", type=_number("--adv-eps must be >= 0", 0.0),
                   help="radius of the per-example L2 ball (default: the method's)")
    t.add_argument("--adv-steps", type=_positive, help="ascent steps (pgd, freelb)")
    t.add_argument("--adv-lr", type=_number("--adv-lr must be >= 0", 0.0),
                   help="ascent step size (pgd, freelb)")
    t.add_argument("--noise", metavar="PROFILE", help="robustx noise profile applied to the "
                   "training data on the fly")
    t.add_argument("--noise-rate", type=_number("--noise-rate must be within 0..1", 0.0, 1.0),
                   default=0.5, help="share of examples replaced by their noisy copy "
                   "(default 0.5)")
    t.add_argument("--noise-severity", type=_severity, help="1..5 (default: the profile's)")
    t.add_argument("--epochs", type=_number("--epochs must be > 0", 0.0, open_lo=True),
                   default=3.0, help="epochs per stage (default 3)")
    t.add_argument("--lr", type=_number("--lr must be > 0", 0.0, open_lo=True), default=2e-5,
                   help="peak learning rate, linear warm-up over 10%% and decay (default 2e-5)")
    t.add_argument("--batch-size", type=_positive, default=32, help="per device (default 32)")
    t.add_argument("--grad-accum", type=_positive, default=1,
                   help="gradient accumulation steps (default 1)")
    t.add_argument("--max-length", type=_int_type("--max-length must be >= 8", 8),
                   help="tokens per example or window (default: 128; QA 384, as XTREME)")
    t.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    t.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    t.add_argument("--precision", choices=("auto", "fp32", "bf16"), default="auto",
                   help="auto: bf16 on CUDA when supported, else fp32")
    t.add_argument("--save-steps", type=_positive, help="save Trainer checkpoints every N "
                   "steps (in .OUT.partial beside --out until the run succeeds)")
    t.add_argument("--resume", action="store_true", help="continue an interrupted run from "
                   "its --save-steps checkpoints (same command plus --resume)")
    t.add_argument("--out", required=True, help="checkpoint folder (refused if it exists)")
    t.add_argument("--force", action="store_true", help="replace an existing --out (and "
                   "start over instead of resuming)")
    t.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def _add_compare_gate(sub) -> None:
    m = sub.add_parser("compare", help="compare two checkpoints on clean and noisy data",
                       description="Score checkpoints A and B on clean data and on noisy copies "
                       "(one per profile x severity), with paired statistics; writes report.json, "
                       "report.md and plots. Exit 1 when a gate fails or an evaluation failed.")
    m.add_argument("ckpt_a", help="baseline checkpoint (local folder or hub id)")
    m.add_argument("ckpt_b", help="candidate checkpoint")
    m.add_argument("--task", help="task name (see `robustx tasks`); default: inferred from the "
                   "checkpoints' configs (fine-tuning task, head, label names) when unambiguous")
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
    m.add_argument("--seed", type=_seed, default=defaults.SEED,
                   help=f"noise and bootstrap seed (default {defaults.SEED})")
    m.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    m.add_argument("--batch-tokens", type=_positive, default=defaults.BATCH_TOKENS,
                   help=f"token budget per batch (default {defaults.BATCH_TOKENS})")
    m.add_argument("--no-cache", action="store_true", help="bypass the prediction cache")
    m.add_argument("--attack", action="store_true", help="also attack each checkpoint with the "
                   "first profile (robustx attack) and report each on its own adversarial split "
                   "(profile 'attack') and on the other's ('attack-transfer')")
    m.add_argument("--budget", type=_share, default=0.15,
                   help="with --attack: largest share of words changed (default 0.15)")
    m.add_argument("--max-queries", type=_positive, default=300,
                   help="with --attack: candidates scored per example (default 300)")
    m.add_argument("--beam", type=_positive, default=1, help="with --attack: beam width "
                   "(default 1: greedy)")
    m.add_argument("--force", action="store_true", help="replace an existing report")
    m.add_argument("--quiet", action="store_true", help="no table or progress")

    g = sub.add_parser("gate", help="check a compare report against a gate file",
                       description="Apply a gate YAML to report.json: exit 0 passed, 1 failed, "
                       "2 bad gate file. Writes JUnit XML (and $GITHUB_STEP_SUMMARY when set).")
    g.add_argument("report", help="report.json written by `robustx compare`")
    g.add_argument("--config", required=True, help="gate YAML file")
    g.add_argument("--junit", help="JUnit XML path (default: <report dir>/gate-junit.xml)")
    g.add_argument("--quiet", action="store_true", help="print only the failing checks")
