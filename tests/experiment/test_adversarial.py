"""The embedding perturbations: inside the eps ball, harder than clean, embeddings untouched."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from robustx.errors import UsageError  # noqa: E402
from robustx.experiment import adversarial as adv  # noqa: E402

METHODS = ("fgm", "pgd", "freelb", "r3f")
PAIRS = [("The cat sits on the mat.", "A cat is sitting."),
         ("Der Hund schläft im Haus neben dem Fluss.", "Ein Hund läuft."),
         ("El tren llega tarde a la ciudad.", "El tren es rápido y nuevo hoy."),
         ("Paris is the capital of France.", "Berlin.")]


@pytest.fixture(scope="module")
def model_and_batches(tiny_checkpoints):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    path = tiny_checkpoints["pair"]
    model = AutoModelForSequenceClassification.from_pretrained(path).eval()
    tok = AutoTokenizer.from_pretrained(path)
    batches = []
    for k in range(4):
        pairs = PAIRS[k:] + PAIRS[:k]
        enc = tok([a for a, _ in pairs], [b for _, b in pairs], padding=True, truncation=True,
                  max_length=32,
                  return_tensors="pt")
        batches.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                        "labels": torch.tensor([(i + k) % 3 for i in range(len(pairs))])})
    return model, batches


def _backward(loss):
    loss.backward()


def _recording(monkeypatch):
    """Every delta a perturbation adds to the embeddings, as it is added."""
    seen = []
    real = adv.perturbed

    def spy(model, delta_of):
        def record():
            d = delta_of()
            if d is not None:
                seen.append(d.detach().clone())
            return d
        return real(model, record)

    monkeypatch.setattr(adv, "perturbed", spy)
    return seen


@pytest.mark.parametrize("method", METHODS)
def test_perturbation_stays_in_the_eps_ball_and_off_padding(method, model_and_batches,
                                                            monkeypatch):
    model, batches = model_and_batches
    seen = _recording(monkeypatch)
    eps = 0.05
    pert = adv.make(method, eps=eps, steps=3, lr=0.5)  # lr >> eps: projection must act
    for batch in batches:
        start = len(seen)
        torch.manual_seed(0)
        pert.step(model, batch, _backward)
        model.zero_grad()
        pad = batch["attention_mask"] == 0
        assert pad.any() and len(seen) > start
        for delta in seen[start:]:
            assert float(adv.norms(delta).max()) <= eps * (1 + 1e-5)
            assert float(delta[pad].abs().max()) == 0.0


@pytest.mark.parametrize("method", METHODS)
def test_adversarial_loss_is_on_average_above_the_clean_loss(method, model_and_batches):
    model, batches = model_and_batches
    pert = adv.make(method, eps=0.5, steps=3, lr=0.3)
    clean, hard = [], []
    for seed, batch in enumerate(batches):
        torch.manual_seed(seed)
        seen = pert.step(model, batch, _backward)
        model.zero_grad()
        clean.append(float(model(**batch).loss.detach()) if seen.clean is None else seen.clean)
        hard.append(seen.adv)
    assert sum(hard) / len(hard) > sum(clean) / len(clean)


@pytest.mark.parametrize("method", ("none", *METHODS))
def test_embeddings_bit_identical_after_each_step(method, model_and_batches):
    model, batches = model_and_batches
    emb = model.get_input_embeddings()
    before = emb.weight.detach().clone()
    pert = adv.make(method, eps=0.5, steps=2, lr=0.3)
    for batch in batches:
        pert.step(model, batch, _backward)
        assert torch.equal(emb.weight, before)
        assert not emb._forward_hooks  # the hook is gone after the step
    model.zero_grad()


def test_zero_eps_gives_the_clean_gradient_exactly(model_and_batches):
    """FGM and PGD at eps 0 backpropagate (clean + clean) / 2: the clean gradient, bit for bit."""
    model, batches = model_and_batches
    grads = {}
    for method in ("none", "fgm", "pgd"):
        model.zero_grad()
        adv.make(method, eps=0.0).step(model, batches[0], _backward)
        grads[method] = [p.grad.clone() for p in model.parameters() if p.grad is not None]
    model.zero_grad()
    for method in ("fgm", "pgd"):
        assert all(torch.equal(a, b) for a, b in zip(grads["none"], grads[method], strict=True))


def test_projection():
    d = torch.ones(2, 3, 4)
    assert torch.allclose(adv.norms(adv.project(d, 1.0)).flatten(), torch.ones(2))
    small = d * 1e-3
    assert torch.equal(adv.project(small, 1.0), small)  # inside the ball: unchanged
    assert torch.equal(adv.project(d, 0.0), torch.zeros_like(d))


def test_recipe_and_bad_parameters():
    assert adv.make("freelb", eps=0.3, steps=2, lr=0.1).recipe() == \
        "freelb(eps=0.3,steps=2,lr=0.1)"
    assert adv.make("none").recipe() == "none"
    with pytest.raises(UsageError, match="did you mean 'freelb'"):
        adv.make("freelbb")
    with pytest.raises(UsageError, match="--adv-eps"):
        adv.make("fgm", eps=-1)
    with pytest.raises(UsageError, match="--adv-steps"):
        adv.make("pgd", steps=0)


def test_r3f_kl_leaves_qa_padding_out():
    """Logits at padded positions do not change the KL of QA's position distributions."""
    from types import SimpleNamespace

    gen = torch.Generator().manual_seed(0)
    start, end = torch.randn(2, 6, generator=gen), torch.randn(2, 6, generator=gen)
    mask = torch.tensor([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]])
    clean = adv.logits_of(SimpleNamespace(start_logits=start, end_logits=end))
    noisy = adv.logits_of(SimpleNamespace(start_logits=start + 0.1 * start ** 2,
                                          end_logits=end.flip(-1)))
    base = adv.sym_kl(clean, noisy, {"attention_mask": mask})
    moved = [(t.clone(), pos) for t, pos in noisy]
    for t, _ in moved:
        t[0, 4:] += 50.0  # padding of the first example
    assert float(base) > 0
    assert torch.allclose(adv.sym_kl(clean, moved, {"attention_mask": mask}), base)
    assert not torch.allclose(adv.sym_kl(clean, moved, {}), base)  # without the mask it would
