"""compare infers --task from the checkpoints' configs, or says why it cannot."""

from __future__ import annotations

import json

import pytest

from robustx.errors import UsageError
from robustx.eval.task_inference import candidates, infer_task

NER = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
POS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
       "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"]


def cfg(arch: str, labels=None, **extra) -> dict:
    doc = {"architectures": [arch], **extra}
    if labels is not None:
        doc["id2label"] = {str(i): n for i, n in enumerate(labels)}
    return doc


@pytest.mark.parametrize(("config", "tasks"), [
    (cfg("XLMRobertaForSequenceClassification", ["entailment", "neutral", "contradiction"]),
     ["xnli"]),
    (cfg("XLMRobertaForSequenceClassification", ["Contradiction", "Entailment", "Neutral"]),
     ["xnli"]),
    (cfg("XLMRobertaForSequenceClassification", ["0", "1"]), ["pawsx"]),
    (cfg("XLMRobertaForSequenceClassification", ["LABEL_0", "LABEL_1", "LABEL_2"]), ["xnli"]),
    (cfg("XLMRobertaForTokenClassification", NER), ["panx"]),
    (cfg("XLMRobertaForTokenClassification", POS), ["udpos"]),
    (cfg("XLMRobertaForTokenClassification", ["O", "B-MISC"]), []),
    (cfg("XLMRobertaForQuestionAnswering"), ["mlqa", "tydiqa", "xquad"]),
    (cfg("XLMRobertaForMaskedLM"), ["bucc", "tatoeba"]),
    (cfg("XLMRobertaModel"), ["bucc", "tatoeba"]),
    (cfg("XLMRobertaForQuestionAnswering", finetuning_task="xquad"), ["xquad"]),
    (cfg("XLMRobertaForTokenClassification", NER, finetuning_task="ner"), ["panx"]),
    (cfg("XLMRobertaForSequenceClassification", ["0", "1"], finetuning_task="mnli"), ["pawsx"]),
])
def test_candidates(config, tasks):
    assert sorted(candidates(config)[0]) == tasks


def write(tmp_path, name, config):
    (tmp_path / name).mkdir()
    (tmp_path / name / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return tmp_path / name


def test_both_checkpoints_must_agree(tmp_path):
    xnli = write(tmp_path, "a", cfg("XLMRobertaForSequenceClassification",
                                    ["entailment", "neutral", "contradiction"]))
    ner = write(tmp_path, "b", cfg("XLMRobertaForTokenClassification", NER))
    task, why = infer_task([xnli, xnli])
    assert task.name == "xnli" and "labels entailment, neutral, contradiction" in why
    with pytest.raises(UsageError, match=r"fit different tasks .* a -> xnli, b -> panx"):
        infer_task([xnli, ner])


def test_qa_is_ambiguous_and_says_the_candidates(tmp_path):
    qa = write(tmp_path, "qa", cfg("XLMRobertaForQuestionAnswering"))
    with pytest.raises(UsageError, match=r"fit mlqa, tydiqa, xquad .*pass --task"):
        infer_task([qa, qa])


def test_compare_without_task_through_the_cli(tiny_checkpoints, tmp_path, capsys):
    from robustx.cli import main

    pair = str(tiny_checkpoints["pair"])
    code = main(["compare", pair, pair, "--sample", "--lang", "de,en", "--device", "cpu",
                 "--no-cache", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "robustx: task xnli (from " in err
    assert json.loads((tmp_path / "r" / "report.json").read_text())["task"] == "xnli"
    qa = str(tiny_checkpoints["qa"])
    assert main(["compare", qa, qa, "--sample", "--out", str(tmp_path / "q")]) == 2
    assert "cannot infer --task" in capsys.readouterr().err
    assert not (tmp_path / "q").exists()
