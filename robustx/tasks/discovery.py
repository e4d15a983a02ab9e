"""What a file is: its task and language guessed from its name, folder and columns, its family
from its columns, which column plays which role, and whether the values fit the family record.

All of it reads :data:`robustx.tasks.FAMILIES`; nothing here branches on a family's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..registry import suggest
from . import FAMILIES, PAIR, QA, RETRIEVAL, TAGGING, TASKS, XTREME_LANGS, Task, get_task, languages
from .io import SUFFIXES, format_of
from .split import ROW_LANG

LANG_COLUMNS = ("language", "lang", "source_lang", ROW_LANG)
SCAN = 1000  # rows checked per column (Arrow columns have one type; this finds stray nulls too)


def resolve_task(task: Task | str | None) -> Task | None:
    """A task name (or alias) resolved once at the top; a Task passes through as it is."""
    return task if task is None or isinstance(task, Task) else get_task(task)


def check_langs(task: Task | None, langs: Sequence[str] | None, *, local: bool = False
                ) -> list[str] | None:
    """``--lang`` values as robustx's codes (``deu`` -> ``de``), checked before anything is read.

    The hub has only the task's languages; local files may hold any language there is (one
    robustx has no resources for is reported by the noise, not refused here).
    """
    if not langs:
        return None
    valid = task.languages if task else tuple(XTREME_LANGS)
    out = []
    for lang in langs:
        norm = languages.code(lang)
        if norm is None or (norm not in valid and not local):
            if task and norm in XTREME_LANGS:  # a real language, just not one of this task's
                raise UsageError(f"{task.name} has no language {lang!r}; its languages are "
                                 f"{', '.join(task.languages)} (local files may hold any "
                                 "language: pass them with --input/--data)")
            what = f"language for {task.name}" if task else "language"
            raise suggest(lang, valid, what)
        out.append(norm)
    return out


# The records a robustx output folder holds beside its data (``corrupt``: the manifest;
# ``attack``: also attack.json): never read as data.
RECORD_FILES = frozenset({"manifest.json", "attack.json"})


def data_files(folder: Path) -> list[Path]:
    """Every data file below ``folder`` (a robustx output's records left out)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file()
                   and format_of(p) is not None and p.name not in RECORD_FILES)
    if not files:
        raise InputError(f"{folder}: no data files ({', '.join(SUFFIXES)}) in this folder")
    return files


def infer_family(columns: Sequence[str], where: str) -> str:
    """The family whose required columns are all present (tried in this order)."""
    for fam in (FAMILIES.get(n) for n in (PAIR, TAGGING, QA, RETRIEVAL)):
        if all(any(c in columns for c in r.columns) for r in fam.roles if not r.optional):
            return fam.name
    raise InputError(
        f"{where}: cannot tell the task family from columns {sorted(columns)}; expected the "
        "google/xtreme schema (e.g. sentence1/sentence2/gold_label, tokens/ner_tags, "
        "id/context/question/answers, source_sentence/target_sentence)"
    )


def map_fields(family: str, columns: Sequence[str], where: str) -> dict[str, str]:
    """Role -> column, the first accepted name present for each role of the family."""
    fields: dict[str, str] = {}
    for r in FAMILIES.get(family).roles:
        role, alts = r.name, r.columns
        col = next((c for c in alts if c in columns), None)
        if col is None and not r.optional:
            raise InputError(
                f"{where}: missing column {alts[0]!r} for a {family} task "
                f"(columns present: {', '.join(sorted(columns))})"
            )
        if col is not None:
            fields[role] = col
    return fields


MLQA_NAME = re.compile(r"context-([a-z]{2})-question-([a-z]{2})")


def lang_from_name(path: Path, task: Task | None) -> str | None:
    """``de.jsonl``, ``xnli.de.tsv``, ``test-de.tsv``, ``tatoeba.deu-eng.deu``,
    ``udpos.German``, ``xquad.ro.json`` -> the language; MLQA's ``test-context-de-question-en``
    -> the context's. The task's languages first, then any ISO 639-1 code."""
    known = frozenset(task.languages if task else XTREME_LANGS)
    stem = path.name[: -len(path.suffix)] if _has_data_suffix(path) else path.name
    m = MLQA_NAME.search(stem.lower())
    if m:
        return m.group(1)
    for part, any_iso in ((stem, True), (path.parent.name, False)):
        hits = languages.in_name(part, known, any_iso=any_iso)
        if hits:
            return hits[-1]
    return None


def side_langs_from_name(path: Path) -> dict[str, str]:
    """MLQA's cross-lingual files: ``test-context-de-question-en.json`` -> question in en."""
    m = MLQA_NAME.search(path.name.lower())
    return {"question": m.group(2)} if m and m.group(2) != m.group(1) else {}


def _has_data_suffix(path: Path) -> bool:
    """``.jsonl``, ``.tsv``...: a suffix that is a format's, not a language (``de-en.test.de``)."""
    return path.suffix.lower() in SUFFIXES


def task_from_path(rel: Path) -> Task | None:
    """The task a folder on the way to the file is named after (the nearest one)."""
    for part in rel.parts[:-1][::-1]:
        try:
            return get_task(part)
        except UsageError:
            continue
    return None


def file_lang(ds: Any, path: Path, task: Task | None, langs: Sequence[str] | None) -> str:
    """A file's language: its language column ("mixed" for several), its name, or ``--lang``."""
    for col in LANG_COLUMNS:
        if col in ds.column_names:
            values = set(ds.unique(col))
            if any(not isinstance(v, str) or not v.strip() for v in values):
                row, bad = next((i, v) for i, v in enumerate(ds[col])
                                if not isinstance(v, str) or not v.strip())
                raise InputError(f"{path}: row {row + 1} has no language in column {col!r} "
                                 f"(got {bad!r}); give every row a language code, or drop the "
                                 "column and name the file like 'de.jsonl'")
            if len(values) == 1:
                value = str(values.pop())
                return languages.code(value) or value
            return "mixed"
    if "langs" in ds.column_names:  # the hub's PAN-X: one language code per token
        values = {v[0] for v in ds["langs"] if isinstance(v, list) and v and isinstance(v[0], str)}
        if len(values) == 1:
            value = values.pop()
            return languages.code(value) or value
        if values:
            raise InputError(f"{path}: column 'langs' holds several languages "
                             f"({', '.join(sorted(values))}); give each language its own file")
    guess = lang_from_name(path, task)
    if guess:
        return guess
    if langs and len(langs) == 1:
        return langs[0]
    raise InputError(
        f"{path}: cannot tell the language: add a 'language' column, name the file like "
        "'de.jsonl', or pass a single --lang"
    )


def label_names_for(task: Task | None, ds: Any, fields: dict[str, str]) -> tuple[str, ...] | None:
    """Label or tag names at load time: the dataset's own ClassLabel names, else the task's
    (``ner_tags``/``pos_tags`` columns name PAN-X's and UD-POS's tag sets whatever the task)."""
    col = fields.get("label") or fields.get("tags")
    if col is None:
        return None
    feat = ds.features.get(col)
    inner = getattr(feat, "feature", feat)
    names = getattr(inner, "names", None)
    if names:
        return tuple(names)
    if task and task.labels:
        if fields.get("tags") == "pos_tags" and task.name != "udpos":
            return TASKS.get("udpos").labels
        if fields.get("tags") == "ner_tags" and task.name != "panx":
            return TASKS.get("panx").labels
        return task.labels
    if fields.get("tags") == "ner_tags":
        return TASKS.get("panx").labels
    if fields.get("tags") == "pos_tags":
        return TASKS.get("udpos").labels
    return None


def _scan_whole(feature: Any) -> bool:
    """Whether a column's values may differ in type: no declared type, or datasets' Json."""
    if feature is None:
        return True
    import datasets

    return isinstance(feature, datasets.Json)


def check_types(ds: Any, family: str, fields: dict[str, str], source: str, fmt: str) -> None:
    """Wrong column types are input errors naming the column and the first bad row or line.

    Arrow gives a column one type, so a few rows decide it; a column ``datasets`` could only
    store as JSON (mixed types), and a :class:`~robustx.tasks.io.table.Table` (values as read,
    no declared type), are scanned whole.
    """
    for role, col in fields.items():
        r = FAMILIES.get(family).role(role)
        if r.check is None:
            continue
        what, ok, nullable = r.what, r.check, r.nullable
        n = len(ds) if _scan_whole(ds.features[col]) else min(len(ds), SCAN)
        for i, value in enumerate(ds.select_columns([col])[:n][col]):
            if (value is None and nullable) or (value is not None and ok(value)):
                continue
            got = "null" if value is None else type(value).__name__
            raise InputError(f"{_where(source, fmt, i)}: column {col!r} must be {what}, "
                             f"got {got} ({str(value)[:40]!r})")


def _where(source: str, fmt: str, row: int) -> str:
    """"file:line" for JSONL (blank lines skipped as the reader does), else "file: row N"."""
    path = Path(source)
    if fmt == "jsonl" and path.is_file():
        with path.open("rb") as fh:
            seen = -1
            for n, raw in enumerate(fh, 1):
                seen += bool(raw.strip())
                if seen == row:
                    return f"{path}:{n}"
    return f"{source}: row {row + 1}"
