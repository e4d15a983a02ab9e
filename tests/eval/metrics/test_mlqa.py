"""MLQA's language-aware normalisation, and how it changes the scores from SQuAD's."""

from __future__ import annotations

from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from robustx.eval.metrics.mlqa import mixed_segmentation, mlqa_normalize
from robustx.eval.metrics.squad import qa_exact, qa_f1


def norm(lang):
    return partial(mlqa_normalize, lang=lang)


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
    assert mlqa_normalize(text, lang) == expected


def test_mlqa_scores_differ_from_squad_for_chinese():
    assert qa_f1("北京市", ["北京"], norm("zh")) == pytest.approx(0.8)
    assert qa_f1("北京市", ["北京"]) == 0.0          # SQuAD: one token each, no overlap
    assert qa_exact("¿Quién?", ["quién"], norm("es")) == 1.0


def test_mixed_segmentation():
    assert mixed_segmentation("ab 中文,cd") == ["ab", "中", "文", ",", "cd"]


@given(st.text(), st.sampled_from(["en", "es", "de", "ar", "vi", "hi", "zh", "fr"]))
def test_mlqa_self_match(text, lang):
    if mlqa_normalize(text, lang):
        assert qa_exact(text, [text], norm(lang)) == 1.0
        assert qa_f1(text, [text], norm(lang)) == pytest.approx(1.0)




def test_the_mlqa_metric_normalises_in_the_split_language():
    from robustx.eval.metrics import METRICS
    from tests.eval.helpers import make_split

    split = make_split("qa", [{"context": "北京市", "question": "?",
                               "answers": {"answer_start": [0], "text": ["北京"]}}], lang="zh")
    assert METRICS.get("mlqa").score(["北京市"], split)[0]["f1"] == pytest.approx(80.0)
    assert METRICS.get("squad").score(["北京市"], split)[0]["f1"] == 0.0
