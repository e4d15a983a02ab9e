"""Task heads: each turns a Split and a model into per-example predictions via the engine.

One :class:`Head` per task family in :data:`HEADS`, keyed by the family's name, so evaluation
looks a split's head up instead of branching on its family. Shared here too: mapping a
checkpoint's ``id2label`` onto the label names of the data
(:func:`robustx.tasks.labels.label_space`), and the gold-label check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ...errors import InputError, ModelError
from ...registry import Registry
from ...tasks.labels import unknown_labels

_GENERIC = re.compile(r"^LABEL_(\d+)$")


def match_labels(
    id2label: dict[int, str], data_labels: Sequence[str], what: str = "label"
) -> tuple[list[int], list[str]]:
    """For each data label, the model output index that means it; plus warnings.

    Names match case-insensitively. A checkpoint with only generic ``LABEL_i`` names is mapped
    by index, and only when both label sets have the same size (with a warning, since nothing
    checks the order). Anything else that does not match is a ModelError.
    """
    model = {int(i): str(n) for i, n in id2label.items()}
    by_name = {n.lower(): i for i, n in model.items()}
    ids = [by_name.get(str(d).lower()) for d in data_labels]
    if all(i is not None for i in ids):
        notes = []
        if len(model) > len(data_labels):
            extra = sorted(set(model.values()) - {model[i] for i in ids})
            notes.append(f"checkpoint {what}s {extra} are not in the data and are never predicted")
        return [int(i) for i in ids], notes
    generic = all(_GENERIC.match(n) for n in model.values())
    if generic and len(model) == len(data_labels):
        order = sorted(model, key=lambda i: int(_GENERIC.match(model[i]).group(1)))
        note = (f"checkpoint has generic {what} names {[model[i] for i in order]}; mapped by "
                f"index onto {list(data_labels)} (unchecked: the order must match training)")
        return order, [note]
    missing = [d for d, i in zip(data_labels, ids, strict=True) if i is None]
    raise ModelError(
        f"cannot match the checkpoint's {what}s {sorted(model.values())} to the data's "
        f"{list(data_labels)} (no match for {missing})"
    )


def check_gold(split, metric, gold: Callable[[], list[str]], what: str) -> None:
    """Fail when a gold label is not among the metric's label names (when it has labels)."""
    names = metric.label_space(split)
    if names is None:
        return
    bad = unknown_labels(gold(), names)
    if bad:
        raise InputError(f"{split.source}: gold {what}(s) {bad[:5]} are not among the {what}s "
                         f"of {split.name} {list(names)}")


class Outcome(NamedTuple):
    """How one example fares, for an adversarial search.

    ``score``: the model's support for the gold answer, which a search drives down (the
    probability of the gold label, the mean probability of the gold tags, the F1 of the answer).
    ``right``: the parts of the example the model gets right (``{0}`` or nothing for a label
    or an answer with F1 above 0; gold entities or tokens for tagging, see
    :meth:`~robustx.eval.metrics.Metric.right_parts`); an attack succeeds when a part right
    before is lost.
    """

    score: float
    right: frozenset
    pred: Any = None  # the prediction, as the head's ``predict`` gives it (for the metric)


class Head:
    """What evaluation needs from a family's head.

    ``trained``: the checkpoint must carry trained head weights (retrieval reads the encoder).
    ``layered``: predictions come from a chosen hidden layer and pooling (``--layer``,
    ``--pool``).
    """

    trained: bool = True
    layered: bool = False
    attackable: bool = False  # :meth:`outcomes` is implemented (``robustx attack``)
    train_length: int = 128  # default --max-length of `robustx train` (XTREME's scripts)

    def params(self, model_config, layer: int | None, metric=None, pool: str | None = None
               ) -> dict[str, Any]:
        """Parameters that change predictions (recorded in the document and the cache key);
        ``layer``/``pool`` are None for the defaults, which may depend on the ``metric``."""
        return {}

    def check(self, split, metric) -> None:
        """Fail before any model loads on data this head cannot predict or score."""

    def predict(self, model, tokenizer, split, config, params: dict[str, Any], metric
                ) -> tuple[list, list[str]]:
        """Predictions for ``split`` (JSON-able, one per row unless the metric says otherwise)
        and warnings."""
        raise NotImplementedError

    def can_attack(self, metric) -> bool:
        """Whether :meth:`outcomes` can score rows of a split scored by ``metric``."""
        return self.attackable

    def corpus(self, model, tokenizer, split, config, params: dict[str, Any], metric) -> Any:
        """What the outcomes of rows like ``split``'s are judged against, prepared once per
        split (retrieval: the target side, which an attack never changes); None when every
        row stands alone."""
        return None

    def outcomes(self, model, tokenizer, split, config, params: dict[str, Any], metric,
                 corpus: Any = None) -> list[Outcome]:
        """One :class:`Outcome` per row of a labelled ``split`` (see ``attackable``);
        ``corpus``: what :meth:`corpus` prepared from the whole split."""
        raise NotImplementedError

    def outcome_score(self, outcomes: Sequence[Outcome], split, metric) -> float:
        """The score of ``outcomes`` of ``split``'s rows: the task's metric of their
        predictions, as ``robustx evaluate`` scores the split."""
        return metric.score([o.pred for o in outcomes], split)[0][metric.primary]

    def train_config(self, labels: Sequence[str]) -> dict[str, Any]:
        """Config overrides of a model trained for this head: one output per label."""
        return {"num_labels": len(labels), "id2label": dict(enumerate(labels)),
                "label2id": {n: i for i, n in enumerate(labels)}}

    def train_features(self, tokenizer, split, max_length: int, labels: Sequence[str]
                       ) -> list[tuple[int, dict[str, Any]]]:
        """Training features with their targets, each with the row it comes from: encoded by
        the same code as :meth:`predict`'s inputs, so training and evaluation see the same
        tokens. ``labels``: the model's label names, index = output id."""
        raise NotImplementedError(f"{type(self).__name__} has no training head")


HEADS: Registry[Head] = Registry("model head")

from . import classify, qa, retrieval, tagging  # noqa: E402,F401  (they register)
