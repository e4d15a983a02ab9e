"""Fine-tune a checkpoint on a task, after optional intermediate stages, with or without an
embedding-space perturbation (:mod:`.adversarial`) or data-level robustx noise.

Built on the transformers ``Trainer``: :class:`RobustTrainer` overrides only the training step
(the perturbation runs its own forward and backward passes), so accelerate / torchrun,
bf16, gradient accumulation and checkpointing behave as users of ``Trainer`` expect. Every
method, ``none`` included, goes through the same step, so two runs differ only by the
perturbation. Features come from the family's head in :mod:`robustx.eval.heads`
(``Head.train_features``): the tokens a model is trained on are the tokens ``robustx evaluate``
feeds it. The output folder holds a safetensors checkpoint (``finetuning_task`` and label names
in its config, so ``compare`` infers the task), a model card whose metadata records the recipe
string, and ``training.json`` with the loss curves.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.files import commit_dir, make_tmp_dir, write_json_atomic, write_text_atomic
from ..core.progress import bar
from ..errors import InputError, ModelError, UsageError
from ..tasks import FAMILIES, Task
from ..tasks.labels import gold_labels, label_space
from ..tasks.split import Split
from . import adversarial
from .trainer import trainer_class, training_args, use_bf16

SCHEMA = "robustx.training/1"
EXTRA_HINT = "pip install 'robustx[train]'"


@dataclass(frozen=True)
class Hyper:
    """Optimisation settings shared by every stage."""

    epochs: float = 3.0
    lr: float = 2e-5
    batch_size: int = 32
    max_length: int | None = None  # None: the head's default (128; QA 384)
    seed: int = 0
    grad_accum: int = 1
    warmup: float = 0.1  # share of the steps with a linear warm-up
    weight_decay: float = 0.0

    def check(self) -> None:
        if not self.epochs > 0:
            raise UsageError(f"--epochs must be > 0, got {self.epochs}")
        if not self.lr > 0:
            raise UsageError(f"--lr must be > 0, got {self.lr}")
        if self.batch_size < 1:
            raise UsageError(f"--batch-size must be >= 1, got {self.batch_size}")
        if self.max_length is not None and self.max_length < 8:
            raise UsageError(f"--max-length must be >= 8, got {self.max_length}")


@dataclass(frozen=True)
class Noise:
    """Data-level noise: a robustx profile at a severity, applied to a share of the examples."""

    profile: Any  # robustx.noise.profiles.Profile, resolved at its severity
    rate: float

    def token(self, seed: int) -> str:
        from ..noise.signature import signature

        head = signature(self.profile, seed).split("|")[0]
        return f"noise:{head}(sev={self.profile.severity},rate={self.rate:g})"


@dataclass
class Stage:
    """One training stage: its data (every split is used) and what it is called in the recipe."""

    name: str
    task: Task | None
    splits: list[Split]

    @property
    def family(self) -> str:
        return self.splits[0].family

    def labels(self) -> list[str]:
        """Label names: the task's, else those of the data (in first-seen split order)."""
        if self.task is not None and self.task.labels:
            return list(self.task.labels)
        names: list[str] = []
        for s in self.splits:
            space = label_space(s) if s.label_names else sorted(set(gold_labels(s, None)))
            names += [n for n in space if n not in names]
        return names


def recipe_string(base: str, stages: Sequence[Stage], perturbation, noise: Noise | None,
                  hyper: Hyper, max_length: int) -> str:
    """``train[xnli<-mnli]|base:..|adv:freelb(eps=..,steps=..,lr=..)|noise:..|ep:..|lr:..|
    bs:..|len:..|seed:..|v:..``: everything that changes the weights, as the noise signature
    does for noisy data."""
    names = "<-".join(s.name for s in reversed(stages))
    fields = [f"train[{names}]", f"base:{base}", f"adv:{perturbation.recipe()}"]
    if noise is not None:
        fields.append(noise.token(hyper.seed))
    bs = f"{hyper.batch_size}x{hyper.grad_accum}" if hyper.grad_accum > 1 else str(hyper.batch_size)
    fields += [f"ep:{hyper.epochs:g}", f"lr:{hyper.lr:g}", f"bs:{bs}", f"len:{max_length}",
               f"seed:{hyper.seed}", f"v:{__version__}"]
    return "|".join(fields)


# ---------------------------------------------------------------- features


class Features:
    """A list of feature dicts as a torch map-style dataset."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return self.rows[i]


class Collator:
    """Right padding: input ids with the pad id, token types with 0, list targets with -100
    (ignored by the loss); an attention mask from the lengths."""

    def __init__(self, pad_id: int) -> None:
        self.pad_id = pad_id

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        import torch

        width = max(len(r["input_ids"]) for r in rows)
        out: dict[str, Any] = {}
        for key in rows[0]:
            values = [r[key] for r in rows]
            if isinstance(values[0], list):
                fill = {"input_ids": self.pad_id, "token_type_ids": 0}.get(key, -100)
                values = [v + [fill] * (width - len(v)) for v in values]
            out[key] = torch.tensor(values, dtype=torch.long)
        out["attention_mask"] = torch.tensor(
            [[1] * len(r["input_ids"]) + [0] * (width - len(r["input_ids"])) for r in rows],
            dtype=torch.long)
        return out


def stage_features(stage: Stage, tokenizer, max_length: int, labels: list[str],
                   noise: Noise | None, seed: int, index: int) -> tuple[list[dict], dict]:
    """Features of every split of ``stage``; with ``noise``, each example is replaced by its
    noisy copy with probability ``noise.rate`` (one seeded draw per stage). Also counts."""
    import numpy as np

    from ..eval.heads import HEADS

    head = HEADS.get(stage.family)
    rows: list[dict] = []
    counts = {"examples": 0, "features": 0, "noisy_examples": 0}
    for k, split in enumerate(stage.splits):
        clean = head.train_features(tokenizer, split, max_length, labels)
        chosen = clean
        if noise is not None and noise.rate > 0:
            from ..noise.pipeline import corrupt_split

            noisy_split = corrupt_split(split, noise.profile, seed + index)
            noisy = head.train_features(tokenizer, noisy_split, max_length, labels)
            rng = np.random.default_rng([seed, index, k])
            pick = rng.random(len(split.dataset)) < noise.rate
            chosen = [f for f in clean if not pick[f[0]]] + [f for f in noisy if pick[f[0]]]
            chosen.sort(key=lambda f: f[0])  # stable: windows keep their order
            counts["noisy_examples"] += int(pick.sum())
        rows += [f for _, f in chosen]
        counts["examples"] += len(split.dataset)
    counts["features"] = len(rows)
    if not rows:
        raise InputError(f"stage {stage.name}: no training examples (QA rows need an answer)")
    return rows, counts


def _load_model(source: str | Path, family: str, labels: list[str], seed: int,
                finetuning_task: str | None):
    """The family's Auto model from ``source``; a head that does not fit (another family or
    other labels) is initialised afresh, seeded."""
    import torch
    import transformers

    from ..eval.heads import HEADS

    auto = getattr(transformers, FAMILIES.get(family).auto_class)
    kwargs = HEADS.get(family).train_config(labels)
    log = transformers.utils.logging
    verbosity = log.get_verbosity()
    log.set_verbosity_error()  # "newly initialized" heads are the point of a new stage
    torch.manual_seed(seed)
    try:
        model = auto.from_pretrained(source, trust_remote_code=False,
                                     ignore_mismatched_sizes=True, **kwargs)
    except Exception as exc:
        raise ModelError(f"cannot load {source} as a {family} model: "
                         f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                         ) from None
    finally:
        log.set_verbosity(verbosity)
    model.config.finetuning_task = finetuning_task
    return model


def _same_head(a: Stage, labels_a: list[str], b: Stage, labels_b: list[str]) -> bool:
    return a.family == b.family and labels_a == labels_b


def run(base: str, stages: list[Stage], tokenizer, out: Path, *,
        perturbation: adversarial.Perturbation, noise: Noise | None, hyper: Hyper,
        eval_splits: list[Split] | None = None, device: str = "auto", precision: str = "auto",
        force: bool = False, progress: bool = False, command: str | None = None,
        base_path: str | Path | None = None, save_steps: int | None = None,
        resume: bool = False) -> dict[str, Any]:
    """Train through ``stages`` (the last is the target) and write the checkpoint to ``out``;
    returns the training document (also ``out/training.json``). ``base`` is the name the
    recipe records, ``base_path`` its local folder (default: ``base``). ``save_steps``:
    ``Trainer`` checkpoints every so many steps, and each finished stage, in
    :func:`partial_dir` until the run succeeds; ``resume`` continues from them."""
    import transformers
    from transformers.trainer_callback import PrinterCallback

    from ..eval.engine import is_main_process
    from ..eval.heads import HEADS
    from ..eval.heads.classify import max_len

    hyper.check()
    transformers.utils.logging.disable_progress_bar()  # robustx shows its own progress
    bf16 = use_bf16(precision, device)
    RobustTrainer, ProgressCallback = trainer_class()
    doc: dict[str, Any] = {"schema": SCHEMA, "recipe": None, "base": base,
                           "adversarial": {"method": perturbation.name,
                                           **dataclasses.asdict(perturbation.params)},
                           "noise": None if noise is None else {
                               "profile": noise.profile.name, "severity": noise.profile.severity,
                               "rate": noise.rate, "signature": noise.token(hyper.seed)},
                           "hyperparameters": {**dataclasses.asdict(hyper), "bf16": bf16},
                           "stages": [], "version": __version__, "command": command}
    work = _work_dir(out, save_steps, resume, force)
    done = False
    try:
        source: str | Path = base_path or base
        model = None
        prev: tuple[Stage, list[str]] | None = None
        for i, stage in enumerate(stages):
            labels = stage.labels() if FAMILIES.get(stage.family).label_role else []
            task_name = stage.task.name if stage.task is not None else None
            stage_dir = work / f"stage-{i}"
            if resume and (stage_dir / "stage.json").is_file():  # finished before the stop
                model = _load_model(stage_dir / "final", stage.family, labels, hyper.seed,
                                    task_name)
                doc["stages"].append(json.loads((stage_dir / "stage.json").read_text("utf-8")))
                prev = (stage, labels)
                continue
            if model is not None:  # carry the encoder; the head only when it fits this stage
                source = work / f"input-{i}"
                keep = prev is not None and _same_head(prev[0], prev[1], stage, labels)
                (model if keep else model.base_model).save_pretrained(source)
            model = _load_model(source, stage.family, labels, hyper.seed, task_name)
            length = max_len(model, tokenizer,
                             hyper.max_length or HEADS.get(stage.family).train_length)
            rows, counts = stage_features(stage, tokenizer, length, labels, noise, hyper.seed, i)
            evals = None
            if i == len(stages) - 1 and eval_splits:
                dev_rows, _ = stage_features(Stage("dev", stage.task, eval_splits), tokenizer,
                                             length, labels, None, hyper.seed, i)
                evals = Features(dev_rows)
            steps = math.ceil(len(rows) / hyper.batch_size / hyper.grad_accum)
            args = training_args(str(stage_dir / "trainer"), hyper, steps, device, bf16,
                                 evals is not None, save_steps)
            total = max(1, math.ceil(steps * hyper.epochs))
            checkpoints = sorted((stage_dir / "trainer").glob("checkpoint-*"))
            with bar(progress, total, f"training {stage.name}") as advance:
                trainer = RobustTrainer(model=model, args=args, train_dataset=Features(rows),
                                        eval_dataset=evals,
                                        data_collator=Collator(tokenizer.pad_token_id),
                                        perturbation=perturbation,
                                        callbacks=[ProgressCallback(advance)])
                trainer.remove_callback(PrinterCallback)  # robustx reports, not print()
                result = trainer.train(resume_from_checkpoint=True if resume and checkpoints
                                       else None)
            model = trainer.model
            entry = {
                "name": stage.name, "task": task_name, "family": stage.family,
                "labels": labels, "data": [s.source for s in stage.splits],
                "max_length": length, **counts, "steps": trainer.state.global_step,
                "train_loss": result.training_loss,
                "log": [dict(e) for e in trainer.state.log_history]}
            doc["stages"].append(entry)
            if save_steps is not None and is_main_process():  # what --resume starts from
                model.save_pretrained(stage_dir / "final")
                write_json_atomic(stage_dir / "stage.json", entry, indent=2)
            prev = (stage, labels)
        # the length the target stage really used (capped by the model's positions)
        doc["recipe"] = recipe_string(base, stages, perturbation, noise, hyper,
                                      doc["stages"][-1]["max_length"])
        if is_main_process():  # torchrun/accelerate: rank 0 writes
            _write(model, tokenizer, out, doc, force)
        done = True
        return doc
    finally:
        if done or save_steps is None:  # checkpoints stay for --resume after a failure
            shutil.rmtree(work, ignore_errors=True)


def partial_dir(out: Path) -> Path:
    """Where ``--save-steps`` keeps checkpoints until the run has written ``out``."""
    return out.parent / f".{out.name}.partial"


def _work_dir(out: Path, save_steps: int | None, resume: bool, force: bool) -> Path:
    """A temporary folder, or with ``save_steps`` the run's checkpoint folder beside ``out``."""
    if save_steps is None:
        if resume:
            raise UsageError("--resume needs --save-steps (the checkpoints it resumes from)")
        return Path(tempfile.mkdtemp(prefix="robustx-train-"))
    partial = partial_dir(out)
    if resume and not partial.is_dir():
        raise UsageError(f"--resume: no checkpoints of an earlier run in {partial}")
    if partial.exists() and not resume:
        if not force:
            raise UsageError(f"{partial} holds the checkpoints of an interrupted run; pass "
                             "--resume to continue it or --force to start over")
        shutil.rmtree(partial)
    partial.mkdir(parents=True, exist_ok=True)
    return partial


def _write(model, tokenizer, out: Path, doc: dict[str, Any], force: bool) -> dict[str, Any]:
    tmp = make_tmp_dir(out)
    try:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        write_text_atomic(tmp / "README.md", model_card(doc))
        write_json_atomic(tmp / "training.json", doc, indent=2)
        commit_dir(tmp, out, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return doc


def model_card(doc: dict[str, Any]) -> str:
    """A Hugging Face model card: YAML metadata (the recipe under ``robustx``) and a summary."""
    import yaml

    target = doc["stages"][-1]
    meta = {"library_name": "transformers", "base_model": doc["base"],
            "tags": ["robustx", target["family"], f"adversarial-{doc['adversarial']['method']}"],
            "robustx": {"recipe": doc["recipe"], "version": doc["version"],
                        "stages": [s["name"] for s in doc["stages"]],
                        "adversarial": doc["adversarial"], "noise": doc["noise"],
                        "hyperparameters": doc["hyperparameters"]}}
    lines = ["---", yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
             f"# {target['name']} ({doc['adversarial']['method']})", "",
             f"Fine-tuned from `{doc['base']}` by `robustx train`.", "",
             f"Recipe: `{doc['recipe']}`", "", "| stage | family | examples | steps | train loss |",
             "|---|---|---|---|---|"]
    lines += [f"| {s['name']} | {s['family']} | {s['examples']} | {s['steps']} | "
              f"{s['train_loss']:.4f} |" for s in doc["stages"]]
    lines += ["", "Loss curves (clean and adversarial loss per logging step): `training.json`.",
              "Evaluate with `robustx evaluate` or `robustx compare`.", ""]
    return "\n".join(lines)


def check_trainable(family: str, what: str) -> None:
    """Retrieval reads an encoder's hidden states: there is no head to train."""
    from ..eval.heads import HEADS

    if not HEADS.get(family).trained:
        raise UsageError(f"{what} is a {family} task, which has no training head (retrieval "
                         "scores an encoder's sentence embeddings); train on a classification, "
                         "tagging or QA task")


def check_extra() -> None:
    """``Trainer`` needs accelerate, which robustx does not require for evaluation."""
    try:
        import accelerate  # noqa: F401
    except ImportError:
        raise UsageError(f"robustx train needs accelerate: {EXTRA_HINT}") from None


__all__ = ["Collator", "Features", "Hyper", "Noise", "Stage", "check_extra", "check_trainable",
           "model_card", "recipe_string", "run", "stage_features"]
