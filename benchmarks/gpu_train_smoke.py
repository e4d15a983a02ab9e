"""Smoke-time `robustx train` on one GPU: steps/s and peak memory per method, offline.

Builds a randomly initialised XLM-R (``--size large``: XLM-R large's shape and vocabulary,
about 560M parameters) around the test tokenizer, so nothing is downloaded; throughput and
memory depend on the shape, batch and length, not on the weights. Each method trains for
``--steps`` optimiser steps on synthetic XNLI-style pairs padded to about ``--length`` tokens,
through ``robustx.api.train`` (the CLI's code path). Prints one row per method and, from the
measured steps/s, the projected GPU hours of the full recipe of docs/experiment.md.

    python benchmarks/gpu_train_smoke.py                  # the GPU smoke run (< 10 min on an H100)
    python benchmarks/gpu_train_smoke.py --size tiny --steps 4 --methods none,freelb  # CPU check
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHAPES = {  # hidden, layers, heads, intermediate, vocabulary
    "large": (1024, 24, 16, 4096, 250002),
    "base": (768, 12, 12, 3072, 250002),
    "tiny": (32, 2, 2, 64, None),  # None: the test tokenizer's vocabulary
}
# Training-set sizes of the full recipe's stages (GLUE MNLI and SQuAD v1.1 train splits).
FULL_RECIPE = {"mnli": 392702, "squad": 87599}
FULL_EPOCHS = 3


def build_base(out: Path, size: str) -> Path:
    import torch
    from transformers import AutoTokenizer, XLMRobertaConfig, XLMRobertaModel

    tok = AutoTokenizer.from_pretrained(ROOT / "tests" / "fixtures" / "tokenizer")
    hidden, layers, heads, inter, vocab = SHAPES[size]
    config = XLMRobertaConfig(
        vocab_size=vocab or len(tok), hidden_size=hidden, num_hidden_layers=layers,
        num_attention_heads=heads, intermediate_size=inter, max_position_embeddings=514,
        pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id)
    torch.manual_seed(0)
    XLMRobertaModel(config).save_pretrained(out)
    tok.save_pretrained(out)
    return out


def write_data(path: Path, n: int, length: int) -> Path:
    """``n`` pairs in the XNLI columns, each about ``length`` tokens long."""
    rng = random.Random(0)
    words = "the man woman child dog city house river train walks sees reads old new".split()
    labels = ("entailment", "neutral", "contradiction")
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            a = " ".join(rng.choices(words, k=length // 2))
            b = " ".join(rng.choices(words, k=length // 3))
            fh.write(json.dumps({"sentence1": a, "sentence2": b, "gold_label": labels[i % 3]})
                     + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", choices=sorted(SHAPES), default="large")
    p.add_argument("--methods", default="none,fgm,freelb,r3f")
    p.add_argument("--steps", type=int, default=60, help="optimiser steps per method")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--length", type=int, default=128)
    args = p.parse_args(argv)

    import torch

    from robustx import api

    cuda = torch.cuda.is_available()
    device = torch.cuda.get_device_name(0) if cuda else "cpu"
    print(f"# robustx train smoke: XLM-R {args.size}, batch {args.batch_size}, "
          f"~{args.length} tokens, {args.steps} steps, device {device}, "
          f"{time.strftime('%Y-%m-%d', time.gmtime())}")
    print(f"{'method':<8} {'steps/s':>8} {'examples/s':>11} {'peak GiB':>9} "
          f"{'full-recipe GPU h':>18}")
    with tempfile.TemporaryDirectory() as tmp:
        base = build_base(Path(tmp) / "base", args.size)
        data = write_data(Path(tmp) / "en.jsonl", args.steps * args.batch_size, args.length)
        for method in args.methods.split(","):
            if cuda:
                torch.cuda.reset_peak_memory_stats()
            doc = api.train(base, "xnli", data, Path(tmp) / method, adversarial=method,
                            epochs=1, lr=1e-5, batch_size=args.batch_size,
                            max_length=args.length + 8, device="cuda" if cuda else "cpu",
                            precision="auto", force=True)
            last = doc["stages"][-1]["log"][-1]
            rate = float(last["train_steps_per_second"])
            peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else float("nan")
            full = sum(FULL_RECIPE.values()) * FULL_EPOCHS / args.batch_size / rate / 3600
            print(f"{method:<8} {rate:>8.2f} {rate * args.batch_size:>11.1f} {peak:>9.1f} "
                  f"{full:>18.1f}")
    print(f"# full recipe: {' + '.join(f'{k} {v}' for k, v in FULL_RECIPE.items())} examples x "
          f"{FULL_EPOCHS} epochs at this batch and length, one GPU; the target stage and "
          "evaluation come on top")
    return 0


if __name__ == "__main__":
    sys.exit(main())
