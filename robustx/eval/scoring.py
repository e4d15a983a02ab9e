"""Turn predictions into metrics through additive per-example statistics.

Every metric here is a function of *sums* of per-example statistics (``STATS``), so a paired
bootstrap only has to resample examples, sum their stats and call :func:`metrics_from_stats`;
McNemar uses the 0/1 ``correct`` vector of the classification kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..tasks import FAMILIES
from ..tasks.labels import gold_labels, gold_names
from . import metrics as M

STATS = {
    "accuracy": ("correct",),
    "tatoeba": ("correct",),
    "pos": ("correct", "total"),
    "ner": ("tp", "pred", "gold"),
    "bucc": ("tp", "pred", "gold"),
    "squad": ("exact_match", "f1"),
    "mlqa": ("exact_match", "f1"),
}
PRIMARY = {"accuracy": "accuracy", "tatoeba": "accuracy", "pos": "accuracy", "ner": "f1",
           "bucc": "f1", "squad": "f1", "mlqa": "f1"}


def kind_of(split) -> str:
    """Which metric a split gets: its task's, else its family's default for its gold labels."""
    if split.task is not None:
        return split.task.metric
    family = FAMILIES.get(split.family)
    return family.metric(list(split.label_names or ()) or gold_labels(split, None, limit=200))


def metrics_from_stats(kind: str, sums: dict[str, float], n: int) -> dict[str, float]:
    """Metric values (percentages) from summed statistics over ``n`` examples."""
    if kind in ("accuracy", "tatoeba"):
        return {"accuracy": 100 * sums["correct"] / n if n else 0.0}
    if kind == "pos":
        return {"accuracy": 100 * sums["correct"] / sums["total"] if sums["total"] else 0.0}
    if kind in ("ner", "bucc"):
        return M.prf(sums["tp"], sums["pred"], sums["gold"])
    return {"exact_match": 100 * sums["exact_match"] / n if n else 0.0,
            "f1": 100 * sums["f1"] / n if n else 0.0}


def _answers(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(t) for t in value.get("text", [])]
    if isinstance(value, str):
        return [value]
    return [str(v["text"]) if isinstance(v, dict) else str(v) for v in value]


def example_stats(kind: str, preds: Sequence, split) -> dict[str, list[float]]:
    """Per-example statistics (lists aligned with the split's rows)."""
    f, ds = split.fields, split.dataset
    if kind == "accuracy":
        gold = gold_names(ds[f["label"]], split.label_names)
        return {"correct": [float(str(p).lower() == g.lower()) for p, g in
                            zip(preds, gold, strict=True)]}
    if kind in ("ner", "pos"):
        golds = [gold_names(row, split.label_names) for row in ds[f["tags"]]]
        if kind == "pos":
            return {"correct": [float(sum(a == b for a, b in zip(g, p, strict=True)))
                                for g, p in zip(golds, preds, strict=True)],
                    "total": [float(len(g)) for g in golds]}
        counts = [M.entity_counts(g, p) for g, p in zip(golds, preds, strict=True)]
        return {k: [float(c[i]) for c in counts] for i, k in enumerate(STATS["ner"])}
    if kind in ("squad", "mlqa"):
        lang = split.lang if kind == "mlqa" else None
        golds = [_answers(a) for a in ds[f["answers"]]]
        return {"exact_match": [M.qa_exact(p, g, lang) for p, g in zip(preds, golds, strict=True)],
                "f1": [M.qa_f1(p, g, lang) for p, g in zip(preds, golds, strict=True)]}
    if kind == "tatoeba":
        # preds[i]: the row whose source is nearest to row i's target; a duplicate source
        # sentence is as good as the row's own
        sources = [str(t) for t in ds[f["source"]]]
        return {"correct": [float(sources[p] == sources[i]) for i, p in enumerate(preds)]}
    raise AssertionError(kind)


def bucc_stats(candidates: Sequence[Sequence], split) -> tuple[dict[str, list[float]], float]:
    """Per-row (gold pair) stats at the F1-optimal threshold, and that threshold.

    Predicted pairs are shared out over the rows with the same source sentence, so the sums
    are exactly the corpus-level counts.
    """
    from .heads.retrieval import pools

    _, _, gold_rows = pools(split)
    gold = set(gold_rows)
    threshold, _ = M.bucc_best_threshold(candidates, gold)
    predicted = {(int(i), int(j)) for i, j, s in candidates if s >= threshold}
    per_source: dict[int, int] = {}
    for i, _j in predicted:
        per_source[i] = per_source.get(i, 0) + 1
    rows_per_source: dict[int, int] = {}
    for i, _j in gold_rows:
        rows_per_source[i] = rows_per_source.get(i, 0) + 1
    tp, pred, first = [], [], []
    seen: set[tuple[int, int]] = set()
    for pair in gold_rows:
        first.append(float(pair not in seen))
        tp.append(float(pair in predicted and pair not in seen))
        seen.add(pair)
        pred.append(per_source.get(pair[0], 0) / rows_per_source[pair[0]])
    return {"tp": tp, "pred": pred, "gold": first}, threshold


def score(kind: str, preds: Sequence, split) -> tuple[dict[str, float], dict[str, list[float]]]:
    """(metrics, per-example stats) of ``preds`` on ``split``."""
    extra: dict[str, float] = {}
    if kind == "bucc":
        stats, threshold = bucc_stats(preds, split)
        extra["threshold"] = threshold
    else:
        stats = example_stats(kind, preds, split)
    n = len(split.dataset)
    sums = {k: float(sum(v)) for k, v in stats.items()}
    return {**metrics_from_stats(kind, sums, n), **extra}, stats
