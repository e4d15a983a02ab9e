"""UD-POS as XTREME scores it: seqeval's F1 over the POS tags, with token accuracy beside it.

XTREME's ``evaluate.py`` and ``run_tag.py`` score UD-POS with seqeval's ``f1_score``, which
reads POS tags as chunks the way it reads entity tags: the first letter is the chunk prefix,
so a run of one tag is one chunk (gold ``NOUN NOUN``, predicted ``NOUN VERB``: F1 0, accuracy
50), and ``SCONJ``/``SYM`` (prefix S) or ``INTJ`` (prefix I) chunk differently again. Using
the same chunking as PAN-X (:func:`.ner.corpus_counts`) makes the primary number the one the
papers publish; token accuracy stays as a secondary value.
"""

from __future__ import annotations

from ...tasks.labels import gold_names
from . import METRICS, CorpusF1, prf, ratio
from .ner import corpus_counts


class PosF1(CorpusF1):
    name = "pos"
    stats = ("tp", "pred", "gold", "correct", "total")
    labelled = True

    def example_stats(self, preds, split):
        golds = [gold_names(row, split.label_names) for row in split.dataset[split.fields["tags"]]]
        counts = corpus_counts(golds, preds)
        out = {k: [float(c[i]) for c in counts] for i, k in enumerate(("tp", "pred", "gold"))}
        out["correct"] = [float(sum(a == b for a, b in zip(g, p, strict=True)))
                          for g, p in zip(golds, preds, strict=True)]
        out["total"] = [float(len(g)) for g in golds]
        return out

    def right_parts(self, gold, pred):
        """The tokens whose tag is predicted right."""
        return frozenset(i for i, (g, p) in enumerate(zip(gold, pred, strict=True)) if g == p)

    def from_sums(self, sums, n):
        return {**prf(sums["tp"], sums["pred"], sums["gold"]),
                "accuracy": ratio(sums["correct"], sums["total"])}


METRICS.add(PosF1.name, PosF1())
