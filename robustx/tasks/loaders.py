"""Read task data from the hub, local files/folders or the built-in sample into :class:`Split`s.

Every split keeps its columns exactly as read so that a corrupted copy is a drop-in replacement;
``fields`` tells consumers which column plays which role. ``datasets`` is imported lazily.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from . import (
    FAMILIES,
    HUB_DATASET,
    PAIR,
    QA,
    RETRIEVAL,
    TAGGING,
    TASKS,
    XTREME_LANGS,
    Task,
    get_task,
)

FORMATS = {".jsonl": "jsonl", ".json": "json", ".parquet": "parquet", ".csv": "csv", ".tsv": "tsv"}
SAMPLE_DIR = Path(__file__).parent / "sample"

LANG_COLUMNS = ("language", "lang")

# Hidden columns: what the flattener of a SQuAD-style document adds to each question's row so
# that every question of a paragraph gets the same noisy context. The engine reads them, the
# writer drops them (they are never written), evaluation ignores them; no input may have them.
HIDDEN_PREFIX = "__rx_"
PARA_KEY = "__rx_para"  # stable key of the question's paragraph (its context and question ids)
PARA_ANSWERS = "__rx_para_answers"  # every answer of every question of the paragraph


@dataclass
class Split:
    """One language of one task, ready to corrupt or evaluate."""

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
    # SQuAD-style JSON: the document without the parts the rows carry (see :func:`squad_rows`),
    # so that the writer can put the noisy rows back into the input's nesting.
    layout: dict | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return f"{self.task.name if self.task else self.family}/{self.lang}"


def resolve_task(name: str | None) -> Task | None:
    return None if name is None else get_task(name)


def check_langs(task: Task | None, langs: Sequence[str] | None) -> None:
    """Unknown languages are errors with suggestions, before anything is read."""
    from ..registry import suggest

    valid = task.languages if task else tuple(XTREME_LANGS)
    for lang in langs or ():
        if lang not in valid:
            what = f"language for {task.name}" if task else "language"
            raise suggest(lang, valid, what)


def infer_family(columns: Sequence[str], where: str) -> str:
    """The family whose required columns are all present."""
    for fam in (FAMILIES.get(n) for n in (PAIR, TAGGING, QA, RETRIEVAL)):
        if all(any(c in columns for c in r.columns) for r in fam.roles if not r.optional):
            return fam.name
    raise InputError(
        f"{where}: cannot tell the task family from columns {sorted(columns)}; expected the "
        "google/xtreme schema (e.g. sentence1/sentence2/gold_label, tokens/ner_tags, "
        "id/context/question/answers, source_sentence/target_sentence)"
    )


def map_fields(family: str, columns: Sequence[str], where: str) -> dict[str, str]:
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


def read_jsonl(path: Path) -> list[dict]:
    """Strict JSONL reader: a malformed line is an error that names the file and line."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: malformed JSON line ({exc.msg})") from None
            if not isinstance(row, dict):
                raise InputError(f"{path}:{n}: expected a JSON object, got {type(row).__name__}")
            rows.append(row)
    return rows


def _kind(value: Any) -> str:
    """JSON type of a value, numbers as one kind (null fits any kind)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "list", dict: "object"}.get(type(value), "null")


def check_kinds(row: dict, where: str, at: str, first: dict[str, tuple[str, str]],
                path: str = "") -> None:
    """Fail when a field (nested ones too: ``answers.answer_start[]``) has another JSON type than
    where it first appeared: Arrow needs one type per column and loses the line number."""
    for key, value in row.items():
        name = f"{path}{key}"
        kind = _kind(value)
        if kind == "null":
            continue
        seen = first.setdefault(name, (kind, at))
        if seen[0] != kind:
            an = "an" if seen[0][0] in "aeiou" else "a"
            raise InputError(f"{where}: field {name!r} is a{'n' if kind[0] in 'aeiou' else ''} "
                             f"{kind} here but {an} {seen[0]} on {seen[1]}")
        if kind == "object":
            check_kinds(value, where, at, first, f"{name}.")
        elif kind == "list":
            for item in value:
                check_kinds({"[]": item}, where, at, first, name)


def validate_jsonl(path: Path) -> int:
    """Scan a JSONL file line by line (constant memory), fail on the first bad line; count rows.

    A bad line is malformed JSON, not UTF-8, not an object, or gives a field another JSON type
    than the line where the field first appeared (see :func:`check_kinds`).
    """
    rows = 0
    first: dict[str, tuple[str, str]] = {}
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8").strip()
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}:{n}: not valid UTF-8 ({exc.reason} at byte "
                                 f"{exc.start})") from None
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: malformed JSON line ({exc.msg})") from None
            if not isinstance(row, dict):
                raise InputError(f"{path}:{n}: expected a JSON object, got {type(row).__name__}")
            check_kinds(row, f"{path}:{n}", f"line {n}", first)
            rows += 1
    return rows


def read_file(path: Path) -> Any:
    """A local data file as a ``datasets.Dataset`` (Arrow-backed, memory-mapped)."""
    return _read(path)[0]


def _read(path: Path) -> tuple[Any, dict | None]:
    """``(dataset, layout)``; the layout of a SQuAD-style JSON document, else None."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unsupported file type (use {', '.join(FORMATS)})")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0 or (fmt == "jsonl" and validate_jsonl(path) == 0):
        raise InputError(f"{path}: no examples (empty file)")
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    layout = None
    try:
        if fmt == "jsonl":  # 1 MB chunks: the reader's memory stays flat whatever the file size
            ds = datasets.Dataset.from_json(str(path), chunksize=JSONL_CHUNK)
        elif fmt == "json":
            ds, layout = _read_json(path, datasets)
        elif fmt == "parquet":
            ds = datasets.Dataset.from_parquet(str(path))
        else:
            ds = _read_csv(path, fmt, datasets)
    except InputError:
        raise
    except Exception as exc:  # pyarrow/pandas parse errors: say which file
        raise InputError(f"{path}: cannot read {fmt} ({type(exc).__name__}: {exc})") from None
    if len(ds) == 0:
        raise InputError(f"{path}: no examples")
    release_memory()
    return ds, layout


JSONL_CHUNK = 1 << 20  # datasets' default (10 MB) made peak memory grow with the file size


def release_memory() -> None:
    """Hand memory freed while converting a file to Arrow back to the system.

    datasets parses with many threads; what they free stays with Arrow's allocator and with
    glibc's per-thread arenas and grows with the size of the file. The data itself is
    memory-mapped from then on, so the process would otherwise hold that much for nothing.
    """
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if libc and hasattr(ctypes.CDLL(libc), "malloc_trim"):  # glibc only
        ctypes.CDLL(libc).malloc_trim(0)


def _read_json(path: Path, datasets: Any) -> tuple[Any, dict | None]:
    """A JSON array of objects, or SQuAD-style {"data": [...]} for QA (with its layout)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: malformed JSON ({exc.msg})") from None
    layout = None
    if isinstance(doc, dict) and isinstance(doc.get("data"), list):
        doc, layout = squad_rows(doc, str(path))
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise InputError(f"{path}: expected a JSON array of objects or SQuAD-style {{'data': ...}}")
    first: dict[str, tuple[str, str]] = {}
    for n, row in enumerate(doc, 1):
        check_kinds(row, f"{path}: object {n}", f"object {n}", first)
    return datasets.Dataset.from_list(doc), layout


def _need(obj: Any, key: str, kind: type | tuple[type, ...], what: str, where: str,
          default: Any = ...) -> Any:
    """``obj[key]`` when it has the JSON type a SQuAD document needs there, else an InputError
    that names the place (``data[0].paragraphs[2].qas[1].id``)."""
    if default is not ... and key not in obj:
        return default
    if key not in obj:
        raise InputError(f"{where}: missing {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f"{where}.{key}: must be {what}, got {_kind(value)}")
    return value


def squad_rows(doc: dict, source: str) -> tuple[list[dict], dict]:
    """A SQuAD-style document (XQuAD, MLQA, TyDiQA-GoldP) -> (one row per question, layout).

    Rows have the google/xtreme QA columns plus the hidden :data:`PARA_KEY` and
    :data:`PARA_ANSWERS`. The layout is the document with every context that has questions,
    every question and every answer's ``answer_start``/``text`` set to None (the rows carry them,
    in document order); everything else is kept as it was, key order included.
    """
    rows: list[dict] = []
    articles = []
    for i, article in enumerate(doc["data"]):
        at = f"{source}: data[{i}]"
        if not isinstance(article, dict):
            raise InputError(f"{at}: must be an object, got {_kind(article)}")
        paras = _need(article, "paragraphs", list, "a list", at, None)
        if paras is None:
            articles.append(article)
            continue
        skel_paras = []
        for j, para in enumerate(paras):
            pat = f"{at}.paragraphs[{j}]"
            if not isinstance(para, dict):
                raise InputError(f"{pat}: must be an object, got {_kind(para)}")
            context = _need(para, "context", str, "a string", pat)
            qas = _need(para, "qas", list, "a list", pat, None)
            if not qas:
                skel_paras.append(para)  # no question: no row, written back as it was
                continue
            para_rows, skel_qas = [], []
            for k, qa in enumerate(qas):
                qat = f"{pat}.qas[{k}]"
                if not isinstance(qa, dict):
                    raise InputError(f"{qat}: must be an object, got {_kind(qa)}")
                qid = _need(qa, "id", (str, int), "a string or an integer", qat)
                question = _need(qa, "question", str, "a string", qat)
                answers = _need(qa, "answers", list, "a list", qat, [])
                starts, texts, skel_answers = [], [], []
                for m, a in enumerate(answers):
                    aat = f"{qat}.answers[{m}]"
                    if not isinstance(a, dict):
                        raise InputError(f"{aat}: must be an object, got {_kind(a)}")
                    starts.append(_need(a, "answer_start", int, "an integer", aat))
                    texts.append(_need(a, "text", str, "a string", aat))
                    skel_answers.append(dict(a, answer_start=None, text=None))
                para_rows.append({"id": str(qid), "context": context, "question": question,
                                  "answers": {"answer_start": starts, "text": texts}})
                skel_qas.append(dict(qa, question=None, **(
                    {"answers": skel_answers} if "answers" in qa else {})))
            blob = json.dumps([context, sorted(r["id"] for r in para_rows)], ensure_ascii=False)
            key = "p:" + hashlib.blake2b(blob.encode("utf-8", "surrogatepass"),
                                         digest_size=16).hexdigest()
            spans = {"answer_start": [s for r in para_rows for s in r["answers"]["answer_start"]],
                     "text": [t for r in para_rows for t in r["answers"]["text"]]}
            rows += [dict(r, **{PARA_KEY: key, PARA_ANSWERS: spans}) for r in para_rows]
            skel_paras.append(dict(para, context=None, qas=skel_qas))
        articles.append(dict(article, paragraphs=skel_paras))
    return rows, dict(doc, data=articles)


def _read_csv(path: Path, fmt: str, datasets: Any) -> Any:
    import csv

    sep = "\t" if fmt == "tsv" else ","
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=sep, quoting=csv.QUOTE_MINIMAL)
        rows = list(reader)
        if reader.fieldnames is None:
            raise InputError(f"{path}: empty file")
    for n, row in enumerate(rows, 2):
        if None in row or any(v is None for v in row.values()):
            raise InputError(f"{path}:{n}: wrong number of fields")
    first: dict[str, tuple[str, str]] = {}
    for n, row in enumerate(rows, 2):  # list-valued columns (tokens, tags) are stored as JSON
        for k, v in row.items():
            if v[:1] in "[{" and v[-1:] in "]}":
                try:
                    row[k] = json.loads(v)
                except json.JSONDecodeError:
                    pass
        check_kinds(row, f"{path}: row {n}", f"row {n}", first)
    return datasets.Dataset.from_list(rows)


LANG_IN_NAME = re.compile(r"(?<![a-z])([a-z]{2})(?![a-z])")


def lang_from_name(path: Path, task: Task | None) -> str | None:
    """``de.jsonl``, ``xnli.de.tsv``, ``test-de.jsonl``... -> ``de`` (only valid languages)."""
    valid = set(task.languages if task else XTREME_LANGS)
    stem = path.name[: -len(path.suffix)]
    for part in (stem, path.parent.name):
        hits = [m for m in LANG_IN_NAME.findall(part.lower()) if m in valid]
        if hits:
            return hits[-1]
    return None


def task_from_path(rel: Path) -> Task | None:
    for part in rel.parts[:-1][::-1]:
        try:
            return get_task(part)
        except UsageError:
            continue
    return None


def label_names_for(task: Task | None, ds: Any, fields: dict[str, str]) -> tuple[str, ...] | None:
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


SCAN = 1000  # rows checked per column (Arrow columns have one type; this finds stray nulls too)


def check_types(ds: Any, family: str, fields: dict[str, str], source: str, fmt: str) -> None:
    """Wrong column types are input errors naming the column and the first bad row or line.

    Arrow gives a column one type, so a few rows decide it; a column ``datasets`` could only
    store as JSON (mixed types) is scanned whole.
    """
    import datasets

    for role, col in fields.items():
        r = FAMILIES.get(family).role(role)
        if r.check is None:
            continue
        what, ok, nullable = r.what, r.check, r.nullable
        mixed = isinstance(ds.features[col], datasets.Json)
        n = len(ds) if mixed else min(len(ds), SCAN)
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


def _make_split(task: Task | None, ds: Any, lang: str, source: str, rel: str, fmt: str,
                manifest: dict | None, layout: dict | None = None) -> Split:
    cols = list(ds.column_names)
    reserved = [c for c in cols if c.startswith(HIDDEN_PREFIX)]
    if reserved and layout is None:
        raise InputError(f"{source}: column name {reserved[0]!r} is reserved "
                         f"(names starting with {HIDDEN_PREFIX!r} are robustx's own)")
    family = task.family if task else infer_family(cols, source)
    fields = map_fields(family, cols, source)
    check_types(ds, family, fields, source, fmt)
    return Split(task, family, lang, ds, fields, label_names_for(task, ds, fields), source, rel,
                 fmt, manifest, layout)


def _file_lang(ds: Any, path: Path, task: Task | None, langs: Sequence[str] | None) -> str:
    for col in LANG_COLUMNS:
        if col in ds.column_names:
            values = set(ds.unique(col))
            if len(values) == 1:
                return str(values.pop())
            return "mixed"
    guess = lang_from_name(path, task)
    if guess:
        return guess
    if langs and len(langs) == 1:
        return langs[0]
    raise InputError(
        f"{path}: cannot tell the language: add a 'language' column, name the file like "
        "'de.jsonl', or pass a single --lang"
    )


def load_local(task: Task | None, langs: Sequence[str] | None, data: Path) -> list[Split]:
    """A file, or every data file below a folder (a ``robustx corrupt`` output included)."""
    if not data.exists():
        raise InputError(f"{data}: no such file or directory")
    root = data if data.is_dir() else data.parent
    manifest = None
    if (root / "manifest.json").is_file():
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{root / 'manifest.json'}: malformed ({exc.msg})") from None
    if data.is_dir():
        files = sorted(p for p in data.rglob("*") if p.is_file()
                       and p.suffix.lower() in FORMATS and p.name != "manifest.json")
        if not files:
            raise InputError(f"{data}: no data files ({', '.join(FORMATS)}) in this folder")
    else:
        files = [data]
    splits = []
    for path in files:
        rel = path.relative_to(root)
        ftask = task or task_from_path(rel)
        if task and data.is_dir():
            other = task_from_path(rel)
            if other is not None and other.name != task.name:
                continue  # a mixed folder: keep only the asked task
        ds, layout = _read(path)
        lang = _file_lang(ds, path, ftask, langs)
        if langs and lang != "mixed" and lang not in langs:
            continue
        if lang == "mixed" and langs:
            col = next(c for c in LANG_COLUMNS if c in ds.column_names)
            keep = set(langs)
            ds = ds.filter(lambda r, c=col, k=keep: r[c] in k)
            if len(ds) == 0:
                continue
        splits.append(_make_split(ftask, ds, lang, str(path), rel.as_posix(),
                                  FORMATS[path.suffix.lower()], manifest, layout))
    if not splits:
        if langs:
            raise InputError(f"{data}: no data for language(s) {', '.join(langs)}")
        raise InputError(f"{data}: no {task.name + ' ' if task else ''}data here"
                         + (f" (expected files under {task.name}/ or named for the task)"
                            if task and data.is_dir() else ""))
    return splits


def load_sample(task: Task | None, langs: Sequence[str] | None) -> list[Split]:
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
            ds = read_file(path)
            splits.append(_make_split(t, ds, lang, f"sample:{t.name}/{path.name}",
                                      f"{t.name}/{path.name}", "jsonl", None))
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
        out.append(_make_split(task, ds, lang, f"hub:{HUB_DATASET}/{config}/{name}",
                               f"{task.name}/{lang}.jsonl", "jsonl", None))
    return out


def load_splits(task: str | None, langs: Sequence[str] | None = None,
                data: str | Path | None = None, split: str | None = None,
                *, sample: bool = False) -> list[Split]:
    """Entry point: ``data`` None -> the hub (or the built-in sample when ``sample``)."""
    t = resolve_task(task)
    check_langs(t, langs)
    if data is not None:
        return load_local(t, langs, Path(data))
    if sample:
        return load_sample(t, langs)
    if t is None:
        raise UsageError("no --task given: name a task or pass local data")
    return load_hub(t, langs, split)
