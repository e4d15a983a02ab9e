"""PAN-X entity F1 over BIO tags, counting chunks exactly like seqeval's default (conlleval)
mode, micro-averaged over the corpus (summed tp / predicted / gold chunk counts)."""

from __future__ import annotations

from collections.abc import Sequence

from ...tasks.labels import gold_names
from . import METRICS, CorpusF1


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


class EntityF1(CorpusF1):
    name = "ner"
    labelled = True

    def example_stats(self, preds, split):
        golds = [gold_names(row, split.label_names) for row in split.dataset[split.fields["tags"]]]
        counts = [entity_counts(g, p) for g, p in zip(golds, preds, strict=True)]
        return {k: [float(c[i]) for c in counts] for i, k in enumerate(self.stats)}


METRICS.add(EntityF1.name, EntityF1())
