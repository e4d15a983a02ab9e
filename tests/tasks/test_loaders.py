import json
import re

import pytest

from robustx.errors import InputError, UsageError
from robustx.tasks import TASKS, get_task
from robustx.tasks.loaders import PARA_ANSWERS, PARA_KEY, load_splits, squad_rows

PAIRS = [{"sentence1": "Der Hund läuft.", "sentence2": "Ein Tier bewegt sich.",
          "gold_label": "entailment"},
         {"sentence1": "Es regnet.", "sentence2": "Die Sonne scheint.",
          "gold_label": "contradiction"}]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_registry_has_nine_tasks_in_four_families():
    assert len(TASKS.names()) == 9
    fams = {TASKS.get(n).family for n in TASKS.names()}
    assert fams == {"pair", "tagging", "qa", "retrieval"}
    assert get_task("PAWS-X").name == "pawsx"
    assert get_task("udpos").hub_config_for("af") == "udpos.Afrikans"
    assert get_task("tatoeba").hub_config_for("zh") == "tatoeba.cmn"
    assert get_task("mlqa").hub_config_for("hi") == "MLQA.hi.hi"
    assert len(get_task("panx").languages) == 40


def test_unknown_task_and_language_get_suggestions():
    with pytest.raises(UsageError, match="did you mean 'xnli'"):
        load_splits("xnl")
    with pytest.raises(UsageError, match="unknown language for xnli 'dee'; did you mean 'de'"):
        load_splits("xnli", ["dee"])


@pytest.mark.parametrize("fmt", ["jsonl", "json", "parquet", "csv", "tsv"])
def test_every_local_format(tmp_path, fmt):
    import datasets

    path = tmp_path / f"xnli.de.{fmt}"
    ds = datasets.Dataset.from_list(PAIRS)
    if fmt == "jsonl":
        write_jsonl(path, PAIRS)
    elif fmt == "json":
        path.write_text(json.dumps(PAIRS, ensure_ascii=False), encoding="utf-8")
    elif fmt == "parquet":
        ds.to_parquet(str(path))
    else:
        ds.to_pandas().to_csv(path, sep="\t" if fmt == "tsv" else ",", index=False)
    (split,) = load_splits("xnli", data=path)
    assert split.lang == "de" and split.family == "pair" and split.fmt == fmt
    assert split.dataset.to_list() == PAIRS
    assert split.fields == {"sentence1": "sentence1", "sentence2": "sentence2",
                            "label": "gold_label"}


def test_family_inferred_and_facebook_xnli_columns(tmp_path):
    p = write_jsonl(tmp_path / "fr.jsonl", [{"premise": "a", "hypothesis": "b", "label": 0}])
    (split,) = load_splits(None, data=p)
    assert split.family == "pair" and split.fields["sentence1"] == "premise"


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


def test_reserved_column_names_are_refused(tmp_path):
    p = write_jsonl(tmp_path / "de.jsonl", [dict(PAIRS[0], __rx_para_answers=1)])
    with pytest.raises(InputError, match="column name '__rx_para_answers' is reserved"):
        load_splits("xnli", data=p)


def test_folder_with_language_column_and_filter(tmp_path):
    rows = [dict(PAIRS[0], language="de"), dict(PAIRS[1], language="en")]
    write_jsonl(tmp_path / "test.jsonl", rows)
    (split,) = load_splits("xnli", ["en"], data=tmp_path)
    assert len(split.dataset) == 1 and split.dataset[0]["language"] == "en"


def test_malformed_jsonl_names_the_line(tmp_path):
    p = tmp_path / "de.jsonl"
    p.write_text(json.dumps(PAIRS[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"de.jsonl:2: malformed JSON line"):
        load_splits("xnli", data=p)


def test_missing_column_is_named(tmp_path):
    p = write_jsonl(tmp_path / "de.jsonl", [{"sentence1": "a", "gold_label": "neutral"}])
    with pytest.raises(InputError, match="missing column 'sentence2'"):
        load_splits("xnli", data=p)


def test_unknown_schema(tmp_path):
    p = write_jsonl(tmp_path / "de.jsonl", [{"text": "a"}])
    with pytest.raises(InputError, match="cannot tell the task family"):
        load_splits(None, data=p)


def test_empty_and_missing_inputs(tmp_path):
    p = tmp_path / "de.jsonl"
    p.write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no examples|empty"):
        load_splits("xnli", data=p)
    with pytest.raises(InputError, match="no such file"):
        load_splits("xnli", data=tmp_path / "nope.jsonl")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no data files"):
        load_splits("xnli", data=empty)


def test_language_cannot_be_told(tmp_path):
    p = write_jsonl(tmp_path / "data.jsonl", PAIRS)
    with pytest.raises(InputError, match="cannot tell the language"):
        load_splits("xnli", data=p)
    (split,) = load_splits("xnli", ["es"], data=p)
    assert split.lang == "es"


def test_hub_offline_error_says_how_to_pass_a_file(monkeypatch):
    import datasets

    def boom(*a, **k):
        raise ConnectionError("Couldn't reach 'google/xtreme' on the Hub (LocalEntryNotFound)")

    monkeypatch.setattr(datasets, "load_dataset", boom)
    with pytest.raises(InputError, match="offline, pass a local file or folder with --input"):
        load_splits("xnli", ["de"])


def test_hub_loader_filters_multilingual_configs(monkeypatch):
    import datasets

    calls = []

    def fake(name, config, split):
        calls.append((name, config, split))
        return datasets.Dataset.from_list([dict(PAIRS[0], language="de"),
                                           dict(PAIRS[1], language="fr")])

    monkeypatch.setattr(datasets, "load_dataset", fake)
    (split,) = load_splits("xnli", ["fr"])
    assert calls == [("google/xtreme", "XNLI", "test")]
    assert split.dataset["language"] == ["fr"] and split.source.startswith("hub:")
