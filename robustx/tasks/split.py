"""The :class:`Split` record every reader produces and every consumer takes, and the names of
robustx's hidden columns.

Hidden columns are what the flattener of a SQuAD-style document adds to each question's row so
that every question of a paragraph gets the same noisy context. The engine reads them, the
writers drop them (they are never written), evaluation ignores them; no input may have them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import Task

HIDDEN_PREFIX = "__rx_"
PARA_KEY = "__rx_para"  # stable key of the question's paragraph (its context and question ids)
PARA_ANSWERS = "__rx_para_answers"  # every answer of every question of the paragraph
ROW_LANG = "__rx_lang"  # a row's language when only its id says it (TyDiQA's "arabic-...")


@dataclass
class Split:
    """One language of one task, ready to corrupt or evaluate.

    Columns are kept exactly as read so that a corrupted copy is a drop-in replacement;
    ``fields`` tells consumers which column plays which role.
    """

    task: Task | None
    family: str
    lang: str
    dataset: Any  # datasets.Dataset
    fields: dict[str, str]
    label_names: tuple[str, ...] | None
    source: str
    relpath: str
    fmt: str
    manifest: dict | None = field(default=None, repr=False)
    # What the writer needs to give the input its shape back: for SQuAD-style JSON the document
    # without the parts the rows carry (a dict, see :func:`robustx.tasks.io.squad.squad_rows`);
    # for JSON rows that differ in their keys, each row's keys (:class:`robustx.tasks.io.base.RowKeys`).
    layout: Any = field(default=None, repr=False)
    # A side written in another language than the split's (MLQA's question in
    # test-context-de-question-en.json): role -> language.
    side_langs: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.task.name if self.task else self.family}/{self.lang}"

    @property
    def labelled(self) -> bool:
        """Whether the split carries gold to score against (see ``Family.has_gold``); False
        for XTREME's unlabeled test files (no label or tags column, QA answers all empty)."""
        from .families import FAMILIES

        return FAMILIES.get(self.family).has_gold(self.fields, lambda c: self.dataset[c])
