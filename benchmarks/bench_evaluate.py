"""Benchmark: robustx's engine vs a transformers pipeline vs XTREME-style fixed-length padding.

Same random-weight XLM-R-like classifier, same mixed-length multilingual sentence pairs, three
ways of running it:

1. robustx: length-sorted batches under a token budget, dynamic padding, inference_mode;
2. ``transformers.pipeline("text-classification")``, default (batch_size=1) and batch_size=32;
3. a loop like XTREME's reference scripts: every input padded to max_seq_length 128, fixed
   batch size, in data order.

Prints examples/s, the speed-up of robustx over each, and prediction agreement with robustx.
CPU-sized defaults; ``--size large --device cuda --precision bf16`` for an XLM-R-large-sized
config on a GPU. Not a test: ``python benchmarks/bench_evaluate.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(ROOT))

SIZES = {  # hidden, layers, heads, intermediate
    "tiny": (64, 2, 2, 256),
    "small": (256, 4, 4, 1024),
    "base": (768, 12, 12, 3072),
    "large": (1024, 24, 16, 4096),
}
WORDS = {
    "en": "the quick brown fox jumps over a lazy dog near river bank while children sing",
    "de": "der schnelle braune Fuchs springt über den faulen Hund am Fluss und Kinder singen",
    "ru": "быстрая коричневая лиса прыгает через ленивую собаку у реки пока дети поют",
    "ar": "الثعلب البني السريع يقفز فوق الكلب الكسول بجانب النهر بينما يغني الأطفال",
    "hi": "तेज़ भूरी लोमड़ी नदी के किनारे आलसी कुत्ते के ऊपर कूदती है और बच्चे गाते हैं",
    "zh": "敏捷 的 棕色 狐狸 跳过 了 河边 那只 懒惰 的 狗 孩子们 在 唱歌",
}


def make_data(n: int, seed: int):
    """Sentence pairs with a long-tailed length distribution over six scripts."""
    import datasets
    import numpy as np

    rng = np.random.default_rng(seed)
    langs = list(WORDS)
    rows = []
    for _ in range(n):
        vocab = WORDS[langs[rng.integers(len(langs))]].split()
        n1 = int(min(120, 3 + rng.lognormal(2.3, 0.7)))
        n2 = int(min(40, 2 + rng.lognormal(1.5, 0.5)))
        rows.append({"sentence1": " ".join(rng.choice(vocab, n1)),
                     "sentence2": " ".join(rng.choice(vocab, n2)),
                     "gold_label": "neutral"})
    return datasets.Dataset.from_list(rows)


def build_checkpoint(size: str, out: Path, tokenizer_dir: Path) -> Path:
    import torch
    from transformers import AutoTokenizer, XLMRobertaConfig, XLMRobertaForSequenceClassification

    hidden, layers, heads, inter = SIZES[size]
    tok = AutoTokenizer.from_pretrained(tokenizer_dir)
    torch.manual_seed(0)
    labels = ("entailment", "neutral", "contradiction")
    cfg = XLMRobertaConfig(
        vocab_size=len(tok), hidden_size=hidden, num_hidden_layers=layers,
        num_attention_heads=heads, intermediate_size=inter, max_position_embeddings=514,
        pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
        id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)},
    )
    XLMRobertaForSequenceClassification(cfg).eval().save_pretrained(out)
    tok.save_pretrained(out)
    return out


def bench_robustx(model, tok, split, args):
    from robustx.eval.engine import EngineConfig
    from robustx.eval.heads import classify

    cfg = EngineConfig(device=args.device, batch_tokens=args.batch_tokens,
                       precision=args.precision, progress=False)
    t0 = time.perf_counter()
    preds, _ = classify.predict(model, tok, split, cfg)
    return preds, time.perf_counter() - t0


def bench_pipeline(model, tok, split, args, batch_size: int | None):
    from transformers import pipeline

    device = 0 if args.device.startswith("cuda") else -1
    pipe = pipeline("text-classification", model=model, tokenizer=tok, device=device)
    inputs = [{"text": a, "text_pair": b} for a, b in
              zip(split.dataset["sentence1"], split.dataset["sentence2"], strict=True)]
    kw = {"batch_size": batch_size} if batch_size else {}
    t0 = time.perf_counter()
    out = pipe(inputs, truncation=True, max_length=512, **kw)
    return [o["label"] if isinstance(o, dict) else o[0]["label"] for o in out], \
        time.perf_counter() - t0


def bench_fixed(model, tok, split, args, max_len: int = 128, batch_size: int = 32):
    """XTREME's reference evaluation: pad everything to max_seq_length, fixed batches."""
    import torch

    from robustx.eval.engine import resolve_device, resolve_precision

    device = resolve_device(args.device)
    _, dtype = resolve_precision(args.precision, device)
    model.to(device).eval()
    a, b = list(split.dataset["sentence1"]), list(split.dataset["sentence2"])
    preds = []
    t0 = time.perf_counter()
    for i in range(0, len(a), batch_size):
        enc = tok(a[i:i + batch_size], b[i:i + batch_size], truncation=True,
                  max_length=max_len, padding="max_length", return_tensors="pt").to(device)
        with torch.no_grad(), torch.autocast(device.type, dtype=dtype or torch.float32,
                                             enabled=dtype is not None):
            logits = model(**enc).logits
        preds += [model.config.id2label[int(j)] for j in logits.argmax(-1)]
    if device.type == "cuda":
        torch.cuda.synchronize()
    return preds, time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=SIZES, default="small")
    p.add_argument("--n", type=int, default=400, help="examples")
    p.add_argument("--device", default="cpu")
    p.add_argument("--precision", default="fp32", choices=("auto", "fp32", "bf16", "fp16"))
    p.add_argument("--batch-tokens", type=int, default=16384)
    p.add_argument("--skip-unbatched", action="store_true",
                   help="skip the slow default pipeline (batch_size=1)")
    p.add_argument("--tokenizer", type=Path,
                   default=ROOT / "tests/fixtures/tokenizer",
                   help="a fast tokenizer dir (default: the tiny test tokenizer)")
    args = p.parse_args()

    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from robustx.tasks import get_task
    from robustx.tasks.loaders import Split

    with tempfile.TemporaryDirectory() as tmp:
        ckpt = build_checkpoint(args.size, Path(tmp) / "ckpt", args.tokenizer)
        model = AutoModelForSequenceClassification.from_pretrained(ckpt)
        tok = AutoTokenizer.from_pretrained(ckpt)
    ds = make_data(args.n, seed=0)
    split = Split(get_task("xnli"), "pair", "mixed", ds,
                  {"sentence1": "sentence1", "sentence2": "sentence2", "label": "gold_label"},
                  None, "bench", "bench", "memory")
    lens = [len(x) for x in tok(list(ds["sentence1"]), list(ds["sentence2"]))["input_ids"]]
    print(f"{args.n} pairs, {args.size} model, {args.device}/{args.precision}; tokens per pair "
          f"min {min(lens)} median {sorted(lens)[len(lens) // 2]} max {max(lens)}")

    bench_robustx(model, tok, split, args)  # warm-up
    ref, t_ref = bench_robustx(model, tok, split, args)
    runs = [("robustx engine", ref, t_ref)]
    if not args.skip_unbatched:
        runs.append(("pipeline (default)", *bench_pipeline(model, tok, split, args, None)))
    runs.append(("pipeline batch_size=32", *bench_pipeline(model, tok, split, args, 32)))
    runs.append(("fixed pad 128, batch 32", *bench_fixed(model, tok, split, args)))
    print(f"{'method':<26}{'ex/s':>10}{'robustx speed-up':>18}{'agreement':>11}")
    for name, preds, secs in runs:
        agree = sum(a == b for a, b in zip(preds, ref, strict=True)) / len(ref)
        print(f"{name:<26}{args.n / secs:>10.1f}{secs / t_ref:>17.2f}x{100 * agree:>10.1f}%")
    print("(fixed padding truncates at 128 tokens, so its predictions may legitimately differ)")


if __name__ == "__main__":
    main()
