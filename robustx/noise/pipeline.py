"""Run a profile over splits: stream rows through the engine, write drop-in files and a manifest.

Rows are streamed in Arrow batches, so memory does not grow with the split. With ``num_proc > 1``
the corruption runs through ``datasets.Dataset.map`` worker processes; the per-example random
streams make the files byte-identical to a single-process run. Output goes to a temporary
folder that is renamed into place only when everything succeeded.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import InputError, UsageError
from ..profiles import Profile
from ..signature import signature
from ..tasks.loaders import LANG_COLUMNS, Split
from .engine import Plan, Stats, check_languages, corrupt_example

BATCH = 512
CHRF_SENTENCES = 20000  # per language; chrF is measured on the first N examples
STAT = "__rx_stats"
STAT_LANG = "__rx_lang"
MANIFEST_SCHEMA = "robustx.manifest/1"


def make_plan(split: Split, profile: Profile, seed: int,
              disabled: frozenset[tuple[int, str]] = frozenset()) -> Plan:
    cols = split.dataset.column_names
    lang_col = next((c for c in LANG_COLUMNS if c in cols), None)
    return Plan(profile, seed, split.family, dict(split.fields), split.lang, lang_col,
                split.fields.get("id"), disabled)


def corrupt_batch(batch: dict[str, list], plan: Plan) -> dict[str, list]:
    """``datasets.map`` batch function: noisy columns plus two stats columns (dropped on write)."""
    n = len(next(iter(batch.values())))
    cols = list(batch)
    out: dict[str, list] = {c: [] for c in cols}
    langs, nums = [], []
    for i in range(n):
        row = {c: batch[c][i] for c in cols}
        new, lang, st, valid = corrupt_example(row, plan)
        for c in cols:
            out[c].append(new[c])
        langs.append(lang)
        nums.append([int(valid), st.words, st.changed, st.edits, st.chars, st.rejected,
                     *st.unavailable])
    out[STAT_LANG] = langs
    out[STAT] = nums
    return out


def _rows(batch: dict[str, list]) -> Iterator[dict[str, Any]]:
    cols = list(batch)
    for i in range(len(batch[cols[0]])):
        yield {c: batch[c][i] for c in cols}


class Writer:
    """Writes rows in the input's format (JSONL, JSON array, Parquet, CSV/TSV)."""

    def __init__(self, path: Path, fmt: str, features: Any) -> None:
        self.path, self.fmt, self.features = path, fmt, features
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = None if fmt == "parquet" else path.open("w", encoding="utf-8", newline="")
        self.pq = None
        self.csv = None
        self.first = True
        if fmt == "json":
            self.fh.write("[")

    def write(self, batch: dict[str, list]) -> None:
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pydict(batch, schema=self.features.arrow_schema)
            if self.pq is None:
                self.pq = pq.ParquetWriter(str(self.path), table.schema)
            self.pq.write_table(table)
            return
        for row in _rows(batch):
            if self.fmt == "jsonl":
                self.fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            elif self.fmt == "json":
                self.fh.write(("" if self.first else ",") + "\n" +
                              json.dumps(row, ensure_ascii=False))
            else:
                if self.csv is None:
                    self.csv = csv.writer(self.fh, delimiter="\t" if self.fmt == "tsv" else ",",
                                          lineterminator="\n")
                    self.csv.writerow(list(row))
                self.csv.writerow([v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                                   for v in row.values()])
            self.first = False

    def close(self) -> None:
        if self.fmt == "json":
            self.fh.write("\n]\n")
        if self.fh:
            self.fh.close()
        if self.pq:
            self.pq.close()


class LangStats:
    """Per-language accumulator for the manifest's measured intensity."""

    def __init__(self, n_ops: int) -> None:
        self.examples = self.invalid = 0
        self.st = Stats(unavailable=[0] * n_ops)
        self.clean: list[str] = []
        self.noisy: list[str] = []

    def add(self, nums: Sequence[int]) -> None:
        st = self.st
        st.words += nums[0]
        st.changed += nums[1]
        st.edits += nums[2]
        st.chars += nums[3]
        st.rejected += nums[4]
        for i, v in enumerate(nums[5:]):
            st.unavailable[i] += v

    def report(self, op_names: Sequence[str]) -> dict[str, Any]:
        st = self.st
        out = {
            "examples": self.examples,
            "invalid_examples": self.invalid,
            "words": st.words,
            "words_changed": st.changed,
            "share_words_changed": round(st.changed / st.words, 4) if st.words else 0.0,
            "char_edits": st.edits,
            "cer": round(st.edits / st.chars, 4) if st.chars else 0.0,
            "rejected_outputs": st.rejected,
            "unavailable": {f"{i}:{n}": v for i, (n, v) in enumerate(zip(op_names,
                                                                          st.unavailable))},
        }
        if self.clean:
            from sacrebleu.metrics import CHRF

            out["chrf"] = round(CHRF().corpus_score(self.noisy, [self.clean]).score, 2)
            out["chrf_sentences"] = len(self.clean)
        return out


def _side_text(row: dict[str, Any], plan: Plan) -> str:
    if plan.family == "tagging":
        return " ".join(map(str, row[plan.fields["tokens"]]))
    cols = [plan.fields[r] for r in plan.roles]
    return "\n".join(str(row.get(c) or "") for c in cols)


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def data_fingerprint(splits: Sequence[Split]) -> str:
    """Hash of what was read: file bytes for local data, Arrow fingerprints for hub data."""
    h = hashlib.sha256()
    for s in splits:
        src = s.source.split(":", 1)[-1] if s.source.startswith("sample:") else s.source
        if s.source.startswith("sample:"):
            from ..tasks.loaders import SAMPLE_DIR

            src = str(SAMPLE_DIR / src)
        p = Path(src)
        digest = file_hash(p) if p.is_file() else str(getattr(s.dataset, "_fingerprint", ""))
        h.update(f"{s.relpath}\x1f{s.lang}\x1f{len(s.dataset)}\x1f{digest}\n".encode())
    return h.hexdigest()[:8]


def _batches(split: Split, plan: Plan, num_proc: int) -> Iterator[dict[str, list]]:
    ds = split.dataset
    if num_proc > 1 and len(ds) >= num_proc:
        ds = ds.map(corrupt_batch, batched=True, batch_size=BATCH, num_proc=num_proc,
                    fn_kwargs={"plan": plan}, load_from_cache_file=False,
                    desc=f"corrupting {split.name}")
        yield from ds.iter(batch_size=BATCH)
        return
    for batch in ds.iter(batch_size=BATCH):
        yield corrupt_batch(batch, plan)


def out_relpath(split: Split) -> str:
    return split.relpath


def run_corruption(splits: Sequence[Split], profile: Profile, seed: int, out: Path, *,
                   force: bool = False, num_proc: int = 1, progress: bool = True,
                   command: str | None = None,
                   skipped_langs: Sequence[str] = ()) -> dict[str, Any]:
    """Corrupt every split into ``out`` and write ``out/manifest.json``; returns the manifest."""
    if not splits:
        raise InputError("no data to corrupt")
    if num_proc < 1:
        raise UsageError(f"--num-proc must be >= 1, got {num_proc}")
    if out.exists() and not force:
        raise UsageError(f"{out} already exists; pass --force to replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if profile.languages:
        bad = sorted({s.lang for s in splits} - set(profile.languages) - {"mixed"})
        if bad:
            raise UsageError(f"profile {profile.name} does not cover language(s) "
                             f"{', '.join(bad)} (covers: {', '.join(profile.languages)}); drop them from --lang, or "
                             "omit --lang to skip uncovered languages")
    langs = sorted({s.lang for s in splits if s.lang != "mixed"} |
                   {v for s in splits if s.lang == "mixed"
                    for c in LANG_COLUMNS if c in s.dataset.column_names
                    for v in s.dataset.unique(c)})
    disabled = check_languages(profile, langs)
    seen: dict[str, str] = {}
    for s in splits:
        rel = out_relpath(s)
        if rel in seen:
            raise UsageError(f"two inputs would both be written to {rel}: {seen[rel]} and {s.source}")
        seen[rel] = s.source

    data_hash = data_fingerprint(splits)
    sig = signature(profile, seed, data_hash)
    op_names = [s.op for s in profile.steps]
    n_ops = len(op_names)
    per_lang: dict[str, LangStats] = {}
    files = []
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        with _progress(progress) as bar:
            task = bar.add_task("corrupting", total=sum(len(s.dataset) for s in splits))
            for s in splits:
                plan = make_plan(s, profile, seed, disabled)
                bar.update(task, description=f"{profile.name} {s.name}")
                writer = Writer(tmp / out_relpath(s), s.fmt, s.dataset.features)
                invalid = 0
                for batch in _batches(s, plan, num_proc):
                    stats, langs = batch.pop(STAT), batch.pop(STAT_LANG)
                    writer.write(batch)
                    for j, (lang, nums) in enumerate(zip(langs, stats)):
                        ls = per_lang.get(lang) or per_lang.setdefault(lang, LangStats(n_ops))
                        ls.examples += 1
                        if not nums[0]:
                            ls.invalid += 1
                            invalid += 1
                        ls.add(nums[1:])
                        if len(ls.noisy) < CHRF_SENTENCES:
                            ls.noisy.append(_side_text({c: batch[c][j] for c in batch}, plan))
                    bar.advance(task, len(stats))
                writer.close()
                _collect_clean(s, plan, per_lang)
                files.append({"file": out_relpath(s), "source": s.source,
                              "task": s.task.name if s.task else None, "family": s.family,
                              "lang": s.lang, "examples": len(s.dataset),
                              "invalid_examples": invalid, "format": s.fmt})
        manifest = {
            "schema": MANIFEST_SCHEMA,
            "signature": sig,
            "profile": _profile_doc(profile),
            "seed": seed,
            "data_fingerprint": data_hash,
            "files": files,
            "intensity": {lang: per_lang[lang].report(op_names) for lang in sorted(per_lang)},
            "invalid_examples": sum(f["invalid_examples"] for f in files),
            "ops_switched_off": {lang: sorted(f"{i}:{op_names[i]}" for i, la in disabled
                                              if la == lang)
                                 for lang in sorted({la for _, la in disabled})},
            "skipped_languages": list(skipped_langs),
            "invalid_policy": "kept unchanged in the output and counted here",
            "versions": _versions(),
            "command": command,
        }
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _collect_clean(split: Split, plan: Plan, per_lang: dict[str, LangStats]) -> None:
    """Clean side texts for chrF, in the same order and per-language cap as the noisy ones."""
    need = {k: len(v.noisy) - len(v.clean) for k, v in per_lang.items()}
    if not any(need.values()):
        return
    for batch in split.dataset.iter(batch_size=BATCH):
        for row in _rows(batch):
            lang = str(row.get(plan.lang_column) or plan.lang) if plan.lang_column else plan.lang
            if need.get(lang, 0) > 0:
                per_lang[lang].clean.append(_side_text(row, plan))
                need[lang] -= 1
        if not any(v > 0 for v in need.values()):
            return


def _profile_doc(profile: Profile) -> dict[str, Any]:
    doc = asdict(profile)
    doc["steps"] = [{"op": s.op, "rate": s.rate, "params": s.kwargs} for s in profile.steps]
    doc["severity"] = profile.severity
    doc.pop("severity_scale")
    doc.pop("default_severity")
    return doc


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"robustx": __version__, "python": sys.version.split()[0]}
    for pkg in ("numpy", "datasets", "pyarrow", "sacrebleu"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *a: Any, **k: Any) -> int:
        return 0

    def update(self, *a: Any, **k: Any) -> None:
        return None

    def advance(self, *a: Any, **k: Any) -> None:
        return None


def _progress(enabled: bool) -> Any:
    if not enabled:
        return _NoBar()
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=False)


