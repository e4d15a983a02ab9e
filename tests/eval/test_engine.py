"""The engine: token-budget batching, padding, precision/device choice, two-process gloo run."""

from __future__ import annotations

import os
import pickle
import socket

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, world: int, port: int, ckpt: str, out_dir: str) -> None:
    os.environ.update({"RANK": str(rank), "WORLD_SIZE": str(world), "LOCAL_RANK": str(rank),
                       "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    import torch.distributed as dist

    from robustx.eval.checkpoint import load
    from robustx.eval.heads import qa

    from .helpers import QA_ROWS, make_split

    model, tok, _ = load(ckpt, "qa")
    cfg = engine.EngineConfig(device="cpu", batch_tokens=256, precision="fp32", progress=False)
    preds, _ = qa.predict(model, tok, make_split("qa", QA_ROWS * 3, "xquad"), cfg)
    with open(os.path.join(out_dir, f"rank{rank}.pkl"), "wb") as fh:
        pickle.dump((engine.is_main_process(), preds), fh)
    dist.destroy_process_group()


def test_two_process_gloo_matches_one_process(tiny_checkpoints, tmp_path):
    import torch.multiprocessing as mp

    from robustx.eval.checkpoint import load
    from robustx.eval.heads import qa

    from .helpers import QA_ROWS, make_split

    mp.spawn(_worker, args=(2, _free_port(), str(tiny_checkpoints["qa"]), str(tmp_path)),
             nprocs=2, join=True)
    model, tok, _ = load(tiny_checkpoints["qa"], "qa")
    cfg = engine.EngineConfig(device="cpu", batch_tokens=256, precision="fp32", progress=False)
    single, _ = qa.predict(model, tok, make_split("qa", QA_ROWS * 3, "xquad"), cfg)
    for rank in (0, 1):
        with open(tmp_path / f"rank{rank}.pkl", "rb") as fh:
            main, preds = pickle.load(fh)
        assert main == (rank == 0)
        assert preds == single
