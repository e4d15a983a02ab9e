"""Task heads: each turns a Split and a model into per-example predictions via the engine.

Shared here: mapping a checkpoint's ``id2label`` onto the label names of the data
(:func:`robustx.tasks.labels.label_space`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...errors import ModelError

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
