"""Embedding-space perturbations for adversarial training: FGM, PGD, FreeLB, R3F.

Each perturbation runs one training step's forward and backward passes itself (several, for
the multi-step ones) and returns the losses it saw. A perturbation ``delta`` is added to the
output of the model's input-embedding module through a forward hook, so the embedding matrix is
never written (it changes only by the optimiser's update, bit for bit as in standard training),
position and token-type ids are computed from ``input_ids`` exactly as without a perturbation,
and any transformers architecture with ``get_input_embeddings()`` works. ``delta`` is zero on
padding and lies in the L2 ball of radius ``eps`` of each example (norm over its tokens and
hidden units, the convention of FreeLB).

Objectives, chosen so that a zero perturbation is standard training exactly (with dropout off:
with dropout on, a second forward pass draws other masks):

* ``none``: the clean loss.
* ``fgm`` (Miyato et al. 2017): ``(clean + adv) / 2``, ``delta = eps * g / ||g||`` from the
  clean loss's gradient ``g`` with respect to the embeddings.
* ``pgd`` (Madry et al. 2018): ``(clean + adv) / 2`` at ``delta`` after ``steps`` ascent steps
  of size ``lr`` (normalised gradient), projected onto the ball after each.
* ``freelb`` (Zhu et al. 2020): the mean of the losses at ``steps`` ascent iterates, starting
  from a random ``delta``; parameter gradients accumulate over the iterates ("free" steps).
* ``r3f`` (Aghajanyan et al. 2021): ``clean + symmetric KL(f(x), f(x + z))``, ``z`` a random
  point of norm ``eps`` (a Gaussian direction); no ascent steps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..registry import Registry

Backward = Callable[[Any], None]  # runs loss.backward() as the trainer wants it (scaling, amp)


@dataclass(frozen=True)
class AdvParams:
    """A perturbation's hyperparameters (the recipe string prints them)."""

    eps: float = 0.0
    steps: int = 1
    lr: float = 0.0

    def check(self, name: str) -> None:
        if not self.eps >= 0:
            raise UsageError(f"--adv-eps must be >= 0, got {self.eps}")
        if self.steps < 1:
            raise UsageError(f"--adv-steps must be >= 1, got {self.steps}")
        if not self.lr >= 0:
            raise UsageError(f"--adv-lr must be >= 0, got {self.lr}")


@dataclass
class StepLosses:
    """What one training step saw: the objective it backpropagated (a detached tensor), the
    clean loss and the adversarial (or regularised) loss, as floats (None when not computed)."""

    loss: Any
    clean: float | None = None
    adv: float | None = None


@contextlib.contextmanager
def perturbed(model, delta_of: Callable[[], Any]) -> Iterator[None]:
    """While open, the model's input embeddings come out plus ``delta_of()`` (None: unchanged)."""
    module = model.get_input_embeddings()

    def hook(_module, _inputs, output):
        delta = delta_of()
        return output if delta is None else output + delta.to(output.dtype)

    handle = module.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()


def embedding_shape(model, inputs: dict) -> tuple[int, int, int]:
    ids = inputs["input_ids"]
    return ids.shape[0], ids.shape[1], model.get_input_embeddings().embedding_dim


def token_mask(inputs: dict, dtype) -> Any:
    """(batch, length, 1): 1 on real tokens, 0 on padding."""
    import torch

    mask = inputs.get("attention_mask")
    if mask is None:
        mask = torch.ones_like(inputs["input_ids"])
    return mask.to(dtype).unsqueeze(-1)


def norms(delta) -> Any:
    """Per-example L2 norms over tokens and hidden units, shaped (batch, 1, 1)."""
    return delta.flatten(1).norm(dim=1).view(-1, 1, 1)


def project(delta, eps: float) -> Any:
    """``delta`` scaled into the L2 ball of radius ``eps`` (per example); eps 0 gives zeros."""
    import torch

    if eps <= 0:
        return torch.zeros_like(delta)
    n = norms(delta)
    return delta * torch.clamp(eps / n.clamp_min(1e-12), max=1.0)


def normalised(grad, mask) -> Any:
    """The gradient direction of each example (unit L2 norm over its real tokens)."""
    g = grad * mask
    return g / norms(g).clamp_min(1e-12)


class Perturbation:
    """One training step with a perturbation of the input embeddings."""

    name = "none"
    uses = ()  # which of eps/steps/lr the recipe string shows

    def __init__(self, params: AdvParams = AdvParams()) -> None:
        params.check(self.name)
        self.params = params

    def recipe(self) -> str:
        if not self.uses:
            return self.name
        shown = ",".join(f"{k}={_fmt(getattr(self.params, k))}" for k in self.uses)
        return f"{self.name}({shown})"

    @staticmethod
    def loss(model, inputs: dict) -> Any:
        return model(**inputs).loss

    def step(self, model, inputs: dict, backward: Backward) -> StepLosses:
        loss = self.loss(model, inputs)
        backward(loss)
        value = float(loss.detach())
        return StepLosses(loss.detach(), value, None)


def _fmt(x: float | int) -> str:
    return f"{x:g}"


PERTURBATIONS: Registry[type[Perturbation]] = Registry("adversarial method")
PERTURBATIONS.add("none", Perturbation)


@PERTURBATIONS.register("fgm")
class FGM(Perturbation):
    name, uses = "fgm", ("eps",)

    def step(self, model, inputs, backward):
        import torch

        b, n, h = embedding_shape(model, inputs)
        mask = token_mask(inputs, torch.float32)
        zero = torch.zeros(b, n, h, device=inputs["input_ids"].device, requires_grad=True)
        with perturbed(model, lambda: zero):
            clean = self.loss(model, inputs)
        backward(clean * 0.5)  # parameter gradients and the embedding gradient in one pass
        delta = project(self.params.eps * normalised(zero.grad.detach(), mask), self.params.eps)
        with perturbed(model, lambda: delta):
            adv = self.loss(model, inputs)
        backward(adv * 0.5)
        total = (clean.detach() + adv.detach()) * 0.5
        return StepLosses(total, float(clean.detach()), float(adv.detach()))


@PERTURBATIONS.register("pgd")
class PGD(Perturbation):
    name, uses = "pgd", ("eps", "steps", "lr")

    def attack(self, model, inputs) -> Any:
        """The perturbation after ``steps`` projected ascent steps from zero (parameter
        gradients untouched)."""
        import torch

        b, n, h = embedding_shape(model, inputs)
        mask = token_mask(inputs, torch.float32)
        delta = torch.zeros(b, n, h, device=inputs["input_ids"].device)
        for _ in range(self.params.steps):
            delta.requires_grad_(True)
            with perturbed(model, lambda d=delta: d):
                loss = self.loss(model, inputs)
            (grad,) = torch.autograd.grad(loss, delta)
            delta = project(delta.detach() + self.params.lr * normalised(grad, mask),
                            self.params.eps) * mask
        return delta.detach()

    def step(self, model, inputs, backward):
        delta = self.attack(model, inputs)
        clean = self.loss(model, inputs)
        backward(clean * 0.5)
        with perturbed(model, lambda: delta):
            adv = self.loss(model, inputs)
        backward(adv * 0.5)
        total = (clean.detach() + adv.detach()) * 0.5
        return StepLosses(total, float(clean.detach()), float(adv.detach()))


@PERTURBATIONS.register("freelb")
class FreeLB(Perturbation):
    name, uses = "freelb", ("eps", "steps", "lr")

    def init(self, shape, mask, device) -> Any:
        """FreeLB's start: uniform noise on real tokens, divided by the square root of their
        count times the hidden size (so its norm is about eps / sqrt(3)), within the ball."""
        import torch

        delta = (torch.rand(shape, device=device) * 2 - 1) * mask
        dims = (mask.sum(dim=(1, 2), keepdim=True) * shape[-1]).clamp_min(1.0)
        return project(delta * self.params.eps / dims.sqrt(), self.params.eps) * mask

    def step(self, model, inputs, backward):
        import torch

        b, n, h = embedding_shape(model, inputs)
        mask = token_mask(inputs, torch.float32)
        delta = self.init((b, n, h), mask, inputs["input_ids"].device)
        k = self.params.steps
        losses = []
        for _ in range(k):
            delta.requires_grad_(True)
            with perturbed(model, lambda d=delta: d):
                loss = self.loss(model, inputs)
            backward(loss / k)  # accumulates parameter gradients over the iterates
            losses.append(float(loss.detach()))
            grad = delta.grad.detach()
            delta = project(delta.detach() + self.params.lr * normalised(grad, mask),
                            self.params.eps) * mask
        with torch.no_grad():  # for the curves: the clean loss of the same batch
            clean = float(self.loss(model, inputs))
        total = torch.tensor(sum(losses) / k)
        return StepLosses(total, clean, sum(losses) / k)


@PERTURBATIONS.register("r3f")
class R3F(Perturbation):
    name, uses = "r3f", ("eps",)
    weight = 1.0  # lambda of the KL term (Aghajanyan et al.: 1 works across GLUE)

    def noise(self, shape, mask, device) -> Any:
        import torch

        z = torch.randn(shape, device=device) * mask
        return project(self.params.eps * normalised(z, mask), self.params.eps) * mask

    def step(self, model, inputs, backward):
        import torch

        b, n, h = embedding_shape(model, inputs)
        mask = token_mask(inputs, torch.float32)
        z = self.noise((b, n, h), mask, inputs["input_ids"].device)
        out = model(**inputs)
        with perturbed(model, lambda: z):
            noisy = model(**inputs)
        kl = sym_kl(logits_of(out), logits_of(noisy), inputs)
        total = out.loss + self.weight * kl
        backward(total)
        return StepLosses(total.detach(), float(out.loss.detach()), float(total.detach()))


def logits_of(output) -> list[tuple[Any, bool]]:
    """The output distributions' logits, each with whether it is a distribution over the
    sequence's positions (QA's start and end logits) rather than over classes."""
    named = (("logits", False), ("start_logits", True), ("end_logits", True))
    return [(getattr(output, n), over_positions) for n, over_positions in named
            if getattr(output, n, None) is not None]


def sym_kl(clean: list, noisy: list, inputs: dict) -> Any:
    """Symmetric KL between the clean and the noised output distributions, averaged over
    examples (and over labelled tokens for tagging: positions with label -100 left out);
    distributions over positions leave padding out."""
    import torch
    import torch.nn.functional as F

    total = 0.0
    mask = inputs.get("attention_mask")
    for (p, over_positions), (q, _) in zip(clean, noisy, strict=True):
        p, q = p.float(), q.float()
        if over_positions and mask is not None:
            p, q = p.masked_fill(mask == 0, -1e4), q.masked_fill(mask == 0, -1e4)
        lp, lq = F.log_softmax(p, dim=-1), F.log_softmax(q, dim=-1)
        kl = (lp.exp() * (lp - lq)).sum(-1) + (lq.exp() * (lq - lp)).sum(-1)
        labels = inputs.get("labels")
        if labels is not None and labels.shape == kl.shape and kl.dim() == 2:  # tagging
            keep = (labels != -100).to(kl.dtype)
            total = total + (kl * keep).sum() / keep.sum().clamp_min(1.0)
        else:  # one distribution per example (over classes, or over positions for QA)
            total = total + kl.mean()
    return total if isinstance(total, torch.Tensor) else torch.tensor(total)


DEFAULTS: dict[str, AdvParams] = {
    # starting points, not tuned values (eps is a norm over a whole example); docs/experiment.md
    "none": AdvParams(),
    "fgm": AdvParams(eps=1.0),
    "pgd": AdvParams(eps=1.0, steps=3, lr=0.3),
    "freelb": AdvParams(eps=0.3, steps=2, lr=0.1),
    "r3f": AdvParams(eps=0.1),
}


def make(name: str, eps: float | None = None, steps: int | None = None,
         lr: float | None = None) -> Perturbation:
    """The perturbation ``name`` with the given parameters (None: its defaults)."""
    cls = PERTURBATIONS.get(name)
    base = DEFAULTS.get(name, AdvParams())
    params = AdvParams(base.eps if eps is None else float(eps),
                       base.steps if steps is None else int(steps),
                       base.lr if lr is None else float(lr))
    return cls(params)
