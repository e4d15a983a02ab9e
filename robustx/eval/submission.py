"""Predictions in XTREME's submission layout, as google-research/xtreme's ``evaluate.py`` reads
them: ``<dir>/<task>/test-<lang>.tsv|json`` (its ``mock_test_data/predictions``).

One writer per family in :data:`SUBMISSIONS`, keyed by the family's name:

* pair (XNLI, PAWS-X): ``.tsv``, one predicted label per line, in row order;
* tagging (PAN-X, UD-POS): ``.tsv``, one predicted tag per line, a blank line after each sentence;
* QA (XQuAD, MLQA, TyDiQA-GoldP): ``.json``, ``{question id: predicted answer text}``.

Retrieval has no writer yet (XTREME's BUCC file is mined pairs at a threshold tuned on the dev
split, and Tatoeba's index lines depend on its shuffled test targets): asking for it is a usage
error before any model loads. A file with a language column is written as one file per language
of its rows, in row order. The folder is XTREME's task name, which is robustx's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..registry import Registry
from ..tasks import PAIR, QA, TAGGING
from ..tasks.discovery import LANG_COLUMNS


class Writer:
    """``text(preds, split, rows)``: the file's text for ``rows`` (indices into the split);
    ``suffix``: the file's extension; ``check(split)``: a usage error for data it cannot name."""

    def __init__(self, suffix: str, text: Callable[[Sequence, Any, list[int]], str],
                 check: Callable[[Any], None] | None = None) -> None:
        self.suffix, self.text, self.check = suffix, text, check or (lambda split: None)


SUBMISSIONS: Registry[Writer] = Registry("submission layout")


def _labels(preds: Sequence, split: Any, rows: list[int]) -> str:
    return "".join(f"{preds[i]}\n" for i in rows)


def _tags(preds: Sequence, split: Any, rows: list[int]) -> str:
    return "".join("".join(f"{t}\n" for t in preds[i]) + "\n" for i in rows)


def _answers(preds: Sequence, split: Any, rows: list[int]) -> str:
    ids = split.dataset[split.fields["id"]]
    return json.dumps({str(ids[i]): str(preds[i]) for i in rows}, ensure_ascii=False,
                      indent=2) + "\n"


def _need_ids(split: Any) -> None:
    if "id" not in split.fields:
        raise UsageError(f"{split.source}: --predictions needs an 'id' column for QA (XTREME's "
                         "evaluate.py matches each answer to its question by id)")


SUBMISSIONS.add(PAIR, Writer("tsv", _labels))
SUBMISSIONS.add(TAGGING, Writer("tsv", _tags))
SUBMISSIONS.add(QA, Writer("json", _answers, _need_ids))


_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


def _rows_by_lang(split: Any) -> dict[str, list[int]]:
    """Rows per language (a language column's values, else the split's language); a value
    that is no language code cannot name a file (``../x`` would leave the folder)."""
    col = next((c for c in LANG_COLUMNS if c in split.dataset.column_names), None)
    langs = split.dataset[col] if col is not None else [split.lang] * len(split.dataset)
    out: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        out.setdefault(str(lang), []).append(i)
    bad = [lang for lang in out if not _CODE.fullmatch(lang)]
    if bad:
        raise UsageError(f"{split.source}: --predictions names files test-<lang>, and "
                         f"{bad[0]!r} is not a language code such as 'de' or 'zh'")
    return out


def plan(splits: Sequence, folder: Path, force: bool) -> dict[Path, tuple[int, list[int]]]:
    """Each file to write -> (index of its split, its rows). Usage errors, before any model
    loads: a family without a writer, no task, two splits of one language, a file that exists
    (without ``force``)."""
    out: dict[Path, tuple[int, list[int]]] = {}
    for k, split in enumerate(splits):
        if split.family not in SUBMISSIONS:
            raise UsageError(f"--predictions: no XTREME submission layout for {split.family} "
                             f"tasks yet (written for: {', '.join(SUBMISSIONS)})")
        if split.task is None:
            raise UsageError("--predictions needs --task: XTREME's folders are named for it")
        writer = SUBMISSIONS.get(split.family)
        writer.check(split)
        for lang, rows in _rows_by_lang(split).items():
            path = folder / split.task.name / f"test-{lang}.{writer.suffix}"
            if path in out:
                raise UsageError(f"--predictions: two inputs hold {split.task.name} {lang} "
                                 f"(both would be {path}); evaluate them separately")
            if path.exists() and not force:
                raise UsageError(f"{path} already exists; pass --force to replace it")
            out[path] = (k, rows)
    return out


def write(files: dict[Path, tuple[int, list[int]]], splits: Sequence,
          preds: Sequence[Sequence]) -> list[str]:
    """Write the planned files from each split's predictions; returns their paths."""
    from ..core.files import write_text_atomic

    for path, (k, rows) in files.items():
        text = SUBMISSIONS.get(splits[k].family).text(preds[k], splits[k], rows)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, text)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return [str(p) for p in files]
