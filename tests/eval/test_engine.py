"""The engine: token-budget batching, padding, precision/device choice, two-process gloo run."""

from __future__ import annotations

import os
import pickle
import socket

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from robustx.errors import UsageError
from robustx.eval import engine


@given(st.lists(st.integers(1, 50), max_size=60), st.integers(1, 200))
def test_make_batches_cover_everything_within_budget(lengths, budget):
    batches = engine.make_batches(lengths, budget)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths)))
    for b in batches:
        width = max(lengths[i] for i in b)
        assert len(b) == 1 or width * len(b) <= budget


def test_make_batches_expected():
    assert engine.make_batches([3, 5, 2, 5], 10) == [[1, 3], [0, 2]]
    assert engine.make_batches([30], 10) == [[0]]        # a lone long row still runs
    assert engine.make_batches([], 10) == []
    # filling to the budget would pad the 2s up to 9; one more batch is cheaper
    assert engine.make_batches([9, 9, 2, 2, 2, 2], 60, overhead=5) == [[0, 1], [2, 3, 4, 5]]
    # with a large per-batch cost, the padding is worth it
    assert engine.make_batches([9, 9, 2, 2, 2, 2], 60, overhead=100) == [[0, 1, 2, 3, 4, 5]]


def _cost(batches, lengths, overhead):
    return sum(overhead + max(lengths[i] for i in b) * len(b) for b in batches)


def _best_cost(lengths, budget, overhead):
    """Brute force over every cut of the sorted lengths into consecutive batches."""
    import itertools

    w = sorted(lengths, reverse=True)
    best = None
    for cuts in itertools.product([0, 1], repeat=max(0, len(w) - 1)):
        bounds = [0] + [i + 1 for i, c in enumerate(cuts) if c] + [len(w)]
        parts = [w[a:b] for a, b in itertools.pairwise(bounds)]
        if all(len(p) == 1 or p[0] * len(p) <= budget for p in parts):
            c = sum(overhead + p[0] * len(p) for p in parts)
            best = c if best is None else min(best, c)
    return best


@given(st.lists(st.integers(1, 30), min_size=1, max_size=9), st.integers(1, 80),
       st.integers(0, 40))
def test_make_batches_is_optimal(lengths, budget, overhead):
    batches = engine.make_batches(lengths, budget, overhead)
    assert _cost(batches, lengths, overhead) == _best_cost(lengths, budget, overhead)


def test_pad_batch():
    import torch

    out = engine.pad_batch([{"input_ids": [5, 6, 7]}, {"input_ids": [8]}], pad_id=1,
                           device=torch.device("cpu"))
    assert out["input_ids"].tolist() == [[5, 6, 7], [8, 1, 1]]
    assert out["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]


def test_precision_and_device():
    import torch

    cpu = torch.device("cpu")
    assert engine.resolve_precision("auto", cpu) == ("fp32", None)
    assert engine.resolve_precision("bf16", cpu) == ("bf16", torch.bfloat16)
    with pytest.raises(UsageError):
        engine.resolve_precision("fp16", cpu)
    with pytest.raises(UsageError):
        engine.resolve_precision("int3", cpu)
    with pytest.raises(UsageError):
        engine.resolve_device("tpu")
    if not torch.cuda.is_available():
        assert engine.resolve_device("auto").type == "cpu"
        with pytest.raises(UsageError):
            engine.resolve_device("cuda")


def test_results_come_back_in_input_order(tiny_checkpoints):
    from robustx.eval.checkpoint import load
    from robustx.eval.heads import classify

    from .helpers import PAIR_ROWS, make_split

    model, tok, _ = load(tiny_checkpoints["pair"], "pair")
    feats = classify.encode(tok, make_split("pair", PAIR_ROWS, "xnli"), 32)
    cfg = engine.EngineConfig(device="cpu", batch_tokens=64, precision="fp32", progress=False)
    seen = []

    def collect(outputs, mask):
        seen.append(mask.shape)
        return mask.sum(dim=1).tolist()

    lengths = engine.run(model, feats, collect, pad_id=tok.pad_token_id, config=cfg)
    assert lengths == [len(f["input_ids"]) for f in feats]
    assert all(r * c <= 64 or r == 1 for r, c in seen)


class _OOMOverBudget:
    """A model that fails like a GPU out of memory above ``limit`` padded tokens."""

    def __init__(self, model, limit: int) -> None:
        self.model, self.limit, self.sizes = model, limit, []

    def to(self, device):
        return self

    def eval(self):
        return self

    def __call__(self, **inputs):
        import torch

        size = inputs["input_ids"].numel()
        self.sizes.append(size)
        if size > self.limit:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
        return self.model(**inputs)


def test_out_of_memory_backs_off_and_keeps_order(tiny_checkpoints):
    from robustx.errors import ResourceError
    from robustx.eval.checkpoint import load
    from robustx.eval.heads import classify

    from .helpers import PAIR_ROWS, make_split

    model, tok, _ = load(tiny_checkpoints["pair"], "pair")
    feats = classify.encode(tok, make_split("pair", PAIR_ROWS * 5, "xnli"), 32)
    cfg = engine.EngineConfig(device="cpu", batch_tokens=4096, precision="fp32", progress=False)
    ref = engine.run(model, feats, classify.collect, pad_id=tok.pad_token_id, config=cfg)
    flaky = _OOMOverBudget(model, limit=70)
    got = engine.run(flaky, feats, classify.collect, pad_id=tok.pad_token_id, config=cfg)
    for a, b in zip(ref, got, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert flaky.sizes[0] > 70 and flaky.sizes[-1] <= 70             # it backed off
    with pytest.raises(ResourceError, match="single example"):
        engine.run(_OOMOverBudget(model, limit=5), feats, classify.collect,
                   pad_id=tok.pad_token_id, config=cfg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, world: int, port: int, ckpt: str, data: str, out_dir: str) -> None:
    os.environ.update({"RANK": str(rank), "WORLD_SIZE": str(world), "LOCAL_RANK": str(rank),
                       "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    import torch.distributed as dist

    from robustx.eval import run as R

    # twice: a miss on every rank, then (rank 0 wrote the cache) a hit on every rank
    docs = [R.evaluate(ckpt, "xquad", data=data, device="cpu", batch_tokens=256,
                       progress=False, cache_dir=os.path.join(out_dir, "cache"),
                       return_predictions=True) for _ in range(2)]
    with open(os.path.join(out_dir, f"rank{rank}.pkl"), "wb") as fh:
        pickle.dump((engine.is_main_process(), [d["predictions"] for d in docs]), fh)
    dist.destroy_process_group()


def test_two_process_gloo_matches_one_process(tiny_checkpoints, tmp_path):
    """Two CPU processes (gloo), each scoring half the windows, give every rank the same
    predictions as one process; the cache written by rank 0 is then used by both ranks."""
    import torch.multiprocessing as mp

    from robustx.eval import run as R

    from .helpers import QA_ROWS, write_jsonl

    data = write_jsonl(tmp_path / "xquad" / "en.jsonl", QA_ROWS * 3)
    mp.spawn(_worker, args=(2, _free_port(), str(tiny_checkpoints["qa"]), str(data),
                            str(tmp_path)), nprocs=2, join=True)
    single = R.evaluate(tiny_checkpoints["qa"], "xquad", data=data, device="cpu",
                        progress=False, cache=False, return_predictions=True)["predictions"]
    assert len(list((tmp_path / "cache" / "predictions").glob("*.json"))) == 1
    for rank in (0, 1):
        with open(tmp_path / f"rank{rank}.pkl", "rb") as fh:
            main, preds = pickle.load(fh)
        assert main == (rank == 0)
        assert preds == [single, single]
