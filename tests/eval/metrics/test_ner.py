"""Entity F1: seqeval's default-mode chunking, micro-averaged over the corpus."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from robustx.eval.metrics import METRICS
from robustx.eval.metrics.ner import entities, entity_counts


def entity_f1(golds, preds):
    """Corpus F1/precision/recall through the metric's own statistics and formula."""
    counts = [entity_counts(g, p) for g, p in zip(golds, preds, strict=True)]
    stats = {k: [c[i] for c in counts] for i, k in enumerate(("tp", "pred", "gold"))}
    return METRICS.get("ner").values(stats, len(golds))


@pytest.mark.parametrize(("tags", "expected"), [
    (["B-PER", "I-PER", "O"], {("PER", 0, 1)}),
    (["O", "I-PER", "I-PER"], {("PER", 1, 2)}),                 # I- after O opens a chunk
    (["B-PER", "I-LOC"], {("PER", 0, 0), ("LOC", 1, 1)}),        # type change splits
    (["B-PER", "B-PER"], {("PER", 0, 0), ("PER", 1, 1)}),        # B- after B- splits
    (["I-ORG", "B-ORG", "I-ORG"], {("ORG", 0, 0), ("ORG", 1, 2)}),
    (["B-LOC"], {("LOC", 0, 0)}),                                # chunk at the very end
    (["O", "O"], set()),
    ([], set()),
    (["B-MISC-X", "I-MISC-X"], {("MISC-X", 0, 1)}),              # seqeval keeps the rest as type
    # the cases below were read off seqeval 1.2.2's get_entities (default mode)
    (["B-PER", "E-PER", "S-LOC"], {("PER", 0, 1), ("LOC", 2, 2)}),
    (["I-PER", "O", "I-PER", "I-LOC"], {("PER", 0, 0), ("PER", 2, 2), ("LOC", 3, 3)}),
    (["B-PER", "I-PER", "I-PER", "B-PER", "O", "I-ORG", "I-ORG"],
     {("PER", 0, 2), ("PER", 3, 3), ("ORG", 5, 6)}),
    (["S-LOC", "I-LOC"], {("LOC", 0, 0), ("LOC", 1, 1)}),
    (["E-PER", "E-PER"], {("PER", 0, 0), ("PER", 1, 1)}),
])
def test_entities(tags, expected):
    assert entities(tags) == expected


def test_entity_f1_counts_partial_matches_as_wrong():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    pred = [["B-PER", "O", "O", "B-LOC"], ["B-ORG", "B-ORG"]]
    # gold chunks: PER(0-1) LOC(3) ORG(0) = 3; pred: PER(0) LOC(3) ORG(0) ORG(1) = 4; tp = 2
    scores = entity_f1(gold, pred)
    assert scores["precision"] == pytest.approx(50.0)
    assert scores["recall"] == pytest.approx(200 / 3)
    assert scores["f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3) * 100)
    assert entity_f1([["O"]], [["O"]])["f1"] == 0.0
    # seqeval 1.2.2 f1_score on this pair is 0.75: 4 gold chunks, 4 predicted, 3 exact
    gold = [["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O", "I-ORG"],
            ["O", "B-MISC", "I-MISC", "I-MISC"]]
    pred = [["B-PER", "I-PER", "O", "B-LOC", "O", "O", "B-ORG"],
            ["O", "I-MISC", "I-MISC", "I-MISC"]]
    assert entity_f1(gold, pred) == pytest.approx({"f1": 75.0, "precision": 75.0,
                                                     "recall": 75.0})


@given(st.lists(st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "I-ORG"]), max_size=30))
def test_entities_are_disjoint_and_in_range(tags):
    chunks = sorted(entities(tags), key=lambda c: c[1])
    for (_, a, b), (_, c, _d) in itertools.pairwise(chunks):
        assert a <= b < c
    assert all(0 <= s <= e < len(tags) for _, s, e in chunks)
    if chunks:
        assert entity_f1([tags], [tags])["f1"] == 100.0
