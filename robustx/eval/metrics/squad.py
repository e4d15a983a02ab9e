"""SQuAD v1.1 exact match and token F1 with the official normalisation (XQuAD, TyDiQA-GoldP)."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from . import METRICS, Metric, ratio

Normalizer = Callable[[str], str]
_SQUAD_PUNCT = set(string.punctuation)


def squad_normalize(text: str) -> str:
    """Lower case, drop ASCII punctuation and English articles, collapse whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _SQUAD_PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def qa_exact(pred: str, golds: Sequence[str], norm: Normalizer = squad_normalize) -> float:
    """1.0 when the normalised prediction equals any normalised gold answer."""
    return float(max((norm(pred) == norm(g) for g in golds), default=False))


def _f1(pred_tokens: list[str], gold_tokens: list[str]) -> float:
    common = Counter(pred_tokens) & Counter(gold_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def qa_f1(pred: str, golds: Sequence[str], norm: Normalizer = squad_normalize) -> float:
    """Best token-overlap F1 (0-1) against the gold answers, after normalisation."""
    return max((_f1(norm(pred).split(), norm(g).split()) for g in golds), default=0.0)


def _answers(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(t) for t in value.get("text", [])]
    if isinstance(value, str):
        return [value]
    return [str(v["text"]) if isinstance(v, dict) else str(v) for v in value]


class Squad(Metric):
    """Mean exact match and F1 over questions; subclasses change only the normalisation."""

    name, primary = "squad", "f1"
    stats = ("exact_match", "f1")

    def normalizer(self, split) -> Normalizer:
        return squad_normalize

    def example_stats(self, preds, split):
        norm = self.normalizer(split)
        golds = [_answers(a) for a in split.dataset[split.fields["answers"]]]
        return {"exact_match": [qa_exact(p, g, norm) for p, g in zip(preds, golds, strict=True)],
                "f1": [qa_f1(p, g, norm) for p, g in zip(preds, golds, strict=True)]}

    def from_sums(self, sums, n):
        return {"exact_match": ratio(sums["exact_match"], n), "f1": ratio(sums["f1"], n)}


METRICS.add(Squad.name, Squad())
