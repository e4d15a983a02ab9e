"""Run a profile over splits: stream rows through the engine, write drop-in files and a manifest.

Rows are streamed in batches (from memory-mapped Arrow, or from a small file's in-memory
:class:`~robustx.tasks.io.table.Table`). With several processes, forked workers corrupt batches
by their row range and hand them back in order; the per-example random streams make the files
byte-identical to a single-process run. Output goes to a temporary folder that is renamed into
place only when everything succeeded.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..core.files import commit_dir, make_tmp_dir
from ..core.progress import bar
from ..errors import InputError, UsageError
from ..tasks.discovery import LANG_COLUMNS
from ..tasks.fingerprint import data_fingerprint
from ..tasks.io import open_writer
from ..tasks.split import Split
from . import manifest as mf
from .engine import Plan, corrupt_example, language_coverage, row_lang
from .intensity import LangStats, stats_row, summed
from .profiles import Profile
from .signature import signature

__all__ = ["corrupt_batch", "corrupt_split", "make_plan", "run_corruption"]

BATCH = 512
# ``num_proc=None`` (auto) starts one process per this many rows, up to the cores available:
# a worker costs about 0.1 s to start and feed, the engine about 80 us per XNLI pair.
ROWS_PER_PROC = 5000
STAT = "__rx_stats"  # the measurement of each example (see intensity.stats_row), never written
STAT_LANG = "__rx_lang"


def make_plan(split: Split, profile: Profile, seed: int,
              disabled: frozenset[tuple[int, str]] = frozenset(),
              passthrough: frozenset[str] = frozenset()) -> Plan:
    cols = split.dataset.column_names
    lang_col = next((c for c in LANG_COLUMNS if c in cols), None)
    return Plan(profile, seed, split.family, dict(split.fields), split.lang, lang_col,
                split.fields.get("id"), disabled, passthrough,
                tuple(sorted(split.side_langs.items())))


def coverage(profile: Profile, langs: Sequence[str], requested: Sequence[str] | None
             ) -> tuple[frozenset[tuple[int, str]], dict[str, dict[str, str]]]:
    """The steps switched off per language, and the languages passed through unchanged.

    A language is passed through when a required step's op cannot serve it (no lexicon, no
    keyboard layout, no romaniser: its check raises :class:`~robustx.errors.Unavailable`) or,
    in a file with a language column, when the profile's ``languages`` do not list it. Its
    record says why in a few words (``reason``), in full (``detail``) and where to read more
    (``see``). UsageError, before any data is touched, when a language the user asked for
    (``requested``) cannot be served, or when no language of the data can be.
    """
    disabled, unserved = language_coverage(profile, langs)
    unlisted = set(profile.uncovered(langs))
    out: dict[str, dict[str, str]] = {}
    for lang in langs:
        exc = unserved.get(lang)
        if exc is not None:
            out[lang] = {"reason": exc.reason, "detail": str(exc), "see": exc.doc or "docs/profiles.md"}
        elif lang in unlisted:
            out[lang] = {"reason": f"not among the languages profile {profile.name} covers",
                         "detail": f"profile {profile.name} covers "
                                   f"{', '.join(profile.languages or ())}",
                         "see": "docs/profiles.md"}
    asked = sorted(set(requested or ()) & set(out))
    if asked:
        lang = asked[0]
        where = (f"profile {profile.name} does not cover language(s) {', '.join(asked)} "
                 f"(covers: {', '.join(profile.languages)})" if lang in unlisted
                 else f"profile {profile.name} cannot serve --lang {lang}")
        why = str(unserved[lang]) if lang in unserved else \
            "drop them from --lang, or omit --lang (uncovered languages are then skipped or " \
            "passed through unchanged, and reported)"
        raise UsageError(f"{where}: {why}")
    if langs and set(langs) <= set(out):
        raise UsageError(f"profile {profile.name} can serve none of the languages in the data: "
                         + "; ".join(f"{lang}: {r['reason']}" for lang, r in out.items())
                         + f" (see {next(iter(out.values()))['see']})")
    return disabled, out


def corrupt_batch(batch: dict[str, list], indices: Sequence[int], plan: Plan) -> dict[str, list]:
    """``datasets.map`` batch function: noisy columns plus two stats columns (dropped on write).

    Measuring here (:func:`.intensity.stats_row`) keeps the work in the worker processes.
    ``indices`` are the rows' positions in the file.
    """
    cols = list(batch)
    out: dict[str, list] = {c: [] for c in cols}
    langs, nums = [], []
    for index, values in zip(indices, zip(*batch.values(), strict=True), strict=True):
        row = dict(zip(cols, values, strict=True))
        new, lang, st, valid = corrupt_example(row, plan)
        for c in cols:
            out[c].append(new[c])
        langs.append(lang)
        nums.append(stats_row(index, valid, st, new, row, plan))
    out[STAT_LANG] = langs
    out[STAT] = nums
    return out


def cores() -> int:
    """CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def idle_cores() -> int:
    """Cores not already busy with other processes: the cores available less the recent load
    average beyond this process's own (at least 1). On a shared machine, extra workers on busy
    cores only add the cost of sending batches back and forth."""
    n = cores()
    if not hasattr(os, "getloadavg"):
        return n
    busy = max(0.0, os.getloadavg()[0] - 1.0)  # this process is running, and counts in it
    return max(1, min(n, int(n - busy + 0.5)))


def processes(num_proc: int | None, rows: int) -> int:
    """Worker processes for a split of ``rows``: ``num_proc`` (at most one per row), or with
    None one per :data:`ROWS_PER_PROC` rows, up to the cores that are idle
    (:func:`idle_cores`), so small inputs and busy machines stay in one."""
    if num_proc is None:
        return max(1, min(idle_cores(), rows // ROWS_PER_PROC))
    return max(1, min(num_proc, rows))


_WORK: tuple[Any, Plan] | None = None  # (dataset, plan) of the forked workers


def _init_worker(dataset: Any, plan: Plan) -> None:
    global _WORK
    _WORK = (dataset, plan)


def _by_lang(batch: dict[str, list]) -> dict[str, tuple[int, list[int]]]:
    """Takes the stats columns out of a :func:`corrupt_batch` batch: language -> (examples,
    their summed measurements)."""
    rows: dict[str, list] = {}
    for lang, row in zip(batch.pop(STAT_LANG), batch.pop(STAT), strict=True):
        rows.setdefault(lang, []).append(row)
    return {lang: (len(r), summed(r)) for lang, r in rows.items()}


def _corrupt_range(start: int) -> tuple[dict[str, list], dict[str, tuple[int, list[int]]]]:
    assert _WORK is not None
    ds, plan = _WORK
    batch = ds[start:start + BATCH]
    size = len(next(iter(batch.values())))
    noisy = corrupt_batch(batch, range(start, start + size), plan)
    return noisy, _by_lang(noisy)


def _batches(split: Split, plan: Plan, num_proc: int
             ) -> Iterator[tuple[dict[str, list], dict[str, tuple[int, list[int]]]]]:
    """Noisy batches, in order, each with its measurements by language (see :func:`_by_lang`)."""
    ds = split.dataset
    if num_proc > 1 and "fork" in multiprocessing.get_all_start_methods():
        # forked workers share the rows (and the Arrow memory map) without pickling them
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(num_proc, _init_worker, (ds, plan)) as pool:
            yield from pool.imap(_corrupt_range, range(0, len(ds), BATCH))
        return
    start = 0
    for batch in ds.iter(batch_size=BATCH):
        size = len(next(iter(batch.values())))
        noisy = corrupt_batch(batch, range(start, start + size), plan)
        yield noisy, _by_lang(noisy)
        start += size


def split_langs(split: Split) -> list[str]:
    """The languages of a split's rows (those of its language column for a mixed file)."""
    if split.lang != "mixed":
        return [split.lang]
    return sorted({row_lang(v, split.lang) for c in LANG_COLUMNS
                   if c in split.dataset.column_names for v in split.dataset.unique(c)})


def corrupt_split(split: Split, profile: Profile, seed: int) -> Split:
    """A noisy copy of ``split`` in memory (for training on noise): the same rows and columns,
    rows in a language the profile cannot serve unchanged; a UsageError when it serves none."""
    import dataclasses

    disabled, passthrough = coverage(profile, split_langs(split), None)
    plan = make_plan(split, profile, seed, disabled, frozenset(passthrough))
    noisy = split.dataset.map(corrupt_batch, batched=True, with_indices=True, batch_size=BATCH,
                              fn_kwargs={"plan": plan}, load_from_cache_file=False,
                              keep_in_memory=True)
    return dataclasses.replace(split, dataset=noisy.remove_columns([STAT, STAT_LANG]))


def out_relpath(split: Split) -> str:
    return split.relpath


def run_corruption(splits: Sequence[Split], profile: Profile, seed: int, out: Path, *,
                   force: bool = False, num_proc: int | None = 1, progress: bool = True,
                   command: str | None = None,
                   skipped_langs: Sequence[str] = (),
                   requested: Sequence[str] | None = None) -> dict[str, Any]:
    """Corrupt every split into ``out`` and write ``out/manifest.json``; returns the manifest.

    Examples in a language the profile cannot serve are written unchanged and counted in the
    manifest's ``passed_through`` (see :func:`coverage`); ``requested`` are the languages the
    user asked for (``--lang``), which must all be served. ``num_proc`` None: as many processes
    as the cores and the size of each split allow (see :func:`processes`).
    """
    if not splits:
        raise InputError("no data to corrupt")
    if num_proc is not None and num_proc < 1:
        raise UsageError(f"--num-proc must be >= 1, got {num_proc}")
    if out.exists() and not force:
        raise UsageError(f"{out} already exists; pass --force to replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    bad = profile.uncovered(s.lang for s in splits)
    langs = sorted({lang for s in splits for lang in split_langs(s)})
    # A whole file in a language the profile does not list is skipped by the caller unless it
    # was asked for; here it is refused like any language asked for and not served.
    disabled, passthrough = coverage(profile, langs, sorted({*bad, *(requested or ())}))
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
    tmp = make_tmp_dir(out)
    try:
        with bar(progress, sum(len(s.dataset) for s in splits), "corrupting") as advance:
            for s in splits:
                plan = make_plan(s, profile, seed, disabled, frozenset(passthrough))
                advance(description=f"{profile.name} s{profile.severity} {s.name}")
                writer = open_writer(tmp / out_relpath(s), s.fmt, s.dataset.features, s.layout)
                invalid = 0
                passed: dict[str, int] = {}
                for batch, by_lang in _batches(s, plan, processes(num_proc, len(s.dataset))):
                    writer.write(batch)
                    for lang, (examples, totals) in by_lang.items():
                        if lang in passthrough:
                            passed[lang] = passed.get(lang, 0) + examples
                            continue
                        ls = per_lang.get(lang) or per_lang.setdefault(lang, LangStats(n_ops))
                        invalid += ls.add_sum(examples, totals)
                    advance(sum(n for n, _ in by_lang.values()))
                writer.close()
                if invalid and invalid == len(s.dataset):
                    raise InputError(
                        f"{s.source}: none of its {invalid} example(s) can be kept valid (an "
                        "answer that does not match its context, tags that do not match the "
                        "tokens), so no noise could be added; nothing was written")
                files.append({"file": out_relpath(s), "source": s.source,
                              "task": s.task.name if s.task else None, "family": s.family,
                              "lang": s.lang, "examples": len(s.dataset),
                              "invalid_examples": invalid, "format": s.fmt,
                              **({"passed_through": dict(sorted(passed.items()))}
                                 if passed else {})})
        manifest = mf.build(sig, profile, seed, data_hash, files, per_lang, disabled,
                            skipped_langs, command, passthrough)
        mf.write(tmp / "manifest.json", manifest)
        commit_dir(tmp, out, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest
