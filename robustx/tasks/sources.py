"""Where splits come from: local files and folders, the built-in sample, the Hugging Face hub.

:func:`load_splits` is the entry point; every source ends in :func:`make_split`, which checks
the columns against the family record. ``datasets`` is imported only when data is read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from . import HUB_DATASET, TASKS, Task, languages
from . import io as formats
from .discovery import (
    LANG_COLUMNS,
    check_langs,
    check_types,
    data_files,
    file_lang,
    infer_family,
    label_names_for,
    lang_from_name,
    map_fields,
    resolve_task,
    side_langs_from_name,
    task_from_path,
)
from .split import HIDDEN_PREFIX, Split

SAMPLE_DIR = Path(__file__).parent / "sample"


def make_split(task: Task | None, dataset: Any, *, lang: str, source: str, relpath: str,
               fmt: str, manifest: dict | None = None, layout: Any = None) -> Split:
    """A :class:`Split` of ``dataset``, its family inferred from the columns without a task."""
    cols = list(dataset.column_names)
    reserved = [c for c in cols if c.startswith(HIDDEN_PREFIX)]
    if reserved and not isinstance(layout, dict):  # only a SQuAD flattener adds hidden columns
        raise InputError(f"{source}: column name {reserved[0]!r} is reserved "
                         f"(names starting with {HIDDEN_PREFIX!r} are robustx's own)")
    family = task.family if task else infer_family(cols, source)
    fields = map_fields(family, cols, source)
    check_types(dataset, family, fields, source, fmt)
    return Split(task, family, lang, dataset, fields, label_names_for(task, dataset, fields),
                 source, relpath, fmt, manifest, layout)


def _manifest(root: Path) -> dict | None:
    """The manifest of a ``robustx corrupt`` output folder, if ``root`` is one."""
    if not (root / "manifest.json").is_file():
        return None
    try:
        return json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{root / 'manifest.json'}: malformed ({exc.msg})") from None


def load_local(task: Task | None, langs: Sequence[str] | None, data: Path,
               in_memory: bool = False) -> list[Split]:
    """A file, or every data file below a folder (a ``robustx corrupt`` output included);
    ``in_memory``: see :func:`robustx.tasks.io.base.read`."""
    if not data.exists():
        raise InputError(f"{data}: no such file or directory")
    root = data if data.is_dir() else data.parent
    manifest = _manifest(root)
    files = data_files(data) if data.is_dir() else [data]
    splits = []
    for path in files:
        rel = path.relative_to(root)
        ftask = task or task_from_path(rel)
        if task and data.is_dir():
            other = task_from_path(rel)
            if other is not None and other.name != task.name:
                continue  # a mixed folder: keep only the asked task
        named = lang_from_name(path, ftask)
        if langs and named and named not in langs:
            continue  # --lang filters before anything is read or checked
        ds, layout = formats.read(path, in_memory=in_memory)
        lang = file_lang(ds, path, ftask, langs)
        if langs and lang != "mixed" and lang not in langs:
            continue
        if lang == "mixed" and langs:
            col = next(c for c in LANG_COLUMNS if c in ds.column_names)
            keep = set(langs)
            ds = ds.filter(lambda r, c=col, k=keep: (languages.code(r[c]) or r[c]) in k)
            if len(ds) == 0:
                continue
        split = make_split(ftask, ds, lang=lang, source=str(path), relpath=rel.as_posix(),
                           fmt=formats.format_of(path), manifest=manifest, layout=layout)
        split.side_langs = side_langs_from_name(path)
        splits.append(split)
    if not splits:
        if langs:
            raise InputError(f"{data}: no data for language(s) {', '.join(langs)}")
        raise InputError(f"{data}: no {task.name + ' ' if task else ''}data here"
                         + (f" (expected files under {task.name}/ or named for the task)"
                            if task and data.is_dir() else ""))
    return splits


def by_language(splits: Sequence[Split]) -> list[Split]:
    """Each split of several languages (a language column) as one split per language, in
    order of first appearance: scores are per language, whatever the file holds."""
    import dataclasses

    out: list[Split] = []
    for s in splits:
        col = next((c for c in LANG_COLUMNS if c in s.dataset.column_names), None)
        if s.lang != "mixed" or col is None:
            out.append(s)
            continue
        rows: dict[str, list[int]] = {}
        for i, value in enumerate(s.dataset[col]):
            rows.setdefault(languages.code(str(value)) or str(value), []).append(i)
        out += [dataclasses.replace(s, lang=lang, dataset=s.dataset.select(idx))
                for lang, idx in rows.items()]
    return out


def load_sample(task: Task | None, langs: Sequence[str] | None,
                in_memory: bool = False) -> list[Split]:
    """The small built-in sample (all tasks, or one), shipped inside the package."""
    tasks = [task] if task else [TASKS.get(n) for n in TASKS.names()]
    splits = []
    for t in tasks:
        folder = SAMPLE_DIR / t.name
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.jsonl")):
            lang = path.stem
            if langs and lang not in langs:
                continue
            ds = formats.read_file(path, in_memory=in_memory)
            splits.append(make_split(t, ds, lang=lang, source=f"sample:{t.name}/{path.name}",
                                     relpath=f"{t.name}/{path.name}", fmt="jsonl"))
    if not splits:
        what = f"task {task.name}" if task else "any task"
        raise InputError(f"the built-in sample has no data for {what} in {', '.join(langs or [])}")
    return splits


@contextmanager
def _quiet_hub() -> Iterator[None]:
    """Silence the hub's warnings (retries, redirects) so that an error stays one line."""
    loggers = [logging.getLogger(n) for n in ("huggingface_hub", "datasets", "fsspec")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def load_hub(task: Task, langs: Sequence[str] | None, split: str | None) -> list[Split]:
    """google/xtreme from the Hugging Face hub (network; a clear error offline)."""
    import datasets

    datasets.disable_progress_bars()
    out = []
    for lang in langs or task.languages:
        config = task.hub_config_for(lang)
        name = split or task.split
        try:
            with _quiet_hub():  # offline, huggingface_hub logs every retry on stderr
                ds = datasets.load_dataset(HUB_DATASET, config, split=name)
        except Exception as exc:
            raise InputError(
                f"cannot load {HUB_DATASET} config {config!r} split {name!r} from the Hugging Face "
                f"hub ({type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}); "
                "offline, pass a local file or folder with --input/--data (JSONL, JSON, Parquet, "
                "CSV or TSV in the google/xtreme columns)"
            ) from None
        filt = task.hub_filter_for(lang)
        if filt:
            col, prefix = filt
            ds = ds.filter(lambda r, c=col, p=prefix: str(r[c]).startswith(p))
        out.append(make_split(task, ds, lang=lang, source=f"hub:{HUB_DATASET}/{config}/{name}",
                              relpath=f"{task.name}/{lang}.jsonl", fmt="jsonl"))
    return out


def load_splits(task: Task | str | None, langs: Sequence[str] | None = None,
                data: str | Path | None = None, split: str | None = None,
                *, sample: bool = False, in_memory: bool = False) -> list[Split]:
    """Entry point: ``data`` None -> the hub (or the built-in sample when ``sample``).

    ``in_memory``: small JSONL files as :class:`~robustx.tasks.io.table.Table` rows, without
    ``datasets``, for callers that only iterate over the rows (corruption)."""
    t = resolve_task(task)
    langs = check_langs(t, langs, local=data is not None)
    if data is not None:
        return load_local(t, langs, Path(data), in_memory)
    if sample:
        return load_sample(t, langs, in_memory)
    if t is None:
        raise UsageError("no --task given: name a task or pass local data")
    return load_hub(t, langs, split)
