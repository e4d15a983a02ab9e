"""One record per task family: what its columns mean, what may be corrupted, what it is scored with.

Everything that differs between pair classification, tagging, extractive QA and retrieval is
a field here, so the loaders, the noise engine and evaluation read the record instead of
branching on the family's name. Adding a family is one record (plus its head in
:mod:`robustx.eval.heads`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..registry import Registry

PAIR, TAGGING, QA, RETRIEVAL = "pair", "tagging", "qa", "retrieval"

# What noise must keep intact in an example (:attr:`Family.structure`): tokens rewritten one for
# one so that tags stay aligned; answer spans relocated into the noisy context; free-text sides.
TOKENS, SPANS, TEXT = "tokens", "spans", "text"


def _string(v: Any) -> bool:
    return isinstance(v, str)


def _strings(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _tags(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, (int, str)) and not isinstance(x, bool)
                                       for x in v)


def _answers(v: Any) -> bool:
    return isinstance(v, dict) and _strings(v.get("text")) and isinstance(
        v.get("answer_start"), list) and all(
        isinstance(x, int) and not isinstance(x, bool) for x in v["answer_start"])


@dataclass(frozen=True)
class Role:
    """One column's part in a family: its accepted names (first match wins) and its values."""

    name: str
    columns: tuple[str, ...]
    what: str  # the values, as an error message says them
    check: Callable[[Any], bool] | None = None  # None: not checked
    optional: bool = False  # the column may be absent
    nullable: bool = False  # a null value passes the check
    lang: str | None = None  # the side's language when it is fixed (retrieval's English side)


@dataclass(frozen=True)
class Family:
    """Columns and roles, noise sides, intensity text, model head and default metric."""

    name: str
    roles: tuple[Role, ...]
    sides: Mapping[str, tuple[str, ...]]  # a profile's ``sides`` -> roles the noise rewrites
    auto_class: str  # transformers Auto class of the checkpoint
    arch_suffix: str  # what a fitting checkpoint architecture ends with ("" = any)
    label_role: str | None  # role holding the gold labels or tags
    metric: Callable[[Sequence[str]], str]  # default metric name, from sample gold labels
    joined_tokens: bool = False  # intensity text: tokens joined by spaces (else roles by lines)
    structure: str = TEXT  # what noise keeps intact: TOKENS, SPANS or TEXT (see above)
    # Gold for scoring: the role that holds it (default ``label_role``; None: the family always
    # has gold) and, when a present column can still be empty (QA test files carry answers
    # ``{"answer_start": [0], "text": [""]}``), what one value must look like to count as gold.
    gold_role: str | tuple[str, ...] | None = None  # roles that all hold gold in a gold row
    is_gold: Callable[[Any], bool] | None = None

    def role(self, name: str) -> Role:
        return next(r for r in self.roles if r.name == name)

    def has_gold(self, fields: Mapping[str, str], column: Callable[[str], Sequence[Any]]) -> bool:
        """Whether data with these ``fields`` (role -> column) carries gold to score against:
        the gold role is present and, where the family says what a gold value is, some row
        has one. ``column(name)`` reads a column. False: an unlabeled (test) split."""
        role = self.gold_role or self.label_role
        if role is None:
            return True
        roles = (role,) if isinstance(role, str) else role
        if any(r not in fields for r in roles):
            return False
        if self.is_gold is None:
            return True
        values = zip(*(column(fields[r]) for r in roles), strict=True)
        return any(all(map(self.is_gold, row)) for row in values)

    @property
    def role_columns(self) -> dict[str, tuple[str, ...]]:
        return {r.name: r.columns for r in self.roles}


def _answered(v: Any) -> bool:
    """A QA answers value with a non-empty answer text (XTREME's test files have only "")."""
    return isinstance(v, dict) and any(str(t) for t in v.get("text") or ())


def _tag_metric(tags: Sequence[str]) -> str:
    """Tags with BIO prefixes are entities (PAN-X); anything else is part of speech."""
    return "ner" if any(str(t)[:2] in ("B-", "I-") for t in tags) else "pos"


_ALL_SIDES = ("default", "all", "first", "second")

FAMILIES: Registry[Family] = Registry("task family")

for _f in (
    Family(
        PAIR,
        (Role("sentence1", ("sentence1", "premise"), "a string", _string),
         Role("sentence2", ("sentence2", "hypothesis"), "a string", _string, nullable=True),
         Role("label", ("gold_label", "label"), "a label", optional=True)),
        {"default": ("sentence1", "sentence2"), "all": ("sentence1", "sentence2"),
         "first": ("sentence1",), "second": ("sentence2",)},
        "AutoModelForSequenceClassification", "ForSequenceClassification", "label",
        lambda _: "accuracy"),
    Family(
        TAGGING,
        (Role("tokens", ("tokens",), "a list of strings", _strings),
         Role("tags", ("ner_tags", "pos_tags", "tags"), "a list of integers or tag strings",
              _tags, optional=True)),  # XTREME's PAN-X/UD-POS test files: tokens only
        dict.fromkeys(_ALL_SIDES, ("tokens",)),
        "AutoModelForTokenClassification", "ForTokenClassification", "tags", _tag_metric,
        joined_tokens=True, structure=TOKENS),
    Family(
        QA,
        (Role("id", ("id",), "an id", optional=True),
         Role("context", ("context",), "a string", _string),
         Role("question", ("question",), "a string", _string),
         Role("answers", ("answers",), "{answer_start: [integers], text: [strings]}",
              _answers)),
        dict.fromkeys(_ALL_SIDES, ("context", "question")),
        "AutoModelForQuestionAnswering", "ForQuestionAnswering", None, lambda _: "squad",
        structure=SPANS, gold_role="answers", is_gold=_answered),
    Family(
        RETRIEVAL,
        # BUCC's full corpora (the original files): a sentence without a gold partner is a
        # row with the other side null; ids tell apart duplicate sentences (see heads.retrieval)
        (Role("source", ("source_sentence",), "a string", _string, nullable=True),
         Role("target", ("target_sentence",), "a string", _string, optional=True,
              nullable=True, lang="en"),
         Role("source_id", ("source_id",), "a string", _string, optional=True, nullable=True),
         Role("target_id", ("target_id",), "a string", _string, optional=True, nullable=True)),
        {"default": ("source",), "all": ("source", "target"), "first": ("source",),
         "second": ("target",)},
        "AutoModel", "", None, lambda _: "tatoeba",
        gold_role=("source", "target"), is_gold=lambda v: v is not None),
):
    FAMILIES.add(_f.name, _f)
