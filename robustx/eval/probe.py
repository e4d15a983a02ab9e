"""Score given examples with a loaded checkpoint: the model queries of an adversarial search.

A search asks about many small sets of rewritten examples. :class:`Scorer` loads the checkpoint
once and answers each set in one pass of the family head's :meth:`~.heads.Head.outcomes`
through the inference engine (token-budget batches, bf16 on CUDA, OOM back-off), with a
memo keyed by the example's content, so an example met twice costs one model call.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core import defaults
from ..errors import UsageError
from .engine import EngineConfig, resolve_device, resolve_precision
from .heads import HEADS, Outcome
from .metrics import metric_of

__all__ = ["Outcome", "Scorer", "check_attackable"]

MEMO_MAX = 100_000  # memoised outcomes kept before the memo starts over


def check_attackable(family: str, metric: str | None = None) -> None:
    """UsageError for a family (or a metric of it, by name) whose head cannot score examples
    for a search (yet)."""
    from .metrics import METRICS

    head = HEADS.get(family)
    if not head.attackable:
        ok = sorted(n for n, h in HEADS.items() if h.attackable)
        raise UsageError(f"robustx attack does not support {family} tasks yet (supported "
                         f"families: {', '.join(ok)})")
    if metric is not None and not head.can_attack(METRICS.get(metric)):
        raise UsageError(f"robustx attack does not support {family} tasks scored by {metric} "
                         "yet")


class Scorer:
    """``scorer(rows) -> [Outcome]`` for rows shaped like ``template``'s (same columns).

    ``model_calls`` counts the examples that went through the model (memo hits excluded).
    """

    def __init__(self, checkpoint: str | Path, template, *, device: str = "auto",
                 batch_tokens: int = defaults.BATCH_TOKENS, precision: str = "auto",
                 allow_pickle: bool = False) -> None:
        from . import checkpoint as ckpt

        check_attackable(template.family, metric_of(template).name)
        self.model, self.tokenizer, self.path = ckpt.load(checkpoint, template.family,
                                                          allow_pickle)
        dev = resolve_device(device)
        prec, _ = resolve_precision(precision, dev)
        self.config = EngineConfig(device=str(dev), batch_tokens=batch_tokens, precision=prec,
                                   progress=False)
        self.template = template
        self.metric = metric_of(template)
        self.head = HEADS.get(template.family)
        self.params = self.head.params(self.model.config, None, self.metric, None)
        self.columns = sorted(set(template.fields.values()) & set(template.dataset.column_names))
        self.corpus = self.head.corpus(self.model, self.tokenizer, template, self.config,
                                       self.params, self.metric)  # once per split
        self.model_calls = 0
        self._memo: dict[str, Outcome] = {}

    def fingerprint(self, cache_dir: Path | None = None) -> str:
        from .checkpoint import fingerprint

        return fingerprint(self.path, cache_dir)

    def score(self, outcomes: Sequence[Outcome], split=None) -> float:
        """The head's score of ``outcomes`` of the rows of ``split`` (default: the template)."""
        return self.head.outcome_score(outcomes, self.template if split is None else split,
                                       self.metric)

    def evaluate(self, split) -> float:
        """``robustx evaluate``'s score of ``split`` (its own prediction, not outcomes)."""
        preds, _ = self.head.predict(self.model, self.tokenizer, split, self.config,
                                     self.params, self.metric)
        return self.metric.score(preds, split)[0][self.metric.primary]

    def _key(self, row: dict[str, Any]) -> str:
        return json.dumps([row.get(c) for c in self.columns], ensure_ascii=False, default=str)

    def __call__(self, rows: Sequence[dict[str, Any]]) -> list[Outcome]:
        keys = [self._key(r) for r in rows]
        todo: dict[str, dict[str, Any]] = {}
        for k, r in zip(keys, rows, strict=True):
            if k not in self._memo and k not in todo:
                todo[k] = r
        if todo:
            import datasets

            ds = datasets.Dataset.from_list(list(todo.values()),
                                            features=self.template.dataset.features)
            split = dataclasses.replace(self.template, dataset=ds)
            outs = self.head.outcomes(self.model, self.tokenizer, split, self.config,
                                      self.params, self.metric, self.corpus)
            self.model_calls += len(todo)
            if len(self._memo) + len(todo) > MEMO_MAX:
                self._memo.clear()
            self._memo.update(zip(todo, outs, strict=True))
        return [self._memo[k] for k in keys]
