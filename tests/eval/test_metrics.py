"""Metrics against hand-computed values (seqeval chunking, SQuAD and MLQA normalisation)."""

from __future__ import annotations

import itertools
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from robustx.eval import metrics as M
from robustx.eval.scoring import metrics_from_stats


def test_accuracy():
    assert M.accuracy(["a", "b", "c", "d"], ["a", "b", "x", "d"]) == 75.0
    assert M.accuracy([], []) == 0.0
    with pytest.raises(ValueError):
        M.accuracy(["a"], [])


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
    assert M.entities(tags) == expected


def test_entity_f1_counts_partial_matches_as_wrong():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    pred = [["B-PER", "O", "O", "B-LOC"], ["B-ORG", "B-ORG"]]
    # gold chunks: PER(0-1) LOC(3) ORG(0) = 3; pred: PER(0) LOC(3) ORG(0) ORG(1) = 4; tp = 2
    scores = M.entity_f1(gold, pred)
    assert scores["precision"] == pytest.approx(50.0)
    assert scores["recall"] == pytest.approx(200 / 3)
    assert scores["f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3) * 100)
    assert M.entity_f1([["O"]], [["O"]])["f1"] == 0.0
    # seqeval 1.2.2 f1_score on this pair is 0.75: 4 gold chunks, 4 predicted, 3 exact
    gold = [["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O", "I-ORG"],
            ["O", "B-MISC", "I-MISC", "I-MISC"]]
    pred = [["B-PER", "I-PER", "O", "B-LOC", "O", "O", "B-ORG"],
            ["O", "I-MISC", "I-MISC", "I-MISC"]]
    assert M.entity_f1(gold, pred) == pytest.approx({"f1": 75.0, "precision": 75.0,
                                                     "recall": 75.0})


def test_token_accuracy():
    assert M.token_accuracy([["NOUN", "VERB"], ["DET"]], [["NOUN", "NOUN"], ["DET"]]) == \
        pytest.approx(200 / 3)


def test_squad_normalisation_and_scores():
    assert M.squad_normalize("The  Cat's hat!") == "cats hat"
    assert M.qa_exact("the Eiffel Tower.", ["Eiffel tower"]) == 1.0
    assert M.qa_f1("in Paris France", ["Paris"]) == pytest.approx(2 * (1 / 3) / (1 / 3 + 1))
    assert M.qa_f1("", ["Paris"]) == 0.0
    scores = M.qa_scores(["Paris", "Berlin wall"], [["paris"], ["the Berlin Wall", "wall"]])
    assert scores == {"exact_match": 100.0, "f1": 100.0}


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("The cat, a dog.", "en", "cat dog"),
    ("El gato y la casa «grande»", "es", "gato y casa grande"),
    ("Der Hund und das Haus – ein Test", "de", "hund und haus test"),
    ("الكتاب الجديد", "ar", "كتاب جديد"),
    ("مالك", "ar", "م ك"),                           # MLQA's regex removes ال inside words too
    ("«Hola», dijo el niño", "es", "hola dijo niño"),           # Unicode Pi/Pf punctuation
    ("Los años 1990s", "es", "años 1990s"),
    ("Những người của Hà Nội", "vi", "người hà nội"),
    ("Die Katze, der Hund; das Haus!", "de", "katze hund haus"),
    ("An apple the size of a house", "en", "apple size of house"),
    ("हिन्दी का शब्द", "hi", "हिन्दी का शब्द"),                          # no Hindi articles
    ("Thủ đô của Việt Nam là Hà Nội", "vi", "thủ đô việt nam hà nội"),
    ("भारत की राजधानी।", "hi", "भारत की राजधानी"),               # no articles, । is punctuation
    ("北京是首都。", "zh", "北 京 是 首 都"),                     # per-character
    ("The 2008 奥运会", "zh", "the 2008 奥 运 会"),               # mixed: Latin runs stay words
    ("The cat", "fr", "the cat"),                                 # outside MLQA: no articles
])
def test_mlqa_normalize(text, lang, expected):
    assert M.mlqa_normalize(text, lang) == expected


def test_mlqa_scores_differ_from_squad_for_chinese():
    assert M.qa_f1("北京市", ["北京"], "zh") == pytest.approx(0.8)
    assert M.qa_f1("北京市", ["北京"]) == 0.0          # SQuAD: one token each, no overlap
    assert M.qa_exact("¿Quién?", ["quién"], "es") == 1.0


def test_mixed_segmentation():
    assert M.mixed_segmentation("ab 中文,cd") == ["ab", "中", "文", ",", "cd"]


def test_bucc_best_threshold():
    cands = [(0, 0, 1.5), (1, 2, 1.4), (1, 1, 1.2), (2, 2, 1.0)]
    gold = {(0, 0), (1, 1), (2, 2)}
    threshold, scores = M.bucc_best_threshold(cands, gold)
    # cut after 1: p=1 r=1/3 f=.5; after 3: p=2/3 r=2/3 f=.667; after 4: p=.75 r=1 f=.857
    assert threshold == 1.0
    assert scores["f1"] == pytest.approx(100 * 2 * 0.75 / 1.75)
    # ties are taken together
    threshold, scores = M.bucc_best_threshold([(0, 0, 1.0), (0, 1, 1.0)], {(0, 0)})
    assert scores["precision"] == 50.0
    # nothing correct: XTREME's threshold 0 (a finite, JSON-safe number), F1 0
    threshold, scores = M.bucc_best_threshold([(0, 1, 1.2), (1, 0, 0.9)], {(0, 0)})
    assert threshold == 0.0 and scores == {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    assert M.bucc_best_threshold([], {(0, 0)})[0] == 0.0


def test_metrics_from_stats():
    assert metrics_from_stats("accuracy", {"correct": 3}, 4) == {"accuracy": 75.0}
    assert metrics_from_stats("pos", {"correct": 3, "total": 6}, 2) == {"accuracy": 50.0}
    assert metrics_from_stats("ner", {"tp": 1, "pred": 2, "gold": 1}, 5)["f1"] == \
        pytest.approx(100 * 2 / 3)
    assert metrics_from_stats("squad", {"exact_match": 1, "f1": 1.5}, 2) == \
        {"exact_match": 50.0, "f1": 75.0}
    assert M.xtreme_average([80.0, 60.0]) == 70.0


@given(st.text())
def test_squad_normalize_is_clean(text):
    out = M.squad_normalize(text)
    assert not set(out) & set(string.punctuation)
    assert "  " not in out and out == out.strip()


@given(st.text(), st.sampled_from(["en", "es", "de", "ar", "vi", "hi", "zh", "fr"]))
def test_mlqa_self_match(text, lang):
    if M.mlqa_normalize(text, lang):
        assert M.qa_exact(text, [text], lang) == 1.0
        assert M.qa_f1(text, [text], lang) == pytest.approx(1.0)


@given(st.lists(st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "I-ORG"]), max_size=30))
def test_entities_are_disjoint_and_in_range(tags):
    chunks = sorted(M.entities(tags), key=lambda c: c[1])
    for (_, a, b), (_, c, _d) in itertools.pairwise(chunks):
        assert a <= b < c
    assert all(0 <= s <= e < len(tags) for _, s, e in chunks)
    if chunks:
        assert M.entity_f1([tags], [tags])["f1"] == 100.0
