"""`robustx evaluate --predictions DIR` writes XTREME's submission layout, and XTREME's own
evaluate.py logic (vendored in tests/xtreme/evaluate.py) scores a clean and a noisy run exactly
as robustx does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from robustx.cli import main
from robustx.tasks import TASKS
from tests.xtreme.evaluate import evaluate_one_task

SAMPLE = Path(__file__).resolve().parents[2] / "robustx" / "tasks" / "sample"
SCHEMA = Path(__file__).resolve().parents[2] / "robustx" / "eval" / "scores.schema.json"
LANGS = ("de", "ru", "zh")
METRICS = {"xnli": ("accuracy",), "panx": ("f1", "precision", "recall"),
           "udpos": ("f1", "precision", "recall"), "xquad": ("exact_match", "f1")}
CKPT = {"xnli": "pair", "panx": "tagging", "udpos": "udpos", "xquad": "qa"}


@pytest.fixture(scope="module")
def ckpts(tiny_checkpoints, tmp_path_factory):
    from tests.fixtures.tiny_models import build

    root = tmp_path_factory.mktemp("sub-ckpt")
    return {**tiny_checkpoints,
            "udpos": build("tagging", root / "udpos", labels=TASKS.get("udpos").labels, seed=6)}


def rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def names(values, labels):
    return [labels[v] if isinstance(v, int) else str(v) for v in values]


def write_labels(task: str, data: Path, lang: str, folder: Path) -> Path:
    """The gold of ``data/<task>/<lang>.jsonl`` in XTREME's labels layout (mock_test_data)."""
    rs = rows(data / task / f"{lang}.jsonl")
    labels = TASKS.get(task).labels
    if task == "xnli":
        text, suffix = "".join(f"{r['gold_label']}\n" for r in rs), "tsv"
    elif task in ("panx", "udpos"):
        key = "ner_tags" if task == "panx" else "pos_tags"
        text = "".join("".join(f"{t}\n" for t in names(r[key], labels)) + "\n" for r in rs)
        suffix = "tsv"
    else:
        doc = {"version": "1.1", "data": [{"title": r["id"], "paragraphs": [{
            "context": r["context"], "qas": [{"id": r["id"], "question": r["question"],
                                              "answers": [{"text": t, "answer_start": s}
                                                          for t, s in zip(
                                                              r["answers"]["text"],
                                                              r["answers"]["answer_start"])]}]}]}
            for r in rs]}
        text, suffix = json.dumps(doc, ensure_ascii=False), "json"
    path = folder / task / f"test-{lang}.{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def evaluate(capsys, ckpt, task, data, preds, out):
    code = main(["evaluate", str(ckpt), "--task", task, "--data", str(data), "--lang",
                 ",".join(LANGS), "--device", "cpu", "--no-cache", "--out", str(out),
                 "--predictions", str(preds)])
    err = capsys.readouterr().err
    assert code == 0, err
    return json.loads(out.read_text("utf-8"))


@pytest.mark.filterwarnings("ignore:.*seems not to be NE tag")  # seqeval on POS tags
@pytest.mark.parametrize("task", list(METRICS))
def test_xtreme_evaluate_scores_clean_and_noisy_predictions_as_robustx_does(
        ckpts, tmp_path, capsys, task):
    import jsonschema

    noisy = tmp_path / "noisy"
    code = main(["corrupt", "--profile", "typo", "--severity", "5", "--task", task,
                 "--sample", "--lang", ",".join(LANGS), "--out", str(noisy), "--quiet"])
    assert code == 0, capsys.readouterr().err
    labels = tmp_path / "labels"
    for lang in LANGS:
        write_labels(task, SAMPLE, lang, labels)
    schema = json.loads(SCHEMA.read_text("utf-8"))
    for run, data in (("clean", SAMPLE / task), ("noisy", noisy)):
        preds = tmp_path / f"predictions-{run}"
        doc = evaluate(capsys, ckpts[CKPT[task]], task, data, preds, tmp_path / f"{run}.json")
        jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
        suffix = "json" if task == "xquad" else "tsv"
        assert sorted(doc["submission"]["files"]) == sorted(
            str(preds / task / f"test-{lang}.{suffix}") for lang in LANGS)
        for lang in LANGS:
            label_file = labels / task / f"test-{lang}.{suffix}"
            xtreme = evaluate_one_task(str(preds / task / f"test-{lang}.{suffix}"),
                                       str(label_file), task, language=lang)
            ours = doc["results"][lang]["metrics"]
            for m in METRICS[task]:
                assert xtreme[m] == pytest.approx(ours[m], abs=1e-9), (run, lang, m)


def test_the_layout_matches_xtremes_mock_predictions(ckpts, tmp_path, capsys):
    """Line shapes of mock_test_data/predictions: a label per line; a tag per line with a blank
    line after each sentence; a JSON object of id -> answer text."""
    for task in ("xnli", "panx", "xquad"):
        evaluate(capsys, ckpts[CKPT[task]], task, SAMPLE / task, tmp_path / "p",
                 tmp_path / f"{task}.json")
    xnli = (tmp_path / "p" / "xnli" / "test-de.tsv").read_text("utf-8").splitlines()
    assert len(xnli) == len(rows(SAMPLE / "xnli" / "de.jsonl"))
    assert set(xnli) <= set(TASKS.get("xnli").labels)
    panx = (tmp_path / "p" / "panx" / "test-de.tsv").read_text("utf-8")
    sentences = [s.split("\n") for s in panx.rstrip("\n").split("\n\n")]
    assert [len(s) for s in sentences] == [len(r["tokens"])
                                           for r in rows(SAMPLE / "panx" / "de.jsonl")]
    answers = json.loads((tmp_path / "p" / "xquad" / "test-de.json").read_text("utf-8"))
    assert sorted(answers) == sorted(r["id"] for r in rows(SAMPLE / "xquad" / "de.jsonl"))
    assert all(isinstance(v, str) for v in answers.values())


def test_existing_prediction_files_need_force(ckpts, tmp_path, capsys):
    preds = tmp_path / "p"
    evaluate(capsys, ckpts["pair"], "xnli", SAMPLE / "xnli", preds, tmp_path / "a.json")
    code = main(["evaluate", str(ckpts["pair"]), "--task", "xnli", "--data",
                 str(SAMPLE / "xnli"), "--lang", "de", "--device", "cpu", "--no-cache",
                 "--predictions", str(preds)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "already exists; pass --force" in err, err


TATOEBA_DE = ["Ich liebe dich sehr.", "Wo ist der Bahnhof?", "Das Wetter ist heute schön.",
              "Er trinkt gern Kaffee.", "Wir fahren morgen nach Berlin.", "Sie liest ein Buch.",
              "Der Hund schläft im Garten.", "Mein Bruder wohnt in Wien."]
TATOEBA_EN = ["I love you very much.", "Where is the station?", "The weather is nice today.",
              "He likes drinking coffee.", "We are going to Berlin tomorrow.",
              "She is reading a book.", "The dog is sleeping in the garden.",
              "My brother lives in Vienna."]


def test_tatoeba_in_xtremes_sorted_layout_scores_as_the_aligned_files(ckpts, tmp_path, capsys):
    """XTREME's download leaves the English side sorted and keeps the alignment in its label
    file (per English line, the line of its source); the submission's indices, scored by
    XTREME's accuracy, equal robustx's accuracy on LASER's aligned files."""
    laser, xt, labels = tmp_path / "laser", tmp_path / "download" / "tatoeba", tmp_path / "lab"
    for d in (laser, xt, labels / "tatoeba"):
        d.mkdir(parents=True)
    (laser / "tatoeba.deu-eng.deu").write_text("\n".join(TATOEBA_DE) + "\n", encoding="utf-8")
    (laser / "tatoeba.deu-eng.eng").write_text("\n".join(TATOEBA_EN) + "\n", encoding="utf-8")
    order = sorted(range(len(TATOEBA_EN)), key=lambda i: TATOEBA_EN[i])
    (xt / "de-en.de").write_text("\n".join(TATOEBA_DE) + "\n", encoding="utf-8")
    (xt / "de-en.en").write_text("".join(TATOEBA_EN[i] + "\n" for i in order), encoding="utf-8")
    (labels / "tatoeba" / "test-de.tsv").write_text("".join(f"{i}\n" for i in order))
    ours = main(["evaluate", str(ckpts["retrieval"]), "--task", "tatoeba", "--data", str(laser),
                 "--device", "cpu", "--no-cache", "--out", str(tmp_path / "laser.json")])
    code = main(["evaluate", str(ckpts["retrieval"]), "--task", "tatoeba", "--data", str(xt),
                 "--device", "cpu", "--no-cache", "--out", str(tmp_path / "xt.json"),
                 "--predictions", str(tmp_path / "p")])
    assert (ours, code) == (0, 0), capsys.readouterr().err
    accuracy = json.loads((tmp_path / "laser.json").read_text())["results"]["de"]["score"]
    xtreme = evaluate_one_task(str(tmp_path / "p" / "tatoeba" / "test-de.tsv"),
                               str(labels / "tatoeba" / "test-de.tsv"), "tatoeba")
    assert xtreme["accuracy"] == pytest.approx(accuracy, abs=1e-9)
    assert json.loads((tmp_path / "xt.json").read_text())["results"]["de"]["unlabeled"]


def test_bucc_test_predictions_use_the_threshold_chosen_on_dev(ckpts, tmp_path, capsys):
    """As XTREME: mine dev, choose the threshold against its gold, apply it to test. With a
    test corpus equal to dev, XTREME's bucc_f1 of the submission equals robustx's dev F1."""
    src = tmp_path / "download" / "bucc2018"
    src.mkdir(parents=True)
    de = [f"de-{i:06d}\t{t}" for i, t in enumerate(TATOEBA_DE)]
    en = [f"en-{i:06d}\t{t}" for i, t in enumerate([*TATOEBA_EN[:6], "A line.", "Another."])]
    gold = [f"de-{i:06d}\ten-{i:06d}" for i in range(6)]
    for split in ("dev", "test"):
        (src / f"de-en.{split}.de").write_text("\n".join(de) + "\n", encoding="utf-8")
        (src / f"de-en.{split}.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    (src / "de-en.dev.gold").write_text("\n".join(gold) + "\n", encoding="utf-8")
    labels = tmp_path / "test.gold"
    labels.write_text("\n".join(gold) + "\n", encoding="utf-8")
    code = main(["evaluate", str(ckpts["retrieval"]), "--task", "bucc", "--data", str(src),
                 "--device", "cpu", "--no-cache", "--out", str(tmp_path / "s.json"),
                 "--predictions", str(tmp_path / "p")])
    assert code == 0, capsys.readouterr().err
    doc = json.loads((tmp_path / "s.json").read_text())
    dev = next(r for r in doc["results"].values() if not r.get("unlabeled"))
    assert dev["corpus"] == "full"
    xtreme = evaluate_one_task(str(tmp_path / "p" / "bucc2018" / "test-de.tsv"), str(labels),
                               "bucc2018")
    assert xtreme["f1"] == pytest.approx(dev["metrics"]["f1"], abs=1e-9)


def test_bucc_test_predictions_without_dev_say_how_to_get_a_threshold(ckpts, tmp_path, capsys):
    src = tmp_path / "bucc2018"
    src.mkdir()
    (src / "de-en.test.de").write_text("de-1\tIch liebe dich.\n", encoding="utf-8")
    (src / "de-en.test.en").write_text("en-1\tI love you.\n", encoding="utf-8")
    code = main(["evaluate", str(ckpts["retrieval"]), "--task", "bucc", "--data", str(src),
                 "--device", "cpu", "--no-cache", "--predictions", str(tmp_path / "p")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "needs a threshold" in err, err


def test_help_names_the_flag(capsys):
    assert main(["evaluate", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "[--predictions DIR]" in out and "XTREME's submission layout" in out


def test_a_language_value_that_is_no_code_cannot_name_a_file(ckpts, tmp_path, capsys):
    data = tmp_path / "xnli.jsonl"
    data.write_text("".join(json.dumps({"language": lang, "sentence1": "a b", "sentence2": "c",
                                        "gold_label": "neutral"}) + "\n"
                            for lang in ("de", "../../evil")), encoding="utf-8")
    code = main(["evaluate", str(ckpts["pair"]), "--task", "xnli", "--data", str(data),
                 "--device", "cpu", "--no-cache", "--predictions", str(tmp_path / "p")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "is not a language code" in err, err
    assert not (tmp_path / "p").exists() and not (tmp_path.parent / "evil.tsv").exists()
