"""Run a profile over splits: stream rows through the engine, write drop-in files and a manifest.

Rows are streamed in Arrow batches, so memory does not grow with the split. With ``num_proc > 1``
the corruption runs through ``datasets.Dataset.map`` worker processes; the per-example random
streams make the files byte-identical to a single-process run. Output goes to a temporary
folder that is renamed into place only when everything succeeded.
"""

from __future__ import annotations

import itertools
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
from ..core.progress import bar
from ..errors import InputError, UsageError
from ..profiles import Profile
from ..signature import signature
from ..tasks import FAMILIES
from ..tasks.discovery import LANG_COLUMNS
from ..tasks.fingerprint import data_fingerprint
from ..tasks.io import open_writer
from ..tasks.split import Split
from .engine import Plan, check_languages, corrupt_example
from .units import shared_ends

BATCH = 512
CHRF_ORDER, CHRF_BETA = 6, 2  # sacrebleu's chrF defaults (no word n-grams, whitespace dropped)
STAT = "__rx_stats"
STAT_LANG = "__rx_lang"
MANIFEST_SCHEMA = "robustx.manifest/1"


def make_plan(split: Split, profile: Profile, seed: int,
              disabled: frozenset[tuple[int, str]] = frozenset()) -> Plan:
    cols = split.dataset.column_names
    lang_col = next((c for c in LANG_COLUMNS if c in cols), None)
    return Plan(profile, seed, split.family, dict(split.fields), split.lang, lang_col,
                split.fields.get("id"), disabled)


CHRF_ALL = 2000  # chrF is measured on the first 2,000 rows of each file
CHRF_STRIDE = 8  # and on every 8th row after them (words changed and CER cover every row)
_NO_CHRF = [0] * (3 * CHRF_ORDER)


def measures_chrf(index: int) -> bool:
    """Whether row ``index`` of a file enters chrF: exact n-gram matching costs more than the
    noise itself, and a corpus chrF over thousands of sentences does not need every one."""
    return index < CHRF_ALL or index % CHRF_STRIDE == 0


def corrupt_batch(batch: dict[str, list], indices: Sequence[int], plan: Plan) -> dict[str, list]:
    """``datasets.map`` batch function: noisy columns plus two stats columns (dropped on write).

    The stats row of an example is [valid, words, changed, edits, chars, rejected,
    unavailable per op..., chrF measured (0/1), chrF statistics...]; measuring here keeps it in
    the worker processes. ``indices`` are the rows' positions in the file.
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
        chrf = measures_chrf(index)
        nums.append([int(valid), st.words, st.changed, st.edits, st.chars, st.rejected,
                     *st.unavailable, int(chrf),
                     *(chrf_stats(_side_text(new, plan), _side_text(row, plan)) if chrf
                       else _NO_CHRF)])
    out[STAT_LANG] = langs
    out[STAT] = nums
    return out


class LangStats:
    """Per-language running sums of the stats rows of :func:`corrupt_batch`."""

    def __init__(self, n_ops: int) -> None:
        self.n_ops = n_ops
        self.sums = [0] * (7 + n_ops + 3 * CHRF_ORDER)
        self.examples = 0

    def add(self, rows: Sequence[Sequence[int]]) -> None:
        self.examples += len(rows)
        for i, total in enumerate(map(sum, zip(*rows, strict=True))):
            self.sums[i] += total

    @property
    def invalid(self) -> int:
        return self.examples - self.sums[0]

    def report(self, op_names: Sequence[str]) -> dict[str, Any]:
        words, changed, edits, chars, rejected = self.sums[1:6]
        unavailable = self.sums[6:6 + self.n_ops]
        return {
            "examples": self.examples,
            "invalid_examples": self.invalid,
            "words": words,
            "words_changed": changed,
            "share_words_changed": round(changed / words, 4) if words else 0.0,
            "char_edits": edits,
            "cer": round(edits / chars, 4) if chars else 0.0,
            "rejected_outputs": rejected,
            "unavailable": {f"{i}:{n}": v for i, (n, v) in enumerate(zip(op_names, unavailable))},
            "chrf": round(chrf_score(self.sums[7 + self.n_ops:]), 2),
            "chrf_sentences": self.sums[6 + self.n_ops],
        }


def _diff_spans(hw: list[str], rw: list[str]) -> tuple[list[tuple[int, int]], ...]:
    """Character spans (in the whitespace-free strings) of the runs of words that differ.

    Same word count: words are paired by position (noise that keeps alignment). Otherwise only
    the common prefix and suffix words are paired and the middle is one differing run. Within a
    differing pair, the characters shared at either end count as shared too.
    """
    if len(hw) != len(rw):
        p = 0
        while p < min(len(hw), len(rw)) and hw[p] == rw[p]:
            p += 1
        q = 0
        while q < min(len(hw), len(rw)) - p and hw[-1 - q] == rw[-1 - q]:
            q += 1
        hw = [*hw[:p], "".join(hw[p:len(hw) - q]), *hw[len(hw) - q:]]
        rw = [*rw[:p], "".join(rw[p:len(rw) - q]), *rw[len(rw) - q:]]
    hs: list[tuple[int, int]] = []
    rs: list[tuple[int, int]] = []
    diff = [k for k, (a, b) in enumerate(zip(hw, rw)) if a != b]
    if not diff:
        return hs, rs
    h_at = [0, *itertools.accumulate(map(len, hw))]  # start offset of each word
    r_at = [0, *itertools.accumulate(map(len, rw))]
    for k in diff:  # trim the characters the two words share at either end
        a, b = hw[k], rw[k]
        p, q = shared_ends(a, b)
        hs.append((h_at[k] + p, h_at[k] + len(a) - q))
        rs.append((r_at[k] + p, r_at[k] + len(b) - q))
    return hs, rs


def _loose_ngrams(text: str, spans: list[tuple[int, int]]) -> tuple[dict[str, int], list[int]]:
    """The n-grams (all orders) of ``text`` not inside one run of shared words, with their
    count per order."""
    grams: dict[str, int] = {}
    per_order = [0] * (CHRF_ORDER + 1)
    size = len(text)
    for n in range(1, CHRF_ORDER + 1):
        last = -1
        for s, e in spans:
            start, stop = max(s - n + 1, 0, last + 1), min(e, size - n + 1)
            if stop <= start:
                continue
            for i in range(start, stop):
                g = text[i:i + n]
                grams[g] = grams.get(g, 0) + 1
            per_order[n] += stop - start
            last = stop - 1
    return grams, per_order


def chrf_stats(hyp: str, ref: str) -> list[int]:
    """sacrebleu's chrF segment statistics, [hyp, ref, match] per character order, fast.

    N-grams lying inside a run of words that is identical on both sides occur on both sides and
    match one to one, so only the n-grams touching a differing run are counted and matched
    (noise changes a few words of a sentence). Exact: tested against sacrebleu.
    """
    hw, rw = hyp.split(), ref.split()
    h, r = "".join(hw), "".join(rw)
    hs, rs = _diff_spans(hw, rw) if h != r else ([], [])
    hc, h_loose = _loose_ngrams(h, hs)
    rc, _ = _loose_ngrams(r, rs)
    matched = [0] * (CHRF_ORDER + 1)
    for g, c in hc.items():
        other = rc.get(g)
        if other:
            matched[len(g)] += min(c, other)
    out = []
    for n in range(1, CHRF_ORDER + 1):
        n_hyp, n_ref = max(len(h) - n + 1, 0), max(len(r) - n + 1, 0)
        out += [n_hyp if n_ref else 0, n_ref, n_hyp - h_loose[n] + matched[n]]
    return out


def chrf_score(stats: Sequence[int]) -> float:
    """sacrebleu's chrF (beta 2, effective-order averaging) from summed segment statistics."""
    factor = CHRF_BETA ** 2
    avg_prec = avg_rec = 0.0
    order = 0
    for i in range(CHRF_ORDER):
        n_hyp, n_ref, n_match = stats[3 * i:3 * i + 3]
        if n_hyp > 0 and n_ref > 0:
            avg_prec += n_match / n_hyp
            avg_rec += n_match / n_ref
            order += 1
    if order:
        avg_prec, avg_rec = avg_prec / order, avg_rec / order
    if not avg_prec + avg_rec:
        return 0.0
    score = (1 + factor) * avg_prec * avg_rec  # same operation order as sacrebleu
    score /= factor * avg_prec + avg_rec
    return 100 * score


def _side_text(row: dict[str, Any], plan: Plan) -> str:
    """The corrupted text of an example, the segment its chrF is measured on."""
    if FAMILIES.get(plan.family).joined_tokens:
        return " ".join(map(str, row[plan.fields["tokens"]] or ()))
    return "\n".join(str(row[plan.fields[r]] or "") for r in plan.roles)


def _batches(split: Split, plan: Plan, num_proc: int) -> Iterator[dict[str, list]]:
    """Noisy batches with their stats columns, in order."""
    ds = split.dataset
    if num_proc > 1 and len(ds) >= num_proc:
        noisy = ds.map(corrupt_batch, batched=True, with_indices=True, batch_size=BATCH,
                       num_proc=num_proc,
                       fn_kwargs={"plan": plan}, load_from_cache_file=False,
                       desc=f"corrupting {split.name}")
        yield from noisy.iter(batch_size=BATCH)
        return
    start = 0
    for batch in ds.iter(batch_size=BATCH):
        size = len(next(iter(batch.values())))
        yield corrupt_batch(batch, range(start, start + size), plan)
        start += size


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
        with bar(progress, sum(len(s.dataset) for s in splits), "corrupting") as advance:
            for s in splits:
                plan = make_plan(s, profile, seed, disabled)
                advance(description=f"{profile.name} {s.name}")
                writer = open_writer(tmp / out_relpath(s), s.fmt, s.dataset.features, s.layout)
                invalid = 0
                for batch in _batches(s, plan, num_proc):
                    stats, langs = batch.pop(STAT), batch.pop(STAT_LANG)
                    writer.write(batch)
                    by_lang: dict[str, list] = {}
                    for lang, row in zip(langs, stats, strict=True):
                        by_lang.setdefault(lang, []).append(row)
                    for lang, rows in by_lang.items():
                        ls = per_lang.get(lang) or per_lang.setdefault(lang, LangStats(n_ops))
                        ls.add(rows)
                        invalid += len(rows) - sum(r[0] for r in rows)
                    advance(len(stats))
                writer.close()
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
