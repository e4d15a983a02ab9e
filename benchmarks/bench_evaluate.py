"""Benchmark: robustx's engine vs a transformers pipeline vs XTREME-style fixed-length padding.

Same random-weight XLM-R-like classifier, same mixed-length multilingual sentence pairs, same
precision, four ways of running it:

1. robustx: length-sorted batches under a token budget, dynamic padding, inference_mode;
2. ``transformers.pipeline("text-classification")``, default (batch_size=1) and batch_size=32;
3. a loop like XTREME's reference scripts (``run_classify.py``): every input padded to
   max_seq_length 128, fixed batch size 32, in data order, under ``torch.no_grad``; on a GPU
   with ``--precision bf16/fp16`` the same loop also runs in fp32 (XTREME's own precision) and
   speed-ups are reported against both.

Methods run in interleaved rounds (``--repeats``) and each keeps its fastest round, which is
the most stable estimate on a shared machine. Prints examples/s, input tokens/s, the speed-up
of robustx over each method and the share of predictions that agree with robustx. At the same
precision the pipeline must agree on every example (it sees the same untruncated inputs): the
script exits with status 1 otherwise. Fixed padding truncates at 128 tokens, so its
predictions may legitimately differ on longer pairs.

CPU-sized defaults; for an XLM-R-large-sized model on an XNLI-sized split on a GPU:
``--size large --device cuda --precision bf16 --n 75150 --skip-unbatched --repeats 1``.
Not a test: ``python benchmarks/bench_evaluate.py``.
"""

from __future__ import annotations

import argparse
import datetime
import platform
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
FIXED_LEN, FIXED_BATCH = 128, 32
# --methods keys: robustx, the pipeline at batch 1 and 32, the fixed-padding loop at the run's
# precision and in fp32 (the reference scripts' own)
METHODS = ("robustx", "pipeline", "pipeline32", "fixed", "fixed-fp32")


def make_data(n: int, seed: int):
    """Sentence pairs with a long-tailed length distribution over six scripts."""
    import datasets
    import numpy as np

    rng = np.random.default_rng(seed)
    langs = list(WORDS)
    vocab = {lang: WORDS[lang].split() for lang in langs}
    rows = []
    for _ in range(n):
        words = vocab[langs[rng.integers(len(langs))]]
        n1 = int(min(120, 3 + rng.lognormal(2.3, 0.7)))
        n2 = int(min(40, 2 + rng.lognormal(1.5, 0.5)))
        rows.append({"sentence1": " ".join(rng.choice(words, n1)),
                     "sentence2": " ".join(rng.choice(words, n2)),
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


def _autocast(device, dtype):
    import torch

    return torch.autocast(device.type, dtype=dtype or torch.float32, enabled=dtype is not None)


def _sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def bench_robustx(model, tok, split, args, device, dtype):
    from robustx.eval.engine import EngineConfig
    from robustx.eval.heads import classify

    cfg = EngineConfig(device=str(device), batch_tokens=args.batch_tokens,
                       precision=args.precision, progress=False)
    _sync(device)
    t0 = time.perf_counter()
    preds, _ = classify.predict(model, tok, split, cfg)
    _sync(device)
    return preds, time.perf_counter() - t0


def bench_pipeline(model, tok, split, args, device, dtype, batch_size: int | None):
    from transformers import pipeline

    pipe = pipeline("text-classification", model=model, tokenizer=tok,
                    device=device.index if device.type == "cuda" else -1)
    inputs = [{"text": a, "text_pair": b} for a, b in
              zip(split.dataset["sentence1"], split.dataset["sentence2"], strict=True)]
    kw = {"batch_size": batch_size} if batch_size else {}
    _sync(device)
    t0 = time.perf_counter()
    with _autocast(device, dtype):  # the same precision as robustx
        out = pipe(inputs, truncation=True, max_length=512, **kw)
    _sync(device)
    return [o["label"] if isinstance(o, dict) else o[0]["label"] for o in out], \
        time.perf_counter() - t0


def bench_fixed(model, tok, split, args, device, dtype):
    """XTREME's reference evaluation: pad everything to max_seq_length, fixed batches."""
    import torch

    model.to(device).eval()
    a, b = list(split.dataset["sentence1"]), list(split.dataset["sentence2"])
    preds = []
    _sync(device)
    t0 = time.perf_counter()
    for i in range(0, len(a), FIXED_BATCH):
        enc = tok(a[i:i + FIXED_BATCH], b[i:i + FIXED_BATCH], truncation=True,
                  max_length=FIXED_LEN, padding="max_length", return_tensors="pt").to(device)
        with torch.no_grad(), _autocast(device, dtype):
            logits = model(**enc).logits
        preds += [model.config.id2label[int(j)] for j in logits.argmax(-1).tolist()]
    _sync(device)
    return preds, time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=SIZES, default="small")
    p.add_argument("--n", type=int, default=400, help="examples (75150 for an XNLI-sized split)")
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--precision", default="fp32", choices=("auto", "fp32", "bf16", "fp16"))
    p.add_argument("--batch-tokens", type=int, default=None,
                   help="robustx token budget (default: the engine's, 16384)")
    p.add_argument("--repeats", type=int, default=3,
                   help="interleaved rounds; each method keeps its fastest (default 3)")
    p.add_argument("--skip-unbatched", action="store_true",
                   help="skip the slow default pipeline (batch_size=1)")
    p.add_argument("--methods", default=",".join(METHODS),
                   help=f"comma-separated subset of {', '.join(METHODS)} (default: all; "
                   "fixed-fp32 runs only with --precision bf16/fp16)")
    p.add_argument("--tokenizer", type=Path,
                   default=ROOT / "tests/fixtures/tokenizer",
                   help="a fast tokenizer dir (default: the tiny test tokenizer)")
    args = p.parse_args()
    wanted = set(args.methods.split(","))
    if wanted - set(METHODS) or "robustx" not in wanted:
        p.error(f"--methods: a subset of {', '.join(METHODS)} that includes robustx")

    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from robustx.eval.engine import EngineConfig, resolve_device, resolve_precision
    from robustx.tasks import get_task
    from robustx.tasks.split import Split

    device = resolve_device(args.device)
    prec, dtype = resolve_precision(args.precision, device)
    args.precision = prec
    if args.batch_tokens is None:
        args.batch_tokens = EngineConfig().batch_tokens
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = build_checkpoint(args.size, Path(tmp) / "ckpt", args.tokenizer)
        model = AutoModelForSequenceClassification.from_pretrained(ckpt).eval()
        tok = AutoTokenizer.from_pretrained(ckpt)
    ds = make_data(args.n, seed=0)
    fields = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "gold_label"}
    split = Split(get_task("xnli"), "pair", "mixed", ds, fields, None, "bench", "bench", "memory")
    warm = Split(get_task("xnli"), "pair", "mixed", ds.select(range(min(64, args.n))), fields,
                 None, "bench", "bench", "memory")
    lens = [len(x) for x in tok(list(ds["sentence1"]), list(ds["sentence2"]), truncation=True,
                                max_length=512)["input_ids"]]
    tokens = {"full": sum(lens), "fixed": sum(min(n, FIXED_LEN) for n in lens)}
    if device.type == "cpu":
        where = f"{torch.get_num_threads()}-thread CPU ({platform.processor() or platform.machine()})"
    else:
        where = torch.cuda.get_device_name(device)
    print(f"{datetime.date.today()} {where}, torch {torch.__version__}; {args.size} model, "
          f"{prec}, robustx --batch-tokens {args.batch_tokens}")
    print(f"{args.n} pairs; tokens per pair min {min(lens)} median "
          f"{sorted(lens)[len(lens) // 2]} max {max(lens)}; best of {args.repeats} rounds")

    methods = {"robustx engine": lambda s, d: bench_robustx(model, tok, s, args, device, d)}
    if "pipeline" not in wanted or args.skip_unbatched:
        pass
    elif args.n > 20000:
        print("(skipping the default pipeline, one example per forward pass, above 20,000 "
              "examples)")
    else:
        methods["pipeline (default)"] = \
            lambda s, d: bench_pipeline(model, tok, s, args, device, d, None)
    if "pipeline32" in wanted:
        methods["pipeline batch_size=32"] = \
            lambda s, d: bench_pipeline(model, tok, s, args, device, d, 32)
    if "fixed" in wanted:
        methods[f"fixed pad {FIXED_LEN}, batch {FIXED_BATCH}"] = \
            lambda s, d: bench_fixed(model, tok, s, args, device, d)
    reference = None
    if dtype is not None and "fixed-fp32" in wanted:  # the reference scripts' own precision
        reference = f"fixed pad {FIXED_LEN}, fp32"
        methods[reference] = lambda s, d: bench_fixed(model, tok, s, args, device, None)

    best: dict[str, tuple[list, float]] = {}
    peak: dict[str, float] = {}  # MiB of GPU memory allocated at most, per method
    for name, fn in methods.items():  # warm-up: kernels, allocator, tokenizer caches
        fn(warm, None if name == reference else dtype)
    for _ in range(max(1, args.repeats)):
        for name, fn in methods.items():
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
            preds, secs = fn(split, None if name == reference else dtype)
            if device.type == "cuda":
                peak[name] = max(peak.get(name, 0.0),
                                 torch.cuda.max_memory_allocated(device) / 2**20)
            if name not in best or secs < best[name][1]:
                best[name] = (preds, secs)

    ref_preds, t_ref = best["robustx engine"]
    fp32_ref = best[reference][1] if reference else None
    head = f"{'method':<26}{'ex/s':>10}{'tokens/s':>11}{'robustx speed-up':>18}{'agreement':>11}"
    print(head + (f"{'vs fp32 loop':>14}" if reference else "") + f"{'peak MiB':>10}")
    failed = []
    for name, (preds, secs) in best.items():
        agree = sum(a == b for a, b in zip(preds, ref_preds, strict=True)) / len(ref_preds)
        n_tok = tokens["fixed" if name.startswith("fixed") else "full"]
        line = (f"{name:<26}{args.n / secs:>10.1f}{n_tok / secs:>11.0f}{secs / t_ref:>17.2f}x"
                f"{100 * agree:>10.1f}%")
        if reference:
            line += f"{fp32_ref / secs:>13.2f}x"
        line += f"{peak[name]:>10.0f}" if name in peak else f"{'-':>10}"  # GPU only
        print(line)
        if name.startswith("pipeline") and agree < 1.0 and dtype is None:
            failed.append(name)
    print(f"(fixed padding truncates at {FIXED_LEN} tokens, so its predictions may legitimately "
          "differ)")
    if failed:
        print(f"DISAGREEMENT: {', '.join(failed)} predicted differently from robustx at the same "
              "precision", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
