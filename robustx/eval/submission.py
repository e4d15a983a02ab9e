"""Predictions in XTREME's submission layout, as google-research/xtreme's ``evaluate.py`` reads
them: ``<dir>/<task>/test-<lang>.tsv|json`` (its ``mock_test_data/predictions``).

One writer per metric in :data:`SUBMISSIONS` (the metric knows what its predictions are):

* accuracy (XNLI, PAWS-X): ``.tsv``, one predicted label per line, in row order;
* ner, pos (PAN-X, UD-POS): ``.tsv``, one predicted tag per line, a blank line after each sentence;
* squad, mlqa (XQuAD, TyDiQA-GoldP, MLQA): ``.json``, ``{question id: predicted answer text}``;
* tatoeba: ``.tsv``, for each English sentence in file order the line number (from 0) of its
  nearest source sentence, as ``evaluate_retrieval.py`` writes it;
* bucc: ``.tsv``, ``source-id<TAB>target-id`` of every mined pair at or above the threshold
  chosen on the labelled (dev) split of the same language in this run, as XTREME chooses it on
  dev and applies it to test; without one it is a usage error.

A file with a language column is written as one file per language of its rows, in row order.
When a language has a labelled and an unlabeled split (XTREME's ``dev-de`` and ``test-de``),
the file is the unlabeled one's: the test split is what a submission holds. The folder is
XTREME's task name (``bucc2018`` for BUCC).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..registry import Registry
from ..tasks import languages
from ..tasks.discovery import LANG_COLUMNS


class Writer:
    """``text(preds, split, rows)``: the file's text for ``rows`` (indices into the split);
    ``suffix``: the file's extension; ``check(split)``: a usage error for data it cannot name."""

    def __init__(self, suffix: str, text: Callable[..., str],
                 check: Callable[[Any], None] | None = None, threshold: bool = False) -> None:
        self.suffix, self.text, self.check = suffix, text, check or (lambda split: None)
        self.threshold = threshold  # text() also takes a score threshold (BUCC's)


SUBMISSIONS: Registry[Writer] = Registry("submission layout")


def _labels(preds: Sequence, split: Any, rows: list[int]) -> str:
    return "".join(f"{preds[i]}\n" for i in rows)


def _tags(preds: Sequence, split: Any, rows: list[int]) -> str:
    return "".join("".join(f"{t}\n" for t in preds[i]) + "\n" for i in rows)


def _answers(preds: Sequence, split: Any, rows: list[int]) -> str:
    ids = split.dataset[split.fields["id"]]
    return json.dumps({str(ids[i]): str(preds[i]) for i in rows}, ensure_ascii=False,
                      indent=2) + "\n"


def _nearest_sources(preds: Sequence, split: Any, rows: list[int]) -> str:
    """Each English sentence's nearest source, as its line in the source file."""
    f, ds = split.fields, split.dataset
    sources = ds[f["source"]]
    line = {}  # row -> line of the source file
    for i, s in enumerate(sources):
        if s is not None:
            line[i] = len(line)
    targets = ds[f["target"]] if "target" in f else [None] * len(ds)
    return "".join(f"{line[preds[i]]}\n" for i in rows
                   if targets[i] is not None and preds[i] is not None)


def _mined_pairs(preds: Sequence, split: Any, rows: list[int], threshold: float) -> str:
    from .heads.retrieval import pools

    f, ds = split.fields, split.dataset
    p = pools(split)
    src_ids = ds[f["source_id"]] if "source_id" in f else ds[f["source"]]
    tgt_ids = ds[f["target_id"]] if "target_id" in f else ds[f["target"]]
    src_of, tgt_of = {}, {}
    for n, (si, ti) in enumerate(p.rows):
        if si is not None:
            src_of.setdefault(si, src_ids[n])
        if ti is not None:
            tgt_of.setdefault(ti, tgt_ids[n])
    return "".join(f"{src_of[int(i)]}\t{tgt_of[int(j)]}\n" for i, j, score in preds
                   if score >= threshold)


def _need_ids(split: Any) -> None:
    if "id" not in split.fields:
        raise UsageError(f"{split.source}: --predictions needs an 'id' column for QA (XTREME's "
                         "evaluate.py matches each answer to its question by id)")


for _name, _writer in (("accuracy", Writer("tsv", _labels)), ("ner", Writer("tsv", _tags)),
                       ("pos", Writer("tsv", _tags)),
                       ("squad", Writer("json", _answers, _need_ids)),
                       ("mlqa", Writer("json", _answers, _need_ids)),
                       ("tatoeba", Writer("tsv", _nearest_sources)),
                       ("bucc", Writer("tsv", _mined_pairs, threshold=True))):
    SUBMISSIONS.add(_name, _writer)


_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


def _rows_by_lang(split: Any) -> dict[str, list[int]]:
    """Rows per language (a language column's values, else the split's language); a value
    that is no language code cannot name a file (``../x`` would leave the folder)."""
    col = next((c for c in LANG_COLUMNS if c in split.dataset.column_names), None)
    langs = split.dataset[col] if col is not None else [split.lang] * len(split.dataset)
    out: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        out.setdefault(languages.code(str(lang)) or str(lang), []).append(i)
    bad = [lang for lang in out if not _CODE.fullmatch(lang)]
    if bad:
        raise UsageError(f"{split.source}: --predictions names files test-<lang>, and "
                         f"{bad[0]!r} is not a language code such as 'de' or 'zh'")
    return out


def plan(splits: Sequence, metrics: Sequence, folder: Path, force: bool
         ) -> dict[Path, tuple[int, list[int]]]:
    """Each file to write -> (index of its split, its rows). Usage errors, before any model
    loads: a metric without a writer, no task, two splits of one language that are both
    labelled or both not, a file that exists (without ``force``)."""
    out: dict[Path, tuple[int, list[int]]] = {}
    for k, (split, metric) in enumerate(zip(splits, metrics, strict=True)):
        if metric.name not in SUBMISSIONS:
            raise UsageError(f"--predictions: no XTREME submission layout for {metric.name} "
                             f"(written for: {', '.join(SUBMISSIONS)})")
        if split.task is None:
            raise UsageError("--predictions needs --task: XTREME's folders are named for it")
        writer = SUBMISSIONS.get(metric.name)
        writer.check(split)
        if writer.threshold and not split.labelled and not any(
                o.labelled and o.lang == split.lang for o in splits):
            raise _no_threshold(split)
        for lang, rows in _rows_by_lang(split).items():
            path = folder / split.task.submission_name / f"test-{lang}.{writer.suffix}"
            if path in out:
                other = splits[out[path][0]]
                if other.labelled == split.labelled:
                    raise UsageError(f"--predictions: two inputs hold {split.task.name} {lang} "
                                     f"(both would be {path}); evaluate them separately")
                if split.labelled:  # the other one is the test split
                    continue
            if path.exists() and not force:
                raise UsageError(f"{path} already exists; pass --force to replace it")
            out[path] = (k, rows)
    return out


def _threshold(k: int, splits: Sequence, values: Sequence[dict]) -> float:
    """BUCC's threshold for split ``k``: its own when it is labelled, else that of the labelled
    split of its language (dev) in this run."""
    if splits[k].labelled:
        return float(values[k]["threshold"])
    for s, v in zip(splits, values, strict=True):
        if s.labelled and s.lang == splits[k].lang and "threshold" in v:
            return float(v["threshold"])
    raise _no_threshold(splits[k])


def _no_threshold(split: Any) -> UsageError:
    return UsageError(f"{split.source}: --predictions for BUCC needs a threshold, chosen on "
                      f"the labelled split of {split.lang} (XTREME's dev files with their "
                      "gold, e.g. de-en.dev.*): evaluate the dev and test files together")


def write(files: dict[Path, tuple[int, list[int]]], splits: Sequence, metrics: Sequence,
          preds: Sequence[Sequence], values: Sequence[dict]) -> list[str]:
    """Write the planned files from each split's predictions (``values``: each split's metric
    values, for BUCC's threshold); returns their paths."""
    from ..core.files import write_text_atomic

    for path, (k, rows) in files.items():
        writer = SUBMISSIONS.get(metrics[k].name)
        extra = (_threshold(k, splits, values),) if writer.threshold else ()
        text = writer.text(preds[k], splits[k], rows, *extra)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, text)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return [str(p) for p in files]
