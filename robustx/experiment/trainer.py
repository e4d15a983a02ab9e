"""The training loop of `robustx train`: transformers' ``Trainer`` with the perturbation's step.

Kept apart from :mod:`.train` (stages, data, outputs) so that the part that touches
``Trainer``'s internals, which move between transformers versions, is in one small place.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import UsageError
from . import adversarial


def trainer_class():
    """The Trainer subclass and the progress callback, built on first use (transformers loads
    only when training). ``hyper``-style settings come from :class:`.train.Hyper`."""
    from transformers import Trainer, TrainerCallback

    class RobustTrainer(Trainer):
        """``Trainer`` whose training step is the perturbation's (see :mod:`.adversarial`)."""

        def __init__(self, *args, perturbation=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.perturbation = perturbation or adversarial.Perturbation()
            self._sums = {"clean": [0.0, 0], "adv": [0.0, 0]}

        def training_step(self, model, inputs, num_items_in_batch=None):
            model.train()
            inputs = self._prepare_inputs(inputs)
            scale = 1.0 / self.args.gradient_accumulation_steps

            def backward(loss):
                self.accelerator.backward(loss * scale)

            with self.compute_loss_context_manager():
                seen = self.perturbation.step(model, inputs, backward)
            for key, value in (("clean", seen.clean), ("adv", seen.adv)):
                if value is not None:
                    self._sums[key][0] += value
                    self._sums[key][1] += 1
            return seen.loss.to(self.args.device) * scale

        def log(self, logs, *args, **kwargs):
            if "loss" in logs:  # a training log: the mean clean and adversarial losses since
                for key, (total, n) in self._sums.items():  # the previous one
                    if n:
                        logs[f"{key}_loss"] = round(total / n, 6)
                    self._sums[key] = [0.0, 0]
            return super().log(logs, *args, **kwargs)

    class Progress(TrainerCallback):
        def __init__(self, advance):
            self.advance = advance

        def on_step_end(self, args, state, control, **kwargs):
            self.advance(1)

    return RobustTrainer, Progress


def training_args(out: str, hyper: Any, steps_per_epoch: int, device: str, bf16: bool,
                  has_eval: bool, save_steps: int | None = None):
    import inspect

    from transformers import TrainingArguments

    accepted = set(inspect.signature(TrainingArguments.__init__).parameters)
    total = max(1, math.ceil(steps_per_epoch * hyper.epochs))
    kwargs: dict[str, Any] = dict(
        output_dir=out, num_train_epochs=hyper.epochs, learning_rate=hyper.lr,
        per_device_train_batch_size=hyper.batch_size, per_device_eval_batch_size=hyper.batch_size,
        gradient_accumulation_steps=hyper.grad_accum, weight_decay=hyper.weight_decay,
        warmup_steps=round(hyper.warmup * total), lr_scheduler_type="linear",
        seed=hyper.seed, data_seed=hyper.seed, logging_strategy="steps",
        logging_steps=max(1, total // 50), logging_first_step=True,
        save_strategy="no" if save_steps is None else "steps", save_steps=save_steps or 500,
        save_total_limit=2,
        report_to="none", disable_tqdm=True, bf16=bf16, dataloader_num_workers=0,
        remove_unused_columns=False,
    )
    strategy = "epoch" if has_eval else "no"
    kwargs["eval_strategy" if "eval_strategy" in accepted else "evaluation_strategy"] = strategy
    if device == "cpu":
        kwargs["use_cpu"] = True
    return TrainingArguments(**{k: v for k, v in kwargs.items() if k in accepted})


def use_bf16(precision: str, device: str) -> bool:
    import torch

    cuda = device != "cpu" and torch.cuda.is_available()
    if device == "cuda" and not torch.cuda.is_available():
        raise UsageError("--device cuda: no CUDA device is available")
    if precision == "bf16":
        if not cuda or not torch.cuda.is_bf16_supported():
            raise UsageError("--precision bf16 needs a CUDA device with bf16 support")
        return True
    return precision == "auto" and cuda and torch.cuda.is_bf16_supported()
