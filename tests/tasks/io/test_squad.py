"""SQuAD-style JSON: flattening into rows with a layout, malformed documents, the writer putting
rows back into their own nesting, and a property test of the whole round trip on generated
documents."""

from __future__ import annotations

import io
import itertools
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robustx import api
from robustx.errors import InputError, InternalError
from robustx.tasks.io.squad import SquadWriter, squad_rows
from robustx.tasks.sources import load_splits
from robustx.tasks.split import HIDDEN_PREFIX, PARA_ANSWERS, PARA_KEY

DOC = {"version": "1", "data": [
    {"title": "A", "paragraphs": [
        {"context": "no questions here", "qas": []},
        {"qas": [{"id": "1", "question": "q1", "answers": [{"answer_start": 0, "text": "ab"}]},
                 {"id": 2, "question": "q2", "x": None}], "context": "ab cd", "k": 1}]},
    {"title": "no paragraphs"},
    {"paragraphs": [{"context": "ef", "qas": [{"id": "3", "question": "q3", "answers": []}]}]}],
    "tail": {"z": [1]}}


def write_squad(doc: dict, rows: list[dict]) -> str:
    _, layout = squad_rows(doc, "doc.json")
    fh = io.StringIO()
    w = SquadWriter(fh, layout, "doc.json")
    for r in rows:
        w.add(r)
    w.close()
    return fh.getvalue()


def test_squad_json(tmp_path):
    doc = {"data": [{"paragraphs": [{"context": "Paris est en France.", "qas": [
        {"id": "a1", "question": "Où ?", "answers": [{"answer_start": 12, "text": "France"}]}]}]}]}
    p = tmp_path / "xquad.fr.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    (split,) = load_splits(None, data=p)
    assert split.family == "qa" and split.dataset[0]["answers"]["text"] == ["France"]
    assert split.fmt == "json" and split.layout is not None
    assert split.fields == {"id": "id", "context": "context", "question": "question",
                            "answers": "answers"}  # the hidden columns play no role


def test_squad_rows_share_a_paragraph_key_and_keep_a_layout():
    qa = {"id": 7, "question": "Q?", "extra": [1], "answers": [
        {"answer_start": 0, "text": "Ab", "answer_id": 3}]}
    doc = {"data": [{"paragraphs": [
        {"context": "Ab cd", "qas": [qa, {"id": "x", "question": "R?",
                                          "answers": [{"answer_start": 3, "text": "cd"}]}]},
        {"context": "Ab cd", "qas": [dict(qa, id="other")]},
        {"context": "no questions", "qas": []}], "title": "T"}], "version": "2"}
    rows, layout = squad_rows(doc, "f.json")
    assert [r["id"] for r in rows] == ["7", "x", "other"]
    assert list(rows[0]) == ["id", "context", "question", "answers", PARA_KEY, PARA_ANSWERS]
    assert rows[0][PARA_KEY] == rows[1][PARA_KEY] != rows[2][PARA_KEY]  # same text, other ids
    assert rows[0][PARA_ANSWERS] == rows[1][PARA_ANSWERS] == {"answer_start": [0, 3],
                                                              "text": ["Ab", "cd"]}
    assert rows[2][PARA_ANSWERS] == rows[2]["answers"] == {"answer_start": [0], "text": ["Ab"]}
    # the layout: what the rows carry is None, everything else (key order too) as it was
    assert list(layout) == ["data", "version"] and layout["version"] == "2"
    paras = layout["data"][0]["paragraphs"]
    assert list(layout["data"][0]) == ["paragraphs", "title"]
    assert paras[0]["context"] is None and paras[2] == doc["data"][0]["paragraphs"][2]
    assert paras[0]["qas"][0] == {"id": 7, "question": None, "extra": [1], "answers": [
        {"answer_start": None, "text": None, "answer_id": 3}]}
    assert doc["data"][0]["paragraphs"][0]["context"] == "Ab cd"  # the input is not touched
    # a paragraph's key does not depend on where it is in the document
    moved = {"data": [{"paragraphs": [{"context": "zz", "qas": [dict(qa, id="z")]},
                                      doc["data"][0]["paragraphs"][1]]}]}
    assert squad_rows(moved, "g.json")[0][1][PARA_KEY] == rows[2][PARA_KEY]


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["data"].append(3), "data[1]: must be an object, got number"),
    (lambda d: d["data"][0].update(paragraphs={}), "data[0].paragraphs: must be a list"),
    (lambda d: d["data"][0]["paragraphs"][0].pop("context"),
     "data[0].paragraphs[0]: missing 'context'"),
    (lambda d: d["data"][0]["paragraphs"][0]["qas"][0].pop("id"),
     "data[0].paragraphs[0].qas[0]: missing 'id'"),
    (lambda d: d["data"][0]["paragraphs"][0]["qas"][0].update(id=True),
     "qas[0].id: must be a string or an integer, got boolean"),
    (lambda d: d["data"][0]["paragraphs"][0]["qas"][0].update(question=["q"]),
     "qas[0].question: must be a string, got list"),
    (lambda d: d["data"][0]["paragraphs"][0]["qas"][0]["answers"][0].update(answer_start="0"),
     "qas[0].answers[0].answer_start: must be an integer, got string"),
    (lambda d: d["data"][0]["paragraphs"][0]["qas"][0]["answers"].append("a"),
     "qas[0].answers[1]: must be an object, got string"),
])
def test_malformed_squad_names_the_place(tmp_path, mutate, message):
    doc = {"data": [{"paragraphs": [{"context": "a b", "qas": [
        {"id": "1", "question": "q", "answers": [{"answer_start": 0, "text": "a"}]}]}]}]}
    mutate(doc)
    p = tmp_path / "xquad.de.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        load_splits(None, data=p)


def test_rows_go_back_into_the_nesting_with_every_key_in_order():
    rows, layout = squad_rows(DOC, "doc.json")
    noisy = [dict(r, context=r["context"].upper(), question=r["question"] + "!") for r in rows]
    before = json.dumps(layout)
    w = SquadWriter(io.StringIO(), layout, "doc.json")
    for r in noisy:
        w.add(r)
    w.close()
    assert json.dumps(layout) == before  # a split's layout serves again (compare: N profiles)
    out = json.loads(write_squad(DOC, noisy))
    assert list(out) == ["version", "data", "tail"] and out["tail"] == {"z": [1]}
    a, b, c = out["data"]
    assert a["paragraphs"][0] == DOC["data"][0]["paragraphs"][0]  # no question: as it was
    assert a["paragraphs"][1] == {
        "qas": [{"id": "1", "question": "q1!", "answers": [{"answer_start": 0, "text": "ab"}]},
                {"id": 2, "question": "q2!", "x": None}], "context": "AB CD", "k": 1}
    assert list(a["paragraphs"][1]) == ["qas", "context", "k"]
    assert b == {"title": "no paragraphs"}
    assert c == {"paragraphs": [{"context": "EF", "qas": [
        {"id": "3", "question": "q3!", "answers": []}]}]}


@pytest.mark.parametrize("change, message", [
    (lambda rows: rows[1].update(context="other"),
     "the questions of data[0].paragraphs[1] came out with different noisy contexts ('1' and 2)"),
    (lambda rows: rows.reverse(), "row 1 (id '3') does not belong at data[0].paragraphs[1].qas[0]"),
    (lambda rows: rows.pop(), "rows ended at data[2].paragraphs[0].qas[0] after 2 rows"),
    (lambda rows: rows.append(rows[0]), "more rows than questions (4th row)"),
    (lambda rows: rows[0]["answers"]["text"].append("x"),
     "data[0].paragraphs[1].qas[0] has 1 answers but its row 2"),
])
def test_rows_that_do_not_fit_the_document_are_internal_errors(change, message):
    rows, _ = squad_rows(DOC, "doc.json")
    change(rows)
    with pytest.raises(InternalError, match=r"internal error writing doc\.json: ") as exc:
        write_squad(DOC, rows)
    assert message in str(exc.value)
    assert InternalError.exit_code == 3


TEXT = st.text(st.sampled_from("abcdé ,.-'") |
               st.characters(min_codepoint=0x0400, max_codepoint=0x04FF) |
               st.characters(min_codepoint=0x0900, max_codepoint=0x097F) |
               st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF) |
               st.characters(exclude_categories=("Cs",)), max_size=50)


EXTRA = st.dictionaries(st.sampled_from(["x_meta", "x_note", "x_n"]),
                        st.none() | st.booleans() | st.integers() | TEXT |
                        st.lists(st.integers(), max_size=2), max_size=2)


@st.composite
def squad_docs(draw):
    ids = itertools.count()

    def answers(context):
        out = []
        for _ in range(draw(st.integers(0, 3)) if context else 0):
            s = draw(st.integers(0, len(context) - 1))
            e = draw(st.integers(s + 1, min(len(context), s + 15)))
            out.append(dict(draw(EXTRA), answer_start=s, text=context[s:e]))
        return out

    def qa(context):
        q = {"id": f"q{next(ids)}", "question": draw(TEXT), **draw(EXTRA)}
        found = answers(context)
        if found or draw(st.booleans()):  # no answer: "answers": [] or no key at all
            q["answers"] = found
        return q

    def paragraph():
        context = draw(TEXT)
        return {"context": context, **draw(EXTRA),
                "qas": [qa(context) for _ in range(draw(st.integers(0, 3)))]}

    def article():
        a = {"title": draw(TEXT), **draw(EXTRA)}
        a["paragraphs"] = [paragraph() for _ in range(draw(st.integers(0, 3)))]
        return a

    doc = {"version": draw(st.sampled_from(["1.1", "2.0"])), **draw(EXTRA),
           "data": [article() for _ in range(draw(st.integers(1, 3)))]}
    if not any(p["qas"] for a in doc["data"] for p in a["paragraphs"]):
        doc["data"][-1]["paragraphs"].append({"context": "ab", "qas": [qa("ab")]})
    return doc


def _keys(node, prefix: str) -> list[str]:
    """Keys starting with ``prefix`` anywhere in a JSON document."""
    if isinstance(node, dict):
        return [k for k in node if k.startswith(prefix)] + [
            x for v in node.values() for x in _keys(v, prefix)]
    if isinstance(node, list):
        return [x for v in node for x in _keys(v, prefix)]
    return []


def _without(d: dict, *keys: str) -> dict:
    return {k: v for k, v in d.items() if k not in keys}


@pytest.mark.parametrize("profile", ["typo", "homoglyph"])
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(doc=squad_docs(), lang=st.sampled_from(["en", "ru", "hi", "zh", "th"]),
       seed=st.integers(0, 2**31))
def test_generated_documents_keep_structure_and_valid_answers(tmp_path_factory, profile, doc,
                                                              lang, seed):
    tmp = tmp_path_factory.mktemp("squad")
    src = tmp / f"mlqa.{lang}.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    m = api.corrupt(profile, tmp / "out", input=src, severity=5, seed=seed)
    out = json.loads((tmp / "out" / src.name).read_text(encoding="utf-8"))
    assert not _keys(out, HIDDEN_PREFIX)  # robustx's own columns stay behind (text may say "__rx_")
    n_questions = sum(len(p["qas"]) for a in doc["data"] for p in a["paragraphs"])
    assert (m["files"][0]["examples"], m["invalid_examples"]) == (n_questions, 0)
    assert list(out) == list(doc) and _without(out, "data") == _without(doc, "data")
    assert len(out["data"]) == len(doc["data"])
    for ca, na in zip(doc["data"], out["data"], strict=True):
        assert list(na) == list(ca) and _without(na, "paragraphs") == _without(ca, "paragraphs")
        for cp, np_ in zip(ca["paragraphs"], na["paragraphs"], strict=True):
            if not cp["qas"]:
                assert np_ == cp
                continue
            assert list(np_) == list(cp) and _without(np_, "context", "qas") == \
                _without(cp, "context", "qas")
            for cq, nq in zip(cp["qas"], np_["qas"], strict=True):
                assert list(nq) == list(cq) and _without(nq, "question", "answers") == \
                    _without(cq, "question", "answers")
                for c_ans, n_ans in zip(cq.get("answers", []), nq.get("answers", []),
                                        strict=True):
                    assert list(n_ans) == list(c_ans)
                    assert _without(n_ans, "answer_start", "text") == \
                        _without(c_ans, "answer_start", "text")
                    s, t = n_ans["answer_start"], n_ans["text"]
                    assert t and np_["context"][s:s + len(t)] == t
    (again,) = load_splits(None, data=tmp / "out" / src.name)
    assert again.dataset["id"] == [q["id"] for a in doc["data"] for p in a["paragraphs"]
                                   for q in p["qas"]]
