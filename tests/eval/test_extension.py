"""A new metric and a new task are one registration each: nothing else in robustx changes.

The metric ("error_rate", 100 - accuracy over pair classification, with a statistic of its
own) and the task ("xnli_err", a pair task scored with it) exist only inside this test.
"""

from __future__ import annotations

import json

import pytest

from robustx.cli import main
from robustx.eval.metrics import METRICS, Metric, ratio
from robustx.tasks import PAIR, TASKS, Task
from robustx.tasks.labels import gold_names

from .helpers import PAIR_ROWS, write_jsonl

LANGS = ("de", "fr")


class ErrorRate(Metric):
    name = primary = "error_rate"
    stats = ("wrong",)
    labelled = True
    needs = ("label",)

    def example_stats(self, preds, split):
        gold = gold_names(split.dataset[split.fields["label"]], split.label_names)
        return {"wrong": [float(str(p).lower() != g.lower())
                          for p, g in zip(preds, gold, strict=True)]}

    def from_sums(self, sums, n):
        return {"error_rate": ratio(sums["wrong"], n)}


@pytest.fixture
def error_rate_task():
    xnli = TASKS.get("xnli")
    task = Task("xnli_err", PAIR, LANGS, "error_rate", xnli.hub_config, xnli.labels,
                hub_filter=xnli.hub_filter)
    with METRICS.added("error_rate", ErrorRate()), TASKS.added("xnli_err", task):
        yield task
    assert "error_rate" not in METRICS and "xnli_err" not in TASKS


def _evaluate(ckpt, task, data, out) -> dict:
    code = main(["evaluate", str(ckpt), "--task", task, "--data", str(data), "--device", "cpu",
                 "--no-cache", "--out", str(out)])
    assert code == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_a_registered_metric_and_task_evaluate_through_the_cli(error_rate_task, tiny_checkpoints,
                                                              tmp_path, capsys):
    data = tmp_path / "data"
    for i, lang in enumerate(LANGS):  # different rows per language: different scores
        write_jsonl(data / f"{lang}.jsonl", PAIR_ROWS[i:] + PAIR_ROWS[:i] * 2)
    ckpt = tiny_checkpoints["pair"]
    err = _evaluate(ckpt, "xnli_err", data, tmp_path / "err.json")
    acc = _evaluate(ckpt, "xnli", data, tmp_path / "acc.json")  # the same predictions
    capsys.readouterr()
    assert (err["task"], err["kind"], err["metric"]) == ("xnli_err", "error_rate", "error_rate")
    assert err["languages"] == acc["languages"] == list(LANGS)
    for lang in LANGS:
        got, want = err["results"][lang], acc["results"][lang]
        assert got["metrics"] == {"error_rate": got["score"]}
        assert got["score"] == pytest.approx(100 - want["score"], abs=1e-9)
    assert err["average"]["score"] == pytest.approx(100 - acc["average"]["score"], abs=1e-9)
    assert 0 < acc["average"]["score"] < 100  # the check is not 0 == 100 - 100
