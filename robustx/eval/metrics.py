"""XTREME metrics as pure functions; every score is a percentage (0-100) as XTREME reports.

- accuracy (XNLI, PAWS-X, UD-POS tokens, Tatoeba)
- entity-level F1 over BIO tags, counting chunks exactly like seqeval's default (conlleval) mode
- SQuAD v1.1 exact match / F1 with the official normalisation (XQuAD, TyDiQA-GoldP)
- MLQA's language-aware normalisation (Unicode punctuation, per-language articles, Chinese
  split per character) for MLQA
- BUCC F1 of margin-scored candidates at the F1-optimal threshold
"""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache


def accuracy(preds: Sequence, golds: Sequence) -> float:
    if len(preds) != len(golds):
        raise ValueError(f"{len(preds)} predictions for {len(golds)} gold labels")
    return 100.0 * sum(p == g for p, g in zip(preds, golds, strict=True)) / len(golds) \
        if golds else 0.0


# --- entity F1 (seqeval-compatible) -------------------------------------------------------

def _split_tag(tag: str) -> tuple[str, str]:
    """(prefix letter, type) the way seqeval splits a tag: first character, then the rest."""
    if tag in ("O", ""):
        return "O", "_"
    return tag[0], tag[1:].split("-", maxsplit=1)[-1] or "_"


def _ends(prev: str, tag: str, prev_type: str, type_: str) -> bool:
    if prev in ("E", "S"):
        return True
    if prev in ("B", "I") and tag in ("B", "S", "O"):
        return True
    return prev != "O" and prev_type != type_


def _starts(prev: str, tag: str, prev_type: str, type_: str) -> bool:
    if tag in ("B", "S"):
        return True
    if prev in ("E", "S", "O") and tag in ("E", "I"):
        return True
    return tag != "O" and prev_type != type_


def entities(tags: Sequence[str]) -> set[tuple[str, int, int]]:
    """Chunks (type, first, last) as seqeval's default mode reads them: an I- after O or
    after another type opens a chunk, a type change closes one."""
    out = set()
    prev, prev_type, begin = "O", "", 0
    for i, tag in enumerate([*tags, "O"]):
        cur, type_ = _split_tag(str(tag))
        if _ends(prev, cur, prev_type, type_):
            out.add((prev_type, begin, i - 1))
        if _starts(prev, cur, prev_type, type_):
            begin = i
        prev, prev_type = cur, type_
    return out


def entity_counts(gold: Sequence[str], pred: Sequence[str]) -> tuple[int, int, int]:
    """(true positives, predicted chunks, gold chunks) for one sentence."""
    g, p = entities(gold), entities(pred)
    return len(g & p), len(p), len(g)


def prf(tp: float, n_pred: float, n_gold: float) -> dict[str, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": 100 * f1, "precision": 100 * precision, "recall": 100 * recall}


def entity_f1(golds: Sequence[Sequence[str]], preds: Sequence[Sequence[str]]) -> dict[str, float]:
    """Micro-averaged entity F1/precision/recall over sentences."""
    counts = [entity_counts(g, p) for g, p in zip(golds, preds, strict=True)]
    return prf(*(sum(c[i] for c in counts) for i in range(3)))


def token_accuracy(golds: Sequence[Sequence[str]], preds: Sequence[Sequence[str]]) -> float:
    flat = [(g, p) for gs, ps in zip(golds, preds, strict=True)
            for g, p in zip(gs, ps, strict=True)]
    return 100.0 * sum(g == p for g, p in flat) / len(flat) if flat else 0.0


# --- SQuAD v1.1 ----------------------------------------------------------------------------

_SQUAD_PUNCT = set(string.punctuation)


def squad_normalize(text: str) -> str:
    """Lower case, drop ASCII punctuation and English articles, collapse whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _SQUAD_PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


# --- MLQA ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _unicode_punct() -> frozenset[str]:
    chars = {chr(i) for i in range(sys.maxunicode + 1)
             if unicodedata.category(chr(i)).startswith("P")}
    return frozenset(chars | set(string.punctuation))


_ARTICLES = {
    "en": r"\b(a|an|the)\b",
    "es": r"\b(un|una|unos|unas|el|la|los|las)\b",
    "vi": r"\b(của|là|cái|chiếc|những)\b",
    "de": r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b",
    "ar": r"\sال^|ال",
}
_CJK = re.compile(r"[\u4e00-\u9fa5]")


def mixed_segmentation(text: str) -> list[str]:
    """Chinese characters and punctuation become single tokens; other runs split on spaces."""
    punct = _unicode_punct()
    out, run = [], ""
    for ch in text:
        if _CJK.match(ch) or ch in punct:
            out.extend(run.split())
            run = ""
            out.append(ch)
        else:
            run += ch
    out.extend(run.split())
    return out


def mlqa_normalize(text: str, lang: str) -> str:
    """MLQA's answer normalisation for ``lang`` (languages outside MLQA: no article removal)."""
    punct = _unicode_punct()
    text = "".join(ch for ch in text.lower() if ch not in punct)
    if lang in _ARTICLES:
        text = re.sub(_ARTICLES[lang], " ", text)
    tokens = mixed_segmentation(text) if lang == "zh" else text.split()
    return " ".join(t for t in tokens if t.strip())


# --- QA scores -----------------------------------------------------------------------------

def _normalizer(lang: str | None):
    return squad_normalize if lang is None else (lambda s: mlqa_normalize(s, lang))


def qa_exact(pred: str, golds: Sequence[str], lang: str | None = None) -> float:
    """1.0 when the normalised prediction equals any normalised gold answer.

    ``lang`` None: SQuAD v1.1 normalisation; a language code: MLQA normalisation.
    """
    norm = _normalizer(lang)
    return float(max((norm(pred) == norm(g) for g in golds), default=False))


def _f1(pred_tokens: list[str], gold_tokens: list[str]) -> float:
    common = Counter(pred_tokens) & Counter(gold_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def qa_f1(pred: str, golds: Sequence[str], lang: str | None = None) -> float:
    """Best token-overlap F1 (0-1) against the gold answers, after normalisation."""
    norm = _normalizer(lang)
    return max((_f1(norm(pred).split(), norm(g).split()) for g in golds), default=0.0)


def qa_scores(preds: Sequence[str], golds: Sequence[Sequence[str]],
              lang: str | None = None) -> dict[str, float]:
    em = [qa_exact(p, g, lang) for p, g in zip(preds, golds, strict=True)]
    f1 = [qa_f1(p, g, lang) for p, g in zip(preds, golds, strict=True)]
    n = len(em) or 1
    return {"exact_match": 100 * sum(em) / n, "f1": 100 * sum(f1) / n}


# --- BUCC ----------------------------------------------------------------------------------

def bucc_best_threshold(candidates: Sequence[Sequence], gold: set[tuple[int, int]]
                        ) -> tuple[float, dict[str, float]]:
    """The margin threshold that maximises F1 of ``candidates`` [(src, tgt, score)] vs ``gold``.

    Candidates at or above the threshold are predicted; ties are taken together. When no
    candidate is correct, the threshold is 0 (every positive candidate predicted, F1 0), as in
    XTREME's ``bucc_optimize``, rather than an infinite value that JSON cannot hold.
    """
    ranked = sorted(candidates, key=lambda c: -c[2])
    best = (0.0, prf(0, sum(1 for c in ranked if c[2] >= 0), len(gold)))
    tp = 0
    for n, (i, j, score) in enumerate(ranked, start=1):
        tp += (int(i), int(j)) in gold
        if n < len(ranked) and ranked[n][2] == score:
            continue
        scores = prf(tp, n, len(gold))
        if scores["f1"] > best[1]["f1"]:
            best = (float(score), scores)
    return best


def xtreme_average(values: Sequence[float]) -> float:
    """XTREME averages a task's score uniformly over its languages."""
    return sum(values) / len(values) if values else 0.0
