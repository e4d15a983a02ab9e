"""The fast chrF of the intensity measurement must equal sacrebleu's exactly, statistic for statistic."""

from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import CHRF

from robustx.noise.intensity import chrf_score, chrf_stats


def _sacrebleu_stats(hyp: str, ref: str) -> list[int]:
    metric = CHRF()
    return metric._extract_corpus_statistics([hyp], [[ref]])[0]


CASES = [
    ("the cat sat", "the cat sat"),
    ("teh cat sat", "the cat sat"),
    ("the cst sat", "the cat sat"),
    ("the cat", "the cat sat"),
    ("cat sat", "the cat sat"),
    ("the big cat sat", "the cat sat"),
    ("a", "the cat sat"),
    ("", "abc"),
    ("abc", ""),
    ("", ""),
    ("ab c", "a bc"),
    ("Straße  ist\nhier", "Strasse ist hier"),
    ("我 爱 北京", "我 爱 北京 天安门"),
    ("x x x x", "x x x"),
]


def test_expected_statistics():
    assert chrf_stats("ab", "ab")[:6] == [2, 2, 2, 1, 1, 1]
    assert chrf_stats("ab", "ac")[:6] == [2, 2, 1, 1, 1, 0]
    assert chrf_stats("abc", "")[:3] == [0, 0, 0]  # sacrebleu: no reference n-grams, no hyp count


def test_known_pairs_match_sacrebleu():
    for hyp, ref in CASES:
        assert chrf_stats(hyp, ref) == _sacrebleu_stats(hyp, ref), (hyp, ref)


words = st.lists(st.text(alphabet="abcé 我\n", min_size=0, max_size=4), max_size=8)


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_word_lists_match_sacrebleu(a, b):
    hyp, ref = " ".join(a), " ".join(b)
    assert chrf_stats(hyp, ref) == _sacrebleu_stats(hyp, ref)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_arbitrary_unicode_matches_sacrebleu(hyp, ref):
    assert chrf_stats(hyp, ref) == _sacrebleu_stats(hyp, ref)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=30)), min_size=1, max_size=6))
def test_corpus_score_matches_sacrebleu(pairs):
    hyps, refs = [h for h, _ in pairs], [r for _, r in pairs]
    total = [sum(col) for col in zip(*(chrf_stats(h, r) for h, r in pairs))]
    assert chrf_score(total) == CHRF().corpus_score(hyps, [refs]).score


def test_manifest_chrf_is_sacrebleu_corpus_chrf_of_the_written_files(tmp_path):
    """The manifest's per-language chrF equals sacrebleu's corpus chrF of noisy vs clean text."""
    import json

    from robustx import api
    from robustx.tasks.sources import SAMPLE_DIR

    manifest = api.corrupt("typo", tmp_path / "o", task="xnli", sample=True, severity=5)
    for lang, stats in manifest["intensity"].items():
        clean = (SAMPLE_DIR / "xnli" / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
        noisy = (tmp_path / "o" / "xnli" / f"{lang}.jsonl").read_text(
            encoding="utf-8").splitlines()
        side = [[f"{r['sentence1']}\n{r['sentence2']}" for r in map(json.loads, rows)]
                for rows in (noisy, clean)]
        expected = CHRF().corpus_score(side[0], [side[1]]).score
        assert stats["chrf"] == round(expected, 2), lang
        assert stats["chrf"] < 100 and stats["examples"] == stats["chrf_sentences"] == len(clean)


def test_chrf_rows_are_the_first_ones_then_every_eighth():
    from robustx.noise.engine import Stats
    from robustx.noise.intensity import CHRF_ALL, CHRF_STRIDE, LangStats, stats_row
    from robustx.noise.pipeline import make_plan
    from robustx.noise.profiles import load_profile
    from robustx.tasks.sources import load_splits

    (split,) = load_splits("xnli", ["de"], sample=True)
    plan = make_plan(split, load_profile("typo").at(3), 1)
    row = split.dataset[0]
    picked = []
    for i in range(CHRF_ALL + 4 * CHRF_STRIDE):
        totals = LangStats(len(plan.profile.steps))
        totals.add([stats_row(i, True, Stats(unavailable=[0] * totals.n_ops), row, row, plan)])
        if totals.chrf_sentences:
            picked.append(i)
    assert picked == [*range(CHRF_ALL), *range(CHRF_ALL, CHRF_ALL + 4 * CHRF_STRIDE, CHRF_STRIDE)]


def test_lang_stats_sum_measurements_by_name():
    from robustx.noise.engine import Stats
    from robustx.noise.intensity import LangStats, stats_row
    from robustx.noise.pipeline import make_plan
    from robustx.noise.profiles import load_profile
    from robustx.tasks.sources import load_splits

    (split,) = load_splits("xnli", ["de"], sample=True)
    plan = make_plan(split, load_profile("typo").at(3), 1)
    row = split.dataset[0]
    n_ops = len(plan.profile.steps)
    st = Stats(words=10, changed=2, edits=3, chars=50, rejected=1, unavailable=[1] * n_ops)
    totals = LangStats(n_ops)
    assert totals.add([stats_row(0, True, st, row, row, plan),
                       stats_row(1, False, st, row, row, plan)]) == 1
    assert (totals.examples, totals.invalid, totals.words, totals.changed, totals.edits,
            totals.chars, totals.rejected, totals.unavailable) == (2, 1, 20, 4, 6, 100, 2,
                                                                    [2] * n_ops)
    report = totals.report([s.op for s in plan.profile.steps])
    assert report["cer"] == 0.06 and report["share_words_changed"] == 0.2
    assert report["chrf"] == 100.0 and report["chrf_sentences"] == 2  # unchanged text


def test_changed_characters_in_spaceless_scripts_are_the_ones_an_edit_touched():
    from robustx.noise.engine import touched

    assert touched(["โ", "ร", "ง"], "โรฝ") == 1  # a Thai typo in a three-letter run
    assert touched(["电", "影"], "dianying") == 2  # a romanised word: every character
    assert touched(["电", "影"], "电影影") == 1  # an insertion touches the unit it lands in


def test_manifest_says_what_a_word_is_and_how_many_examples_changed(tmp_path):
    import json

    from robustx.cli import main

    assert main(["corrupt", "--profile", "translit", "--severity", "5", "--task", "xnli",
                 "--sample", "--lang", "zh,ru", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    man = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    zh, ru = man["intensity"]["zh"], man["intensity"]["ru"]
    assert zh["word_unit"] == "character" and ru["word_unit"] == "word"
    for s in (zh, ru):
        assert s["examples_changed"] <= s["examples"]
        assert s["share_examples_changed"] == round(s["examples_changed"] / s["examples"], 4)
    # romanised Chinese words count every character they cover: the share is no longer far
    # below what the CER says (it was 9 % words changed beside a CER of 0.76)
    assert zh["share_words_changed"] > 0.3 and zh["cer"] > 0.3
