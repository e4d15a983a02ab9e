"""The library surface: what the CLI calls and what users import.

Every function takes plain values (paths, names, numbers) and returns documents or result
objects; none prints or exits. Heavy dependencies (datasets, torch, transformers) load inside
these functions, never at import.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core import defaults
from .errors import UsageError

if TYPE_CHECKING:
    from .noise.profiles import Profile
    from .tasks import Task

__all__ = ["Comparison", "attack", "compare", "corrupt", "defaults", "evaluate", "gate",
           "is_main_process", "list_profiles", "list_tasks", "train"]
# and, on first use, REPORT_COLUMNS, report_row_cells


def corrupt(profile: str | Profile, out: str | Path, *, task: Task | str | None = None,
            langs: Sequence[str] | None = None, input: str | Path | None = None,
            severity: int | None = None, seed: int = defaults.SEED, num_proc: int | str = "auto",
            force: bool = False, sample: bool = False, split: str | None = None,
            progress: bool = False, command: str | None = None) -> dict[str, Any]:
    """Write noisy copies of task data to ``out``; returns the manifest.

    With no ``input`` and no ``task`` (or with ``sample=True``) the built-in sample is used;
    with a task and no input, google/xtreme is read from the hub. ``num_proc`` "auto": one
    process per 5,000 examples of a split, up to the idle cores; the output is the same bytes
    whatever the number.
    """
    from .noise.pipeline import cores, run_corruption
    from .tasks.discovery import resolve_task
    from .tasks.sources import load_splits

    task = resolve_task(task)  # once: a bad name fails before anything is read
    if sample and input is not None:
        raise UsageError("--sample and --input exclude each other")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"the seed must be a non-negative integer, got {seed!r}")
    n_cores = cores()
    if num_proc != "auto" and (isinstance(num_proc, bool) or not isinstance(num_proc, int)
                               or num_proc < 1 or num_proc > n_cores):
        raise UsageError(f"--num-proc {num_proc}: this machine gives robustx {n_cores} CPU "
                         f"core(s); use 1 to {n_cores}, or auto")
    from .noise.profiles import Profile, load_profile

    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    prof = prof.at(severity)
    _check_out_dir(Path(out), input, force)
    use_sample = sample or (input is None and task is None)
    splits = load_splits(task, langs, input, split, sample=use_sample, in_memory=True)
    skipped: list[str] = []
    if langs is None:  # no explicit --lang: keep what the profile covers
        skipped = prof.uncovered(s.lang for s in splits)
        kept = [s for s in splits if s.lang not in skipped]
        if not kept:
            raise UsageError(f"profile {prof.name} covers none of the languages in the data "
                             f"({', '.join(skipped)}); it covers {', '.join(prof.languages)}")
        splits = kept
    return run_corruption(splits, prof, seed, Path(out), force=force,
                          num_proc=None if num_proc == "auto" else num_proc,
                          progress=progress, command=command, skipped_langs=skipped,
                          requested=langs)


def _check_out_dir(out: Path, input: str | Path | None, force: bool) -> None:
    """Refuse, before any work, an output that cannot be written or that --force would let
    replace the input data itself."""
    if out.is_symlink():
        raise UsageError(f"--out {out} is a symbolic link; give the folder it should be "
                         "(robustx replaces --out as a whole, never through a link)")
    out = out.expanduser().resolve()
    if out.exists() and not force:  # before any data is read or downloaded
        raise UsageError(f"{out} already exists; pass --force to replace it")
    if input is not None:
        src = Path(input).expanduser().resolve()
        if force and (src == out or out in src.parents):
            raise UsageError(f"--out {out} holds the input {src}; --force would delete it. "
                             "Write the noisy copy somewhere else")
        if src.is_dir() and src in out.parents:
            raise UsageError(f"--out {out} is inside the input folder {src}: the noisy copy "
                             "would be read as input by the next run. Write it somewhere else")
    parent = next((p for p in out.parents if p.exists()), None)
    if out.exists() and not out.is_dir() and force:
        raise UsageError(f"{out} exists and is not a folder")
    if parent is None or not parent.is_dir():
        raise UsageError(f"cannot write the output folder {out}: {parent} is not a folder")
    try:  # a probe: root may "access" /proc and still fail to write there
        os.rmdir(tempfile.mkdtemp(prefix=".robustx-probe-", dir=parent))
    except OSError as exc:
        raise UsageError(f"cannot write the output folder {out}: cannot create a folder in "
                         f"{parent} ({exc.strerror or exc})") from None


def _check_out_file(path: Path, force: bool) -> None:
    """Refuse a scores file that exists (without ``force``) or cannot be written, before work."""
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


def list_profiles() -> list[dict[str, Any]]:
    """Shipped profiles with their default-severity signatures."""
    from .noise.profiles import load_profile, shipped_profiles
    from .noise.signature import signature

    out = []
    for name in shipped_profiles():
        p = load_profile(name)
        out.append({"name": name, "version": p.version, "description": p.description,
                    "signature": signature(p.at(None), defaults.SEED)})
    return out


def list_tasks() -> dict[str, Any]:
    """The tasks with their family, metric, split, languages and first hub config."""
    from .tasks import HUB_DATASET, TASKS

    return {"hub_dataset": HUB_DATASET, "tasks": [
        {"name": name, "family": t.family, "metric": t.metric, "split": t.split,
         "languages": list(t.languages), "hub_config": t.hub_config_for(t.languages[0])}
        for name, t in TASKS.items()]}


def is_main_process() -> bool:
    """False on the non-zero ranks of a torchrun/accelerate launch (they do not report)."""
    from .eval.engine import is_main_process as main_process

    return main_process()


def evaluate(checkpoint: str | Path, task: Task | str | None, *, data: str | Path | None = None,
             langs: Sequence[str] | None = None, split: str | None = None,
             device: str = "auto", precision: str = "auto",
             batch_tokens: int = defaults.BATCH_TOKENS, layer: int | None = None,
             pool: str | None = None,
             cache: bool = True, cache_dir: str | Path | None = None,
             allow_pickle: bool = False, progress: bool = False,
             out: str | Path | None = None, force: bool = False,
             predictions: str | Path | None = None) -> dict[str, Any]:
    """Score ``checkpoint`` on ``task``; returns the scores document (``robustx.scores/1``).

    ``layer``/``pool`` (retrieval only): the hidden layer and the pooling (``cls`` or
    ``mean``) of the sentence embeddings; None: what XTREME's script for the task runs.

    ``out``: also write it there as JSON (refused before any work if it exists, unless
    ``force``); only the main process writes under torchrun/accelerate. ``predictions``: a
    folder for the predictions in XTREME's submission layout (``<task>/test-<lang>.tsv|json``,
    as XTREME's evaluate.py reads them); unlabeled splits are predicted and reported as such.
    """
    from .core.files import write_json_atomic
    from .eval.run import evaluate as run_evaluate
    from .tasks.discovery import resolve_task

    task = resolve_task(task)
    path = Path(out) if out is not None else None
    if path is not None:
        _check_out_file(path, force)
    doc = run_evaluate(checkpoint, task, data=data, langs=langs, device=device,
                       batch_tokens=batch_tokens, layer=layer, pool=pool, cache=cache,
                       cache_dir=cache_dir,
                       precision=precision, allow_pickle=allow_pickle, progress=progress,
                       split=split, predictions=predictions, force=force)
    if path is not None and is_main_process():
        try:
            write_json_atomic(path, doc, indent=2)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return doc


def __getattr__(name: str) -> Any:
    """``REPORT_COLUMNS`` and ``report_row_cells`` (the report table's cells, for renderers),
    imported on first use so that building the CLI parser imports none of the report code."""
    if name in ("REPORT_COLUMNS", "report_row_cells"):
        from .eval import report

        return report.COLUMNS if name == "REPORT_COLUMNS" else report.row_cells
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Comparison:
    """What :func:`compare` produced: the report, where it was written, the gate's verdict."""

    report: dict[str, Any]
    paths: dict[str, Any]
    gate: Any = None  # robustx.eval.gate.GateResult when a gate or max_drop was given
    inferred_task: str | None = None  # why this task, when none was given

    @property
    def exit_code(self) -> int:
        """0 all good; 1 a condition failed or the gate failed."""
        code = 1 if self.report["failures"] else 0
        return max(code, self.gate.exit_code) if self.gate is not None else code


def compare(ckpt_a: str | Path, ckpt_b: str | Path, task: Task | str | None = None, *,
            profiles: Sequence[str] = defaults.PROFILES,
            severities: Sequence[int] | None = None, langs: Sequence[str] | None = None,
            data: str | Path | None = None, sample: bool = False,
            out: str | Path = defaults.REPORT_DIR, seed: int = defaults.SEED,
            bootstrap: int = defaults.BOOTSTRAP, confidence: float = defaults.CONFIDENCE,
            device: str = "auto", precision: str = "auto",
            batch_tokens: int = defaults.BATCH_TOKENS, cache: bool = True,
            cache_dir: str | Path | None = None, allow_pickle: bool = False,
            force: bool = False, progress: bool = False, command: str | None = None,
            gate: str | Path | None = None, max_drop: float | None = None,
            plots: bool = True, attack: bool = False, budget: float = 0.15,
            max_queries: int = 300, beam: int = 1) -> Comparison:
    """Compare checkpoint B against A on clean and noisy data; write the report into ``out``.

    ``gate`` (a gate YAML file) and ``max_drop`` (B's largest allowed average drop under each
    profile, a fraction of the metric) are checked against the planned run before any model
    loads, then applied to the report; the JUnit XML goes to ``<out>/gate-junit.xml``.
    ``task`` None: inferred from the checkpoints' configs when they make it unambiguous.
    ``attack``: also attack both checkpoints with the first profile (``budget``,
    ``max_queries``, ``beam`` as :func:`attack`) and report conditions ``attack`` (each on its
    own adversarial split) and ``attack-transfer`` (each on the other's); see docs/attack.md.
    """
    from .eval import gate as G
    from .eval import report as R
    from .experiment.compare import compare as run_compare
    from .tasks.discovery import resolve_task

    why = None
    if not task:
        from .eval.task_inference import infer_task

        task, why = infer_task([ckpt_a, ckpt_b])
    task = resolve_task(task)
    config = G.load_config(gate) if gate is not None else None
    if max_drop is not None:
        from .noise.profiles import load_profile

        names = [load_profile(p).name for p in dict.fromkeys(profiles)]
        config = G.with_max_drop(config, names, max_drop)
    out = Path(out)
    doc = run_compare(ckpt_a, ckpt_b, task, profiles=list(profiles), severities=severities,
                      langs=langs, data=data, out=out, seed=seed, bootstrap=bootstrap,
                      confidence=confidence, device=device, batch_tokens=batch_tokens,
                      cache=cache, cache_dir=cache_dir, precision=precision,
                      allow_pickle=allow_pickle, force=force, sample=sample, progress=progress,
                      command=command, gate=config, attack=attack, budget=budget,
                      max_queries=max_queries, beam=beam)
    result = G.run_checks(doc, config) if config is not None else None
    paths = R.write(doc, out, plots=plots, gate=result)
    if result is not None:
        G.write_outputs(result, out / "gate-junit.xml", report_path=out / "report.json")
    return Comparison(doc, paths, result, why)


def attack(checkpoint: str | Path, task: Task | str | None, out: str | Path, *,
           data: str | Path | None = None, langs: Sequence[str] | None = None,
           profile: str = "typo", severity: int | None = None, budget: float = 0.15,
           max_queries: int = 300, beam: int = 1, seed: int = defaults.SEED,
           device: str = "auto", precision: str = "auto",
           batch_tokens: int = defaults.BATCH_TOKENS, allow_pickle: bool = False,
           force: bool = False, sample: bool = False, progress: bool = False,
           command: str | None = None) -> dict[str, Any]:
    """Search the profile's rewrites for the ones that break ``checkpoint``'s predictions,
    changing at most ``budget`` of the words of each example, and write the adversarial split
    to ``out`` (the input's layout, ``manifest.json``, ``attack.json``); returns the
    ``attack.json`` document (``robustx.attack/1``). See docs/attack.md."""
    from .experiment.attack import attack as run_attack

    _check_out_dir(Path(out), data, force)
    return run_attack(checkpoint, task, out=out, data=data, langs=langs, profile=profile,
                      severity=severity, budget=budget, max_queries=max_queries, beam=beam,
                      seed=seed, device=device, batch_tokens=batch_tokens, precision=precision,
                      allow_pickle=allow_pickle, force=force, sample=sample, progress=progress,
                      command=command)


def gate(report: str | Path | dict[str, Any], config: str | Path,
         junit: str | Path | None = None) -> Any:
    """Check a compare report against a gate file; see :func:`robustx.eval.gate.gate`."""
    from .eval.gate import gate as run_gate

    return run_gate(report, config, junit)



def train(base: str | Path, task: Task | str, data: str | Path, out: str | Path, *,
          eval_data: str | Path | None = None, intermediate: Sequence[str] = (),
          adversarial: str = "none", adv_eps: float | None = None, adv_steps: int | None = None,
          adv_lr: float | None = None, noise: str | Profile | None = None,
          noise_rate: float = 0.5, noise_severity: int | None = None, epochs: float = 3.0,
          lr: float = 2e-5, batch_size: int = 32, grad_accum: int = 1,
          max_length: int | None = None, seed: int = 0, device: str = "auto",
          precision: str = "auto", save_steps: int | None = None, resume: bool = False,
          force: bool = False, progress: bool = False,
          command: str | None = None) -> dict[str, Any]:
    """Fine-tune ``base`` on ``task`` (after each ``intermediate`` stage, in order) and write
    a safetensors checkpoint, its model card and ``training.json`` to ``out``; returns the
    training document.

    ``intermediate``: a data file or folder in any layout robustx reads (family from its
    columns), or an XTREME task name, read from the hub's English ``train`` split (MNLI and
    SQuAD are not XTREME tasks: pass their files). ``adversarial``: an
    embedding-space perturbation (``adv_*`` None: its defaults, see docs/experiment.md).
    ``noise``: a profile applied on the fly to a share ``noise_rate`` of the training examples.
    ``save_steps``: keep ``Trainer`` checkpoints (beside ``out`` until it is written) that
    ``resume`` continues from after an interruption.
    """
    from .experiment import adversarial as adv
    from .experiment import train as T
    from .tasks.discovery import resolve_task
    from .tasks.sources import load_splits

    task = resolve_task(task)
    if task is None:
        raise UsageError("--task is required")
    T.check_trainable(task.family, task.name)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"the seed must be a non-negative integer, got {seed!r}")
    if not 0 <= noise_rate <= 1:
        raise UsageError(f"--noise-rate must be within 0..1, got {noise_rate}")
    if device not in ("auto", "cpu", "cuda"):
        raise UsageError(f"--device must be auto, cpu or cuda, got {device!r}")
    if precision not in ("auto", "fp32", "bf16"):
        raise UsageError(f"--precision must be auto, fp32 or bf16, got {precision!r}")
    perturbation = adv.make(adversarial, adv_eps, adv_steps, adv_lr)
    hyper = T.Hyper(epochs=float(epochs), lr=float(lr), batch_size=int(batch_size),
                    max_length=max_length, seed=seed, grad_accum=int(grad_accum))
    hyper.check()
    noise_spec = None
    if noise is not None:
        from .noise.profiles import Profile, load_profile

        prof = noise if isinstance(noise, Profile) else load_profile(noise)
        noise_spec = T.Noise(prof.at(noise_severity), float(noise_rate))
    out = Path(out)
    _check_out_dir(out, None, force)
    T.check_extra()
    from .eval.checkpoint import resolve

    base_dir = resolve(base)
    stages = []
    for item in intermediate:
        path = Path(item).expanduser()
        if path.exists():
            splits = load_splits(None, None, path)
            name = splits[0].task.name if splits[0].task else path.stem
            stages.append(T.Stage(name, splits[0].task, splits))
        else:
            t = resolve_task(item)  # the hub's English train split: an English stage
            english = ["en"] if "en" in t.languages else None
            stages.append(T.Stage(t.name, t, load_splits(t, english, None, split="train")))
    stages.append(T.Stage(task.name, task, load_splits(task, None, data)))
    for st in stages:
        T.check_trainable(st.family, st.name)
        unlabelled = [s.source for s in st.splits if not s.labelled]
        if unlabelled:
            raise UsageError(f"training data {unlabelled[0]} has no gold labels or answers")
        families = {s.family for s in st.splits}
        if len(families) > 1:
            raise UsageError(f"stage {st.name}: its files are of different task families "
                             f"({', '.join(sorted(families))})")
    evals = load_splits(task, None, eval_data) if eval_data is not None else None
    tokenizer = _tokenizer(base_dir)
    return T.run(str(base), stages, tokenizer, out, perturbation=perturbation, noise=noise_spec,
                 hyper=hyper, eval_splits=evals, device=device, precision=precision,
                 force=force, progress=progress, command=command, base_path=base_dir,
                 save_steps=save_steps, resume=resume)


def _tokenizer(path: Path):
    """The base checkpoint's fast tokenizer (the heads need offsets and word ids)."""
    from .errors import ModelError

    try:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(path, trust_remote_code=False)
    except Exception as exc:
        raise ModelError(f"cannot load the tokenizer of {path}: {type(exc).__name__}") from None
    if not getattr(tok, "is_fast", False):
        raise ModelError(f"checkpoint {path} has no fast tokenizer (tokenizer.json)")
    return tok
