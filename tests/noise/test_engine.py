"""Engine invariants: structure kept per family, seeded determinism, counted failures."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robustx.noise.engine import Plan, corrupt_example, corrupt_text, example_key, stream
from robustx.noise.profiles import Profile, Step
from robustx.tasks.split import PARA_ANSWERS, PARA_KEY

from . import testops  # noqa: F401  (registers the test ops)

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def profile(*steps, sides="default"):
    return Profile("t", 1, "", tuple(Step(op, rate, tuple(p.items())) for op, rate, p in steps),
                   ((3, 1.0),), 3, sides)


UPPER = profile(("t_upper", 1.0, {}))
GROW = profile(("t_grow", 0.5, {}), ("t_upper", 0.3, {}))
PAIR_FIELDS = {"sentence1": "sentence1", "sentence2": "sentence2", "label": "gold_label"}
QA_FIELDS = {"id": "id", "context": "context", "question": "question", "answers": "answers"}


def plan(prof, family, fields, lang="en", seed=1):
    return Plan(prof, seed, family, fields, lang, None, fields.get("id"))


def test_pair_all_words_upper_keeps_label_and_spacing():
    row = {"sentence1": "a  cat, (sat)", "sentence2": "ok", "gold_label": "neutral"}
    out, lang, st_, valid = corrupt_example(row, plan(UPPER, "pair", PAIR_FIELDS))
    assert out == {"sentence1": "A  CAT, (SAT)", "sentence2": "OK", "gold_label": "neutral"}
    assert (lang, valid, st_.words, st_.changed) == ("en", True, 4, 4)


def test_sides_first_only():
    row = {"sentence1": "a b", "sentence2": "c d", "gold_label": "x"}
    prof = profile(("t_upper", 1.0, {}), sides="first")
    out, *_ = corrupt_example(row, plan(prof, "pair", PAIR_FIELDS))
    assert out["sentence1"] == "A B" and out["sentence2"] == "c d"


def test_retrieval_default_corrupts_source_only():
    fields = {"source": "source_sentence", "target": "target_sentence"}
    row = {"source_sentence": "guten tag", "target_sentence": "good day"}
    out, *_ = corrupt_example(row, plan(UPPER, "retrieval", fields, "de"))
    assert out == {"source_sentence": "GUTEN TAG", "target_sentence": "good day"}


def test_rejected_outputs_are_counted_and_not_applied():
    prof = profile(("t_bad", 1.0, {}))
    row = {"sentence1": "ab abc", "sentence2": "x", "gold_label": "n"}
    out, _, st_, _ = corrupt_example(row, plan(prof, "pair", PAIR_FIELDS))
    assert out == row and st_.rejected == 3 and st_.changed == 0


def test_unavailable_is_counted():
    row = {"sentence1": "ALREADY UPPER 123", "sentence2": "x", "gold_label": "n"}
    _, _, stats, _ = corrupt_example(row, plan(UPPER, "pair", PAIR_FIELDS))
    assert stats.unavailable == [2] and stats.changed == 1 and stats.protected == 1


def test_qa_answer_relocated_after_length_changes():
    row = {"id": "1", "context": "Le 14 juillet 1789, Paris. Fin.", "question": "Quand ?",
           "answers": {"answer_start": [3], "text": ["14 juillet 1789"]}}
    out, _, _, valid = corrupt_example(row, plan(profile(("t_grow", 1.0, {})), "qa", QA_FIELDS,
                                                 "fr"))
    assert valid
    s, t = out["answers"]["answer_start"][0], out["answers"]["text"][0]
    assert out["context"][s:s + len(t)] == t
    assert len(t.split()) == 3 and t != "14 juillet 1789"
    assert out["question"] != row["question"]


def test_qa_answer_inside_a_word_is_cut_out():
    row = {"id": "2", "context": "In the 1990s (mostly).", "question": "When?",
           "answers": {"answer_start": [7], "text": ["1990"]}}
    out, _, _, valid = corrupt_example(row, plan(UPPER, "qa", QA_FIELDS))
    assert valid and out["context"] == "IN THE 1990S (MOSTLY)."
    assert out["answers"] == {"answer_start": [7], "text": ["1990"]}


def test_qa_invalid_input_is_flagged_and_kept():
    row = {"id": "3", "context": "abc def", "question": "q",
           "answers": {"answer_start": [2], "text": ["def"]}}
    out, _, _, valid = corrupt_example(row, plan(UPPER, "qa", QA_FIELDS))
    assert not valid and out == row


def _paragraph_rows(para_answers, *own):
    ctx = "Paris est la capitale de la France et sa plus grande ville"
    return [{"id": f"p{i}", "context": ctx, "question": f"Question numéro {i} sur Paris ?",
             "answers": answers, PARA_KEY: "p:1", PARA_ANSWERS: para_answers}
            for i, answers in enumerate(own)]


def test_qa_questions_of_one_paragraph_share_one_noisy_context():
    a = {"answer_start": [0], "text": ["Paris"]}
    b = {"answer_start": [46, 15], "text": ["grande ville", "pital"]}
    rows = _paragraph_rows({"answer_start": [0, 46, 15], "text": ["Paris", "grande ville",
                                                                   "pital"]}, a, b)
    p = plan(GROW, "qa", QA_FIELDS, "fr")
    outs = [corrupt_example(r, p) for r in rows]
    assert all(valid for *_, valid in outs)
    (oa, *_), (ob, *_) = outs
    assert oa["context"] == ob["context"] != rows[0]["context"]
    for o in (oa, ob):
        for s, t in zip(o["answers"]["answer_start"], o["answers"]["text"]):
            assert t and o["context"][s:s + len(t)] == t
    # rows without the hidden columns (hub, JSONL) keep their own stream and cuts, as before
    flat = [corrupt_example({k: v for k, v in r.items() if not k.startswith("__rx_")}, p)[0]
            for r in rows]
    assert flat[0]["context"] != flat[1]["context"]
    assert [o["question"] for o in (oa, ob)] == [f["question"] for f in flat]  # per question


def test_qa_paragraph_with_one_bad_answer_is_kept_whole():
    good = {"answer_start": [0], "text": ["Paris"]}
    bad = {"answer_start": [3], "text": ["France"]}
    rows = _paragraph_rows({"answer_start": [0, 3], "text": ["Paris", "France"]}, good, bad)
    for r in rows:
        out, _, _, valid = corrupt_example(r, plan(UPPER, "qa", QA_FIELDS, "fr"))
        assert not valid and out == r


def test_tagging_length_mismatch_is_flagged():
    fields = {"tokens": "tokens", "tags": "ner_tags"}
    row = {"tokens": ["a", "b"], "ner_tags": [0]}
    out, _, _, valid = corrupt_example(row, plan(UPPER, "tagging", fields))
    assert not valid and out == row


def test_span_op_groups_chinese_characters_but_not_across_answers():
    prof = profile(("t_merge", 1.0, {}))
    text = "我喜欢看电影。中国很大"
    out, remap, _ = corrupt_text(text, "zh", plan(prof, "pair", PAIR_FIELDS, "zh"), "k", "f")
    assert out == "我喜欢看 movie。China 很大"  # Latin words typed apart from Han ones
    assert remap(len(text)) == len(out)
    # an answer edge between 电 and 影 forbids the merge
    out2, _, _ = corrupt_text(text, "zh", plan(prof, "pair", PAIR_FIELDS, "zh"), "k", "f", [5])
    assert out2 == "我喜欢看电影。China 很大"


def test_streams_are_independent_and_reproducible():
    a = stream(1, "id:x", "context", 0).random(4)
    assert a == stream(1, "id:x", "context", 0).random(4)
    for other in (stream(2, "id:x", "context", 0), stream(1, "id:x", "question", 0),
                  stream(1, "id:x", "context", 1), stream(1, "id:y", "context", 0)):
        assert not set(a) & set(other.random(4))


def test_example_key_uses_id_or_content():
    assert example_key({"id": "q7", "x": 1}, "id") == "id:q7"
    assert example_key({"a": 1, "b": 2}, None) == example_key({"b": 2, "a": 1}, None)
    assert example_key({"a": 1}, None) != example_key({"a": 2}, None)


texts = st.text(min_size=0, max_size=80)
tokens = st.lists(st.text(min_size=1, max_size=8).filter(lambda t: not any(c.isspace() for c in t)),
                  min_size=1, max_size=20)


@SETTINGS
@given(tokens, st.integers(0, 2**32))
def test_property_tagging_keeps_token_count_and_tags(toks, seed):
    fields = {"tokens": "tokens", "tags": "ner_tags"}
    tags = [i % 7 for i in range(len(toks))]
    row = {"tokens": toks, "ner_tags": tags}
    out, _, _, valid = corrupt_example(row, plan(GROW, "tagging", fields, seed=seed))
    assert valid
    assert len(out["tokens"]) == len(toks) and out["ner_tags"] == tags
    assert all(t and not any(c.isspace() for c in t) for t in out["tokens"])
    again, *_ = corrupt_example(row, plan(GROW, "tagging", fields, seed=seed))
    assert again == out


@SETTINGS
@given(texts, st.data(), st.sampled_from(["en", "zh", "th", "hi"]), st.integers(0, 2**32))
def test_property_qa_answers_stay_valid(context, data, lang, seed):
    n = len(context)
    answers = {"answer_start": [], "text": []}
    for _ in range(data.draw(st.integers(0, 3))):
        if n == 0:
            break
        s = data.draw(st.integers(0, n - 1))
        e = data.draw(st.integers(s + 1, n))
        answers["answer_start"].append(s)
        answers["text"].append(context[s:e])
    row = {"id": "x", "context": context, "question": "what " + context[:10],
           "answers": answers}
    out, _, _, valid = corrupt_example(row, plan(GROW, "qa", QA_FIELDS, lang, seed))
    assert valid
    ctx = out["context"]
    for s, t in zip(out["answers"]["answer_start"], out["answers"]["text"]):
        assert t and ctx[s:s + len(t)] == t


@SETTINGS
@given(st.lists(st.text(alphabet="abcdefgh", min_size=3, max_size=8), min_size=30, max_size=40))
def test_property_different_seed_changes_output(words):
    row = {"sentence1": " ".join(words), "sentence2": "x", "gold_label": "n"}
    a, *_ = corrupt_example(row, plan(GROW, "pair", PAIR_FIELDS, seed=1))
    b, *_ = corrupt_example(row, plan(GROW, "pair", PAIR_FIELDS, seed=2))
    assert a["sentence1"] != b["sentence1"]


@pytest.mark.parametrize("rate", [0.1, 0.3, 0.6])
def test_selection_rate_matches_nominal(rate):
    prof = profile(("t_grow", rate, {}))
    words = " ".join("w" + "".join(chr(97 + int(d)) for d in str(i)) for i in range(200))
    total = changed = 0
    for i in range(50):
        row = {"sentence1": words, "sentence2": "", "gold_label": str(i)}
        _, _, s, _ = corrupt_example(row, plan(prof, "pair", PAIR_FIELDS))
        total += s.words - 0
        changed += s.changed
    assert abs(changed / 10000 - rate) < 0.02


def test_offset_map_of_spaced_text_follows_changed_words():
    text = "ab cd ef"
    out, remap, _ = corrupt_text(text, "en", plan(profile(("t_grow", 1.0, {})), "pair",
                                                  PAIR_FIELDS), "k", "f")
    words = out.split(" ")
    assert [len(w) for w in words] == [4, 4, 4]
    assert [remap(i) for i in (0, 2, 3, 5, 6, 8)] == [0, 4, 5, 9, 10, 14]


@pytest.mark.parametrize("units, expected", [
    (["a", ",", "(b)", "—", "\u0301", "_", "\u200b"], 4),
    (["", "x", "..."], 1),
    ([], 0),
])
def test_count_words_agrees_with_split_core(units, expected):
    from robustx.noise.units import count_words, split_core

    assert count_words(units) == expected == sum(1 for u in units if split_core(u)[1])


def test_joint_draw_keeps_steps_independent():
    """Each step picks each word independently: P(both) = 0.3 * 0.5, and so on."""
    prof = profile(("t_grow", 0.3, {}), ("t_upper", 0.5, {}))
    seen = {"both": 0, "grow": 0, "upper": 0, "none": 0}
    for i in range(100):
        row = {"sentence1": " ".join(["ab"] * 100), "sentence2": "", "gold_label": str(i)}
        out, *_ = corrupt_example(row, plan(prof, "pair", PAIR_FIELDS))
        for w in out["sentence1"].split():
            grown, upper = len(w) == 4, w[:2] == "AB"
            seen["both" if grown and upper else "grow" if grown else
                 "upper" if upper else "none"] += 1
    expected = {"both": 0.15, "grow": 0.15, "upper": 0.35, "none": 0.35}
    for k, p in expected.items():  # 10,000 words: 5 standard deviations is under 0.025
        assert abs(seen[k] / 10000 - p) < 0.025, (k, seen)


@pytest.mark.parametrize("text", ["", " ", "电影", " 电影 中国 "])
def test_span_op_on_empty_and_blank_spaceless_text(text):
    prof = profile(("t_merge", 1.0, {}))
    out, remap, _ = corrupt_text(text, "zh", plan(prof, "pair", PAIR_FIELDS, "zh"), "k", "f")
    assert out == text.replace("电影", "movie").replace("中国", "China")
    assert remap(len(text)) == len(out)


def _edit_distance(a: str, b: str) -> int:
    """The definition, by memoised recursion on the first characters, for reference."""
    from functools import cache

    @cache
    def d(i: int, j: int) -> int:
        if i == len(a) or j == len(b):
            return len(a) - i + len(b) - j
        return min(d(i + 1, j) + 1, d(i, j + 1) + 1, d(i + 1, j + 1) + (a[i] != b[j]))

    return d(0, 0)


@settings(max_examples=2000, deadline=None)
@given(st.text(st.sampled_from("abcé中\u0301\U0001f600"), max_size=8),
       st.text(st.sampled_from("abcé中\u0301\U0001f600"), max_size=8))
def test_property_levenshtein_agrees_with_the_recursive_definition(a, b):
    """rapidfuzz's distance, counted in code points as the manifest's CER is."""
    from robustx.noise.engine import levenshtein

    assert levenshtein(a, b) == levenshtein(b, a) == _edit_distance(a, b)


def test_levenshtein_examples():
    from robustx.noise.engine import levenshtein

    assert [levenshtein(*p) for p in [("quick", "quick"), ("quick", "quack"), ("quick", "quik"),
                                      ("quick", "quicks"), ("quick", "qiuck"), ("", "ab"),
                                      ("kitten", "sitting")]] == [0, 1, 1, 1, 2, 2, 3]


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from("abcé中"), min_size=2, max_size=8), st.data())
def test_property_levenshtein_on_typos(word, data):
    """The engine's workload (one character replaced, inserted or dropped, two swapped)."""
    from robustx.noise.engine import levenshtein

    i = data.draw(st.integers(0, len(word) - 2))
    c = data.draw(st.sampled_from("abcé中"))
    for typo in (word[:i] + c + word[i + 1:], word[:i] + c + word[i:], word[:i] + word[i + 1:],
                 word[:i] + word[i + 1] + word[i] + word[i + 2:]):
        assert levenshtein(word, typo) == levenshtein(typo, word) == _edit_distance(word, typo)


def test_every_family_structure_is_one_the_engine_knows():
    """The engine dispatches on the family record's ``structure``, never on the family's name."""
    from robustx.noise.engine import STRUCTURES
    from robustx.tasks import FAMILIES

    assert {FAMILIES.get(n).structure for n in FAMILIES.names()} == set(STRUCTURES.names())


def test_a_token_holding_a_space_keeps_it():
    """Vietnamese UD tokens can hold a space ("Hôm nay"): ops may rewrite its words but never
    join them (a typo's deletion once turned it into "Hômnay") or move the space."""
    from robustx.noise.engine import check_languages
    from robustx.noise.profiles import load_profile

    prof = load_profile("typo").at(5)
    fields = {"tokens": "tokens", "tags": "pos_tags"}
    changed = 0
    for seed in range(300):
        row = {"tokens": ["Hôm nay", "tôi", "đi", "học"], "pos_tags": [1, 2, 3, 4]}
        out, *_ = corrupt_example(row, Plan(prof, seed, "tagging", fields, "vi", None, None,
                                            check_languages(prof, ["vi"])))
        first = out["tokens"][0]
        assert len(first.split(" ")) == 2 and first.count(" ") == 1, first
        changed += first != "Hôm nay"
    assert changed > 30  # its words are still noised
