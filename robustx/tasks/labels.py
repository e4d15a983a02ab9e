"""Label and tag names of a split, resolved in one place for the heads, metrics and checks.

A split's gold values are ints (indexing its label names) or strings; the names predictions are
expressed in are the split's own, else its task's, else the sorted gold values themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from .families import FAMILIES


def gold_names(values: Sequence, label_names: Sequence[str] | None) -> list[str]:
    """Gold labels as names: ints index ``label_names``, and so do digit strings that are not
    names themselves (a TSV or CSV cell holds the hub's ClassLabel int ``2`` as the text ``"2"``:
    contradiction for XNLI, while PAWS-X's names are ``"0"``/``"1"`` already); other strings pass
    through."""
    names = None if label_names is None else [str(n) for n in label_names]
    out = []
    for v in values:
        if isinstance(v, str) and names and v.isascii() and v.isdigit() and v not in names:
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int) or names is None \
                or not 0 <= v < len(names):
            out.append(str(v))  # an index outside the names (e.g. -1) stays visible as such
        else:
            out.append(names[v])
    return out


def unknown_labels(gold: Sequence[str], names: Sequence[str]) -> list[str]:
    """Gold labels (compared case-insensitively) that are not among ``names``."""
    known = {str(n).lower() for n in names}
    return sorted({g for g in gold if g.lower() not in known})


def gold_labels(split, label_names: Sequence[str] | None, limit: int | None = None) -> list[str]:
    """Every gold label of the split's label column as a name, tag rows flattened in order
    (the first ``limit`` rows only, when given); empty when the family has no label column."""
    role = FAMILIES.get(split.family).label_role
    if role is None or role not in split.fields:
        return []
    rows = split.dataset[split.fields[role]]
    rows = rows[:limit] if limit is not None else rows
    return [name for row in rows
            for name in gold_names(row if isinstance(row, list) else [row], label_names)]


def label_space(split) -> list[str]:
    """The label (or tag) names of the data: the split's, the task's, or the sorted gold values."""
    if split.label_names:
        return [str(n) for n in split.label_names]
    if split.task is not None and split.task.labels:
        return list(split.task.labels)
    return sorted(set(gold_labels(split, None)))
