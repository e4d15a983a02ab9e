"""`robustx train` end to end on tiny models: outputs, determinism, stages, noise, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("accelerate")
torch = pytest.importorskip("torch")

from robustx.cli import main  # noqa: E402
from robustx.tasks.sources import SAMPLE_DIR  # noqa: E402

XNLI = str(SAMPLE_DIR / "xnli" / "en.jsonl")  # 6 pairs: a step per run at batch 8
FAST = ["--epochs", "2", "--batch-size", "4", "--lr", "1e-3", "--device", "cpu", "--quiet"]


def _train(base: Path, out: Path, *extra: str, task: str = "xnli", data: str = XNLI) -> dict:
    code = main(["train", str(base), "--task", task, "--data", data, "--out", str(out),
                 *FAST, *extra])
    assert code == 0
    return json.loads((out / "training.json").read_text(encoding="utf-8"))


def _weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "model.safetensors"))


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture(scope="module")
def base(tiny_checkpoints):
    return tiny_checkpoints["pair"]


def test_outputs_load_in_evaluate_and_compare(base, tmp_path, capsys):
    doc = _train(base, tmp_path / "m", "--adversarial", "freelb", "--adv-steps", "2",
                 "--eval-data", str(SAMPLE_DIR / "xnli" / "en.jsonl"))
    out = tmp_path / "m"
    assert (out / "model.safetensors").is_file() and not (out / "pytorch_model.bin").exists()
    assert doc["recipe"].startswith(f"train[xnli]|base:{base}|adv:freelb(eps=0.3,steps=2,lr=0.1)|")
    assert doc["recipe"].endswith("|ep:2|lr:0.001|bs:4|len:32|seed:0|v:" + doc["version"])
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and f"recipe: {doc['recipe']}" in card
    stage = doc["stages"][0]
    assert stage["examples"] == stage["features"] == 6 and stage["steps"] == 4
    logs = [e for e in stage["log"] if "loss" in e]
    assert logs and all("clean_loss" in e and "adv_loss" in e for e in logs)
    assert [e["epoch"] for e in stage["log"] if "eval_loss" in e] == [1.0, 2.0]  # --eval-data
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["finetuning_task"] == "xnli"
    assert list(config["id2label"].values()) == ["entailment", "neutral", "contradiction"]
    assert main(["evaluate", str(out), "--task", "xnli", "--data", XNLI, "--no-cache",
                 "--quiet", "--out", str(tmp_path / "s.json")]) == 0
    scores = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert scores["task"] == "xnli"
    from robustx.eval.task_inference import infer_task

    task, why = infer_task([out, out])  # what compare runs when no --task is given
    assert task.name == "xnli" and "finetuning_task" in why


def test_fgm_with_eps_zero_is_standard_training_exactly(base, tmp_path):
    _train(base, tmp_path / "std")
    _train(base, tmp_path / "fgm0", "--adversarial", "fgm", "--adv-eps", "0")
    _train(base, tmp_path / "fgm", "--adversarial", "fgm", "--adv-eps", "0.5")
    std = _weights(tmp_path / "std")
    assert _same(std, _weights(tmp_path / "fgm0"))
    assert not _same(std, _weights(tmp_path / "fgm"))  # a real perturbation changes weights


def test_a_seed_gives_identical_weights(base, tmp_path):
    for name in ("a", "b"):
        _train(base, tmp_path / name, "--adversarial", "freelb", "--seed", "3")
    _train(base, tmp_path / "c", "--adversarial", "freelb", "--seed", "4")
    a = _weights(tmp_path / "a")
    assert _same(a, _weights(tmp_path / "b"))
    assert not _same(a, _weights(tmp_path / "c"))


def test_intermediate_stage_then_target_with_noise(base, tmp_path):
    """QA intermediate (head dropped, encoder kept) -> XNLI, typo noise on every example."""
    doc = _train(base, tmp_path / "m", "--intermediate", str(SAMPLE_DIR / "xquad" / "en.jsonl"),
                 "--noise", "typo", "--noise-rate", "1", "--max-length", "32", "--epochs", "1",
                 "--batch-size", "16")  # the QA stage has ~60 windows
    first, target = doc["stages"]
    assert (first["name"], first["family"], target["name"]) == ("en", "qa", "xnli")
    assert first["features"] > first["examples"]  # long contexts: several windows each
    assert target["noisy_examples"] == target["examples"]
    assert doc["recipe"].startswith(f"train[xnli<-en]|base:{base}|adv:none|noise:typo.v")
    assert "(sev=3,rate=1)" in doc["recipe"]
    config = json.loads((tmp_path / "m" / "config.json").read_text(encoding="utf-8"))
    assert config["architectures"] == ["XLMRobertaForSequenceClassification"]


def test_tagging_target(tiny_checkpoints, tmp_path):
    doc = _train(tiny_checkpoints["tagging"], tmp_path / "m", "--adversarial", "pgd",
                 "--adv-steps", "1", task="panx", data=str(SAMPLE_DIR / "panx" / "en.jsonl"))
    assert doc["stages"][0]["family"] == "tagging"
    assert main(["evaluate", str(tmp_path / "m"), "--task", "panx", "--data",
                 str(SAMPLE_DIR / "panx" / "en.jsonl"), "--no-cache", "--quiet"]) == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--task", "tatoeba"], "no training head"),
    (["--adversarial", "freelbb"], "did you mean 'freelb'"),
    (["--adv-eps", "-1"], "--adv-eps must be >= 0"),
    (["--noise-rate", "2"], "--noise-rate must be within 0..1"),
    (["--noise", "nosuchprofile"], "nosuchprofile"),
    (["--epochs", "0"], "--epochs must be > 0"),
    (["--data", "/nonexistent/data"], "no such file"),
    (["--intermediate", "nosuchtask"], "unknown task"),
    (["--precision", "bf16"], "--precision bf16 needs a CUDA device"),
    (["--task", "xquad"], "missing column 'context'"),  # XNLI pairs as QA data
])
def test_bad_input_exits_2(base, tmp_path, capsys, args, message):
    argv = ["train", str(base), "--task", "xnli", "--data", XNLI, "--out",
            str(tmp_path / "o"), *FAST]
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_existing_out_is_refused_without_force(base, tmp_path, capsys):
    (tmp_path / "o").mkdir()
    argv = ["train", str(base), "--task", "xnli", "--data", XNLI, "--out", str(tmp_path / "o"),
            *FAST]
    assert main(argv) == 2
    assert "--force" in capsys.readouterr().err


def test_missing_accelerate_names_the_extra(base, tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "accelerate", None)  # import accelerate -> ImportError
    argv = ["train", str(base), "--task", "xnli", "--data", XNLI, "--out", str(tmp_path / "o"),
            *FAST]
    assert main(argv) == 2
    assert "robustx[train]" in capsys.readouterr().err


def test_qa_training_targets_are_the_answer_tokens(tiny_checkpoints):
    from transformers import AutoTokenizer

    from robustx.eval.heads import HEADS, qa
    from robustx.tasks import QA
    from robustx.tasks.sources import load_splits

    tok = AutoTokenizer.from_pretrained(tiny_checkpoints["qa"])
    split = load_splits("xquad", ["en"], sample=True)[0]
    feats = HEADS.get(QA).train_features(tok, split, 160, [])
    _, windows = qa.encode(tok, split, qa.QAParams(max_seq_len=160), 160)  # same windows
    answers, contexts = split.dataset["answers"], split.dataset["context"]
    hits = 0
    for (ex, f), win in zip(feats, windows, strict=True):
        s, e = f["start_positions"], f["end_positions"]
        if (s, e) == (0, 0):
            continue
        hits += 1
        start, end = win.offsets[s][0], win.offsets[e][1]
        assert contexts[ex][start:end].strip() == answers[ex]["text"][0].strip()
    assert hits >= len(split.dataset)  # every answer is inside at least one window


def test_tagging_targets_sit_on_first_subwords(tiny_checkpoints):
    from transformers import AutoTokenizer

    from robustx.eval.heads import HEADS
    from robustx.tasks import TAGGING
    from robustx.tasks.labels import gold_names
    from robustx.tasks.sources import load_splits

    tok = AutoTokenizer.from_pretrained(tiny_checkpoints["tagging"])
    split = load_splits("panx", ["en"], sample=True)[0]
    labels = list(split.task.labels)
    feats = HEADS.get(TAGGING).train_features(tok, split, 128, labels)
    assert len(feats) == len(split.dataset)
    for ex, f in feats:
        tags = gold_names(split.dataset["ner_tags"][ex], split.label_names)
        got = [labels[t] for t in f["labels"] if t != -100]
        assert got == tags
        assert f["labels"][0] == -100 and f["labels"][-1] == -100  # <s> and </s>


def test_a_task_named_intermediate_reads_the_hubs_english_train_split(base, tmp_path,
                                                                     monkeypatch, capsys):
    from robustx.errors import InputError
    from robustx.tasks import sources

    asked = []

    def fake_hub(task, langs, split):
        asked.append((task.name, langs, split))
        raise InputError("offline")

    monkeypatch.setattr(sources, "load_hub", fake_hub)
    argv = ["train", str(base), "--task", "xnli", "--data", XNLI, "--out", str(tmp_path / "o"),
            "--intermediate", "panx", *FAST]
    assert main(argv) == 2
    assert asked == [("panx", ["en"], "train")]


def test_save_steps_and_resume_after_an_interruption(base, tmp_path, monkeypatch, capsys):
    """Two stages with checkpoints; the run dies after training (the output is not written),
    the target stage loses its finished marker (as if killed after its last checkpoint), and
    --resume gives the weights of an uninterrupted run."""
    import shutil

    from robustx.experiment import train as T

    stages = ["--intermediate", str(SAMPLE_DIR / "xnli" / "de.jsonl")]
    _train(base, tmp_path / "whole", *stages)
    out = tmp_path / "m"
    argv = ["train", str(base), "--task", "xnli", "--data", XNLI, "--out", str(out), *FAST,
            *stages, "--save-steps", "1"]

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    with monkeypatch.context() as m:
        m.setattr(T, "_write", crash)
        assert main(argv) == 3
    partial = T.partial_dir(out)
    assert (partial / "stage-0" / "stage.json").is_file() and not out.exists()
    assert sorted(p.name for p in (partial / "stage-1" / "trainer").glob("checkpoint-*")) == [
        "checkpoint-3", "checkpoint-4"]  # save_total_limit 2
    (partial / "stage-1" / "stage.json").unlink()
    shutil.rmtree(partial / "stage-1" / "final")
    assert main(argv) == 2  # neither --resume nor --force
    assert "--resume" in capsys.readouterr().err
    assert main([*argv, "--resume"]) == 0
    assert not partial.exists()
    assert _same(_weights(tmp_path / "whole"), _weights(out))
    doc = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in doc["stages"]] == ["de", "xnli"]
    assert main(["train", str(base), "--task", "xnli", "--data", XNLI, "--out",
                 str(tmp_path / "n"), "--resume", *FAST]) == 2  # no --save-steps
