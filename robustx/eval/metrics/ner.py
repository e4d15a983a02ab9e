"""PAN-X entity F1 over BIO tags, counting chunks exactly like seqeval's default (conlleval)
mode on the joined corpus, as XTREME's scoring does (summed tp / predicted / gold counts)."""

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
    return prev not in ("O", ".") and prev_type != type_


def _starts(prev: str, tag: str, prev_type: str, type_: str) -> bool:
    if tag in ("B", "S"):
        return True
    if prev in ("E", "S", "O") and tag in ("E", "I"):
        return True
    return tag not in ("O", ".") and prev_type != type_


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


def corpus_counts(golds: Sequence[Sequence[str]], preds: Sequence[Sequence[str]]
                  ) -> list[tuple[int, int, int]]:
    """Per-sentence (tp, predicted, gold) chunk counts that sum to seqeval's corpus counts.

    seqeval's ``f1_score`` on a list of sentences joins them with an ``O`` between each, and a
    tag whose type is empty (``X``, or ``B`` alone) has the same type as that ``O``, so a chunk
    can run across the join. Chunking the joined corpus the same way and counting each chunk in
    the sentence where it ends gives exactly seqeval's numbers, still additive per sentence.
    """
    owner: list[int] = []
    for n, gold in enumerate(golds):
        owner.extend([n] * (len(gold) + 1))  # the sentence's tokens and the O after them

    def joined(seqs: Sequence[Sequence[str]]) -> list[str]:
        return [str(t) for s in seqs for t in (*s, "O")]

    g, p = entities(joined(golds)), entities(joined(preds))
    counts = [[0, 0, 0] for _ in golds]
    for _, _, end in p:
        counts[owner[end]][1] += 1
    for chunk in g:
        counts[owner[chunk[2]]][2] += 1
        counts[owner[chunk[2]]][0] += chunk in p
    return [(tp, pr, go) for tp, pr, go in counts]


class EntityF1(CorpusF1):
    name = "ner"
    labelled = True

    def example_stats(self, preds, split):
        golds = [gold_names(row, split.label_names) for row in split.dataset[split.fields["tags"]]]
        counts = corpus_counts(golds, preds)
        return {k: [float(c[i]) for c in counts] for i, k in enumerate(self.stats)}

    def right_parts(self, gold, pred):
        """The gold entities predicted exactly (type and extent)."""
        return frozenset(entities(gold) & entities(pred))


METRICS.add(EntityF1.name, EntityF1())
