"""Train two tiny XLM-R pair classifiers on a synthetic multilingual NLI-style task.

One is trained on clean text ("standard", every example twice), the other on the same data plus
copies corrupted with robustx's ``typo`` profile ("noise-augmented"), so both take the same
number of optimisation steps. Both are saved with safetensors, next to a held-out
test set in the google/xtreme XNLI columns, ready for::

    python examples/train_demo.py --out demo
    robustx compare demo/standard demo/noise-augmented --task xnli --data demo/test \\
        --severity 1-5 --out demo/report

The task is deliberately simple so that it trains in about a minute on a CPU: the label is given
by a cue word in the hypothesis (``certainly`` / ``perhaps`` / ``never`` and their German, Spanish
and French counterparts), among random filler words. Keyboard typos in the cue word are exactly
what a clean-trained model has never seen. ``--tiny`` shrinks everything for tests (about ten seconds; the models still learn the task).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

LABELS = ("entailment", "neutral", "contradiction")
CUES = {  # label -> cue words per language
    "en": (("certainly", "indeed", "surely"), ("perhaps", "maybe", "possibly"),
           ("never", "not", "nobody")),
    "de": (("sicherlich", "tatsächlich", "gewiss"), ("vielleicht", "eventuell", "womöglich"),
           ("niemals", "nicht", "keiner")),
    "es": (("ciertamente", "efectivamente", "seguramente"), ("quizás", "posiblemente", "acaso"),
           ("nunca", "jamás", "nadie")),
    "fr": (("certainement", "effectivement", "sûrement"), ("peut-être", "possiblement",
                                                          "probablement"),
           ("jamais", "personne", "aucun")),
}
FILLER = {
    "en": "the man woman child dog city house river train walks sees reads builds old new big "
          "small green quickly today near over".split(),
    "de": "der die das Mann Frau Kind Hund Stadt Haus Fluss Zug geht sieht liest baut alt neu "
          "groß klein grün schnell heute".split(),
    "es": "el la un hombre mujer niño perro ciudad casa río tren camina ve lee construye viejo "
          "nuevo grande pequeño verde rápido hoy".split(),
    "fr": "le la un homme femme enfant chien ville maison rivière train marche voit lit "
          "construit vieux nouveau grand petit vert vite aujourd'hui".split(),
}


def make_rows(lang: str, n: int, rng: random.Random) -> list[dict]:
    """``n`` examples in the XNLI columns; the hypothesis carries one cue word."""
    rows = []
    for i in range(n):
        label = i % 3
        premise = " ".join(rng.choices(FILLER[lang], k=rng.randint(5, 9))) + "."
        words = rng.choices(FILLER[lang], k=rng.randint(3, 6))
        words.insert(rng.randrange(len(words) + 1), rng.choice(CUES[lang][label]))
        rows.append({"sentence1": premise, "sentence2": " ".join(words) + ".",
                     "gold_label": LABELS[label]})
    return rows


def write_split(folder: Path, data: dict[str, list[dict]]) -> Path:
    """``folder/xnli/<lang>.jsonl``: the layout robustx reads and ``corrupt`` writes."""
    for lang, rows in data.items():
        path = folder / "xnli" / f"{lang}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    return folder


def read_split(folder: Path) -> list[dict]:
    return [json.loads(line) for path in sorted((folder / "xnli").glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def train_tokenizer(texts: list[str], out: Path):
    """A small Unigram tokenizer in XLM-R's format, trained on the demo text.

    The trainer is not reproducible: scores differ in the last digits from one run to the next
    and pieces with equal scores come out in hash-map order, which is enough to split a few
    noisy words differently. Rounded scores and a sorted vocabulary make the tokenizer, and so
    both models, the same on every run.
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    trainer = trainers.UnigramTrainer(vocab_size=500, unk_token="<unk>", special_tokens=specials)
    tok.train_from_iterator(texts, trainer)
    scores = {p: float(s) for p, s in json.loads(tok.to_str())["model"]["vocab"]}
    pieces = sorted(((p, round(s, 2)) for p, s in scores.items() if p not in specials),
                    key=lambda ps: (-ps[1], ps[0]))
    vocab = [(p, scores[p]) for p in specials] + pieces
    fast = xlmr_tokenizer(vocab)
    fast.save_pretrained(str(out))
    return fast


def xlmr_tokenizer(vocab: list[tuple[str, float]]):
    """An XLM-R tokenizer for a Unigram ``vocab`` (specials first), on transformers 4.x and 5.

    transformers 5 builds one from ``XLMRobertaTokenizer(vocab=...)``; 4.x has no such argument
    (its fast class converts a sentencepiece model file). Both accept a ready ``tokenizers``
    pipeline, so it is built here exactly as transformers 5 builds it (same files saved).
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import XLMRobertaTokenizerFast

    tok = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(),
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)])
    return XLMRobertaTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", sep_token="</s>",
        cls_token="<s>", unk_token="<unk>", pad_token="<pad>", mask_token="<mask>")


def say(text: str) -> None:
    """Progress on stderr, so the minute of training is not a minute of silence."""
    print(f"train_demo: {text}", file=sys.stderr, flush=True)


def train_model(rows: list[dict], tokenizer, out: Path, args: argparse.Namespace) -> None:
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification

    torch.manual_seed(args.seed)
    # One thread: for a model this small, intra-op parallelism costs more than it saves (up to
    # 7x slower on a busy 2-core machine), and a fixed thread count keeps float reductions, and
    # so the trained weights, the same whatever the machine's core count.
    torch.set_num_threads(1)
    config = XLMRobertaConfig(
        vocab_size=len(tokenizer), hidden_size=args.hidden, num_hidden_layers=2,
        num_attention_heads=2, intermediate_size=2 * args.hidden, max_position_embeddings=130,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, id2label=dict(enumerate(LABELS)),
        label2id={n: i for i, n in enumerate(LABELS)}, num_labels=len(LABELS),
    )
    model = seeded_init(XLMRobertaForSequenceClassification(config), args.seed)
    torch.manual_seed(args.seed)  # construction drew a version-dependent amount: same dropout
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    order = random.Random(args.seed)
    model.train()
    for epoch in range(args.epochs):
        say(f"training {out.name}: epoch {epoch + 1}/{args.epochs} ({len(rows)} pairs)")
        order.shuffle(rows)
        for start in range(0, len(rows), 32):
            batch = rows[start:start + 32]
            enc = tokenizer([r["sentence1"] for r in batch], [r["sentence2"] for r in batch],
                            padding=True, truncation=True, max_length=128, return_tensors="pt")
            labels = torch.tensor([LABELS.index(r["gold_label"]) for r in batch])
            loss = model(**enc, labels=labels).loss
            loss.backward()
            opt.step()
            opt.zero_grad()
    model.eval()
    model.save_pretrained(out)  # safetensors
    tokenizer.save_pretrained(out)


def seeded_init(model, seed: int):
    """XLM-R's initialisation (normal(0, initializer_range) weights, zero biases, unit norms),
    drawn here from its own generator, modules in the order of their names.

    transformers 4 and 5 draw their initial weights differently (and register the classifier
    and the encoder in different orders), so the same seed would give two different pairs of
    models, and different figures, on the two lines.
    """
    import torch

    gen = torch.Generator().manual_seed(seed)
    std = model.config.initializer_range
    with torch.no_grad():
        for _, module in sorted(model.named_modules(), key=lambda named: named[0]):
            if isinstance(module, (torch.nn.Linear, torch.nn.Embedding)):
                module.weight.copy_(torch.randn(module.weight.shape, generator=gen) * std)
            if isinstance(module, torch.nn.Embedding) and module.padding_idx is not None:
                module.weight[module.padding_idx].zero_()
            if isinstance(module, torch.nn.LayerNorm):
                module.weight.fill_(1.0)
            if isinstance(module, (torch.nn.Linear, torch.nn.LayerNorm)) \
                    and module.bias is not None:
                module.bias.zero_()
    return model


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--tiny", action="store_true", help="a few seconds instead of a minute")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--severity", type=int, default=4, help="typo severity of the training copies")
    args = p.parse_args(argv)
    args.per_lang, args.epochs = (200, 4) if args.tiny else (400, 3)
    args.hidden, args.lr = (64, 1e-3) if args.tiny else (64, 5e-4)

    from robustx import api

    out = Path(args.out)
    rng = random.Random(args.seed)
    train = {lang: make_rows(lang, args.per_lang, rng) for lang in CUES}
    test = {lang: make_rows(lang, max(30, args.per_lang // 4), rng) for lang in CUES}
    write_split(out / "test", test)
    say(f"typo copies of the training data (severity {args.severity})")
    with tempfile.TemporaryDirectory() as tmp:
        clean_dir = write_split(Path(tmp) / "clean", train)
        api.corrupt("typo", Path(tmp) / "noisy", task="xnli", input=clean_dir,
                            severity=args.severity, seed=args.seed + 1)
        noisy = read_split(Path(tmp) / "noisy")
    clean = [r for rows in train.values() for r in rows]
    tokenizer = train_tokenizer([r["sentence1"] + " " + r["sentence2"]
                                 for r in clean + noisy] * 3, out / "tokenizer")
    # the same number of optimisation steps for both: the only difference is what they see
    train_model(clean + clean, tokenizer, out / "standard", args)
    train_model(clean + noisy, tokenizer, out / "noise-augmented", args)
    print(f"wrote {out / 'standard'}, {out / 'noise-augmented'} and test data {out / 'test'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
