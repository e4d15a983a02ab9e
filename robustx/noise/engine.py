"""Apply a resolved profile to examples of any family, keeping labels, tags and spans valid.

Everything here is a pure function of (example, plan). The random stream for one field of one
example is derived from (seed, stable example id, field, op index) with a keyed hash, so the
output does not depend on order, batching or the number of worker processes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np

from ..profiles import Profile
from ..tasks import PAIR, QA, RETRIEVAL, TAGGING
from .base import OPS, Op, load_all_ops
from .units import SPACELESS_LANGS, is_spaceless_unit, segment, split_core

MAX_SPAN = 12

# Which roles each family corrupts under each ``sides`` setting.
SIDE_ROLES = {
    PAIR: {"default": ("sentence1", "sentence2"), "all": ("sentence1", "sentence2"),
           "first": ("sentence1",), "second": ("sentence2",)},
    RETRIEVAL: {"default": ("source",), "all": ("source", "target"), "first": ("source",),
                "second": ("target",)},
    TAGGING: dict.fromkeys(("default", "all", "first", "second"), ("tokens",)),
    QA: dict.fromkeys(("default", "all", "first", "second"), ("context", "question")),
}


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs to corrupt examples of one split (picklable)."""

    profile: Profile
    seed: int
    family: str
    fields: dict[str, str]
    lang: str
    lang_column: str | None = None
    id_column: str | None = None
    disabled: frozenset[tuple[int, str]] = frozenset()  # (step index, lang) switched off

    @property
    def roles(self) -> tuple[str, ...]:
        roles = SIDE_ROLES[self.family][self.profile.sides]
        return tuple(r for r in roles if r in self.fields)


@dataclass
class Stats:
    """Counters for one field of one example; summed per language for the manifest."""

    words: int = 0
    changed: int = 0
    edits: int = 0
    chars: int = 0
    rejected: int = 0
    unavailable: list[int] = field(default_factory=list)

    def add(self, other: Stats) -> None:
        self.words += other.words
        self.changed += other.changed
        self.edits += other.edits
        self.chars += other.chars
        self.rejected += other.rejected
        if not self.unavailable:
            self.unavailable = [0] * len(other.unavailable)
        for i, v in enumerate(other.unavailable):
            self.unavailable[i] += v


def example_key(row: dict[str, Any], id_column: str | None) -> str:
    """A stable id: the id column when there is one, else a hash of the example's content."""
    if id_column and row.get(id_column) not in (None, ""):
        return f"id:{row[id_column]}"
    blob = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return "h:" + hashlib.blake2b(blob.encode("utf-8"), digest_size=16).hexdigest()


def _state(seed: int, key: str, fld: str, op_index: int) -> dict[str, Any]:
    """PCG64 state and increment taken straight from a keyed 256-bit hash (no SeedSequence:
    the hash output is already uniform, and this is 5x cheaper than seeding)."""
    d = hashlib.blake2b(f"{seed}\x1f{key}\x1f{fld}\x1f{op_index}".encode(), digest_size=32).digest()
    return {"bit_generator": "PCG64", "has_uint32": 0, "uinteger": 0,
            "state": {"state": int.from_bytes(d[:16], "little"),
                      "inc": int.from_bytes(d[16:], "little") | 1}}


def stream(seed: int, key: str, fld: str, op_index: int) -> np.random.Generator:
    """The generator for one (example, field, op); independent of everything else."""
    bg = np.random.PCG64(0)
    bg.state = _state(seed, key, fld, op_index)
    return np.random.Generator(bg)


_local = threading.local()


def _reused(slot: str, seed: int, key: str, fld: str, op_index: int) -> np.random.Generator:
    """Same stream as :func:`stream`, on a per-thread generator whose state is overwritten."""
    g = getattr(_local, slot, None)
    if g is None:
        g = np.random.Generator(np.random.PCG64(0))
        setattr(_local, slot, g)
    g.bit_generator.state = _state(seed, key, fld, op_index)
    return g


def levenshtein(a: str, b: str) -> int:
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@lru_cache(maxsize=256)
def _span_predicate(op: str, lang: str, params: tuple) -> Callable[[str], bool] | None:
    spec = OPS.get(op)
    return spec.span(lang, dict(params)) if spec.span else None


def _groups(cores: list[str], joinable: list[bool], links: Sequence[bool],
            pred: Callable[[str], bool]) -> list[list[int]]:
    """Greedy longest-first grouping of linked character units into runs ``pred`` accepts."""
    out, i, n = [], 0, len(cores)
    while i < n:
        best = 1
        if joinable[i]:
            j = i + 1
            while j < n and j - i < MAX_SPAN and links[j - 1] and joinable[j]:
                j += 1
            for end in range(j, i + 1, -1):
                if pred("".join(cores[i:end])):
                    best = end - i
                    break
        out.append(list(range(i, i + best)))
        i += best
    return out


def corrupt_units(units: Sequence[str], lang: str, plan: Plan, key: str, fld: str,
                  adjacent: Sequence[bool] | None = None) -> tuple[list[str], Stats]:
    """Corrupt a sequence of word units in place of each other (count is preserved).

    ``adjacent[i]`` says unit i touches unit i+1 with no whitespace or answer edge between them;
    only then may a span-aware op merge them (the merged-away units become empty strings).
    Which units each step picks is drawn from the (example, field) stream, step after step; an
    op's own draws come from the (example, field, op index) stream, created only when the op
    runs (creating a generator costs more than most ops).
    """
    parts = [split_core(u) for u in units]
    pre = [p[0] for p in parts]
    post = [p[2] for p in parts]
    cores = [p[1] for p in parts]
    orig = list(cores)
    steps = plan.profile.steps
    stats = Stats(unavailable=[0] * len(steps))
    pick_rng = _reused("pick", plan.seed, key, fld, -1)
    grouping = adjacent is not None and lang in SPACELESS_LANGS
    # Without grouping every step draws len(units) numbers: one matrix draw consumes the
    # stream exactly as step-by-step draws would, at a fraction of the cost.
    rates = [0.0 if (i, lang) in plan.disabled else s.rate for i, s in enumerate(steps)]
    picked: list[list[int]] | None = None
    if not grouping:
        table = pick_rng.random((len(steps), len(cores)))
        rows, cols = np.nonzero(table < np.array(rates)[:, None])
        picked = [[] for _ in steps]
        for r, c in zip(rows.tolist(), cols.tolist()):
            picked[r].append(c)
    for i, step in enumerate(steps):
        spec: Op = OPS.get(step.op)
        groups = None
        if picked is not None:
            picks = picked[i]
        else:
            if spec.span is not None:
                pred = _span_predicate(step.op, lang, step.params)
                if pred is not None:
                    joinable = [bool(c) and not a and not z and is_spaceless_unit(c, lang)
                                for c, a, z in zip(cores, pre, post)]
                    groups = _groups(cores, joinable, adjacent, pred)
            n = len(groups) if groups is not None else len(cores)
            picks = np.flatnonzero(pick_rng.random(n) < rates[i]).tolist()
        if not picks:
            continue
        rng = _reused("op", plan.seed, key, fld, i)
        params = step.kwargs
        for idx in picks:
            g = groups[idx] if groups is not None else (idx,)
            word = cores[idx] if groups is None else "".join(cores[k] for k in g)
            if not word:
                continue
            out = spec.fn(word, lang, rng, **params)
            if out is None:
                stats.unavailable[i] += 1
                continue
            if not out or out != out.strip() or len(out.split()) != len(word.split()):
                stats.rejected += 1
                continue
            cores[g[0]] = out
            for k in g[1:]:
                cores[k] = ""
    new = [a + c + z for a, c, z in zip(pre, cores, post)]
    for o, c, u, n in zip(orig, cores, units, new):
        stats.chars += len(u)
        if o:
            stats.words += 1
            if c != o:
                stats.changed += 1
                stats.edits += levenshtein(u, n)
    return new, stats


def corrupt_text(text: str, lang: str, plan: Plan, key: str, fld: str,
                 cuts: Sequence[int] = ()) -> tuple[str, Callable[[int], int], Stats]:
    """Corrupt free text; returns the text, an offset map old -> new, and stats.

    The offset map is exact at unit boundaries and between units, which is where ``cuts`` put
    every answer edge.
    """
    spans = segment(text, lang, cuts)
    cut_set = set(cuts)
    adjacent = [a[1] == b[0] and a[1] not in cut_set for a, b in pairwise(spans)] + [False]
    units = [text[s:e] for s, e in spans]
    new_units, stats = corrupt_units(units, lang, plan, key, fld, adjacent)
    stats.chars += len(text) - sum(len(u) for u in units)
    pieces, ends, deltas, pos, delta = [], [], [], 0, 0
    for (s, e), nu in zip(spans, new_units):
        pieces.append(text[pos:s])
        pieces.append(nu)
        pos = e
        delta += len(nu) - (e - s)
        ends.append(e)
        deltas.append(delta)
    pieces.append(text[pos:])

    def remap(offset: int) -> int:
        import bisect

        k = bisect.bisect_right(ends, offset)
        return offset + (deltas[k - 1] if k else 0)

    return "".join(pieces), remap, stats


def _answers_valid(context: str, answers: dict) -> bool:
    starts, texts = answers.get("answer_start", []), answers.get("text", [])
    if len(starts) != len(texts):
        return False
    return all(isinstance(s, int) and t and s >= 0 and context[s:s + len(t)] == t
               for s, t in zip(starts, texts))


def corrupt_example(row: dict[str, Any], plan: Plan) -> tuple[dict[str, Any], str, Stats, bool]:
    """One example -> (noisy example, language, stats, valid).

    An example that cannot be kept valid (a QA answer that does not match its context, a tag
    list whose length differs from the tokens) is returned unchanged with ``valid=False`` so the
    caller counts and reports it.
    """
    lang = str(row.get(plan.lang_column) or plan.lang) if plan.lang_column else plan.lang
    key = example_key(row, plan.id_column)
    out = dict(row)
    total = Stats(unavailable=[0] * len(plan.profile.steps))
    f = plan.fields
    if plan.family == TAGGING:
        tokens, tags = row[f["tokens"]], row.get(f["tags"])
        if not isinstance(tokens, list) or (tags is not None and len(tags) != len(tokens)):
            return out, lang, total, False
        new, st = corrupt_units([str(t) for t in tokens], lang, plan, key, "tokens")
        out[f["tokens"]] = new
        total.add(st)
        return out, lang, total, True
    if plan.family == QA:
        ctx, answers = row[f["context"]], row[f["answers"]]
        if not isinstance(ctx, str) or not isinstance(answers, dict) or \
                not _answers_valid(ctx, answers):
            return out, lang, total, False
        starts, texts = answers["answer_start"], answers["text"]
        cuts = sorted({c for s, t in zip(starts, texts) for c in (s, s + len(t))})
        new_ctx, remap, st = corrupt_text(ctx, lang, plan, key, "context", cuts)
        new_starts = [remap(s) for s in starts]
        new_texts = [new_ctx[remap(s):remap(s + len(t))] for s, t in zip(starts, texts)]
        new_answers = dict(answers, answer_start=new_starts, text=new_texts)
        if not _answers_valid(new_ctx, new_answers):
            return dict(row), lang, Stats(unavailable=[0] * len(plan.profile.steps)), False
        total.add(st)
        q, _, st = corrupt_text(str(row[f["question"]]), lang, plan, key, "question")
        total.add(st)
        out.update({f["context"]: new_ctx, f["question"]: q, f["answers"]: new_answers})
        return out, lang, total, True
    for role in plan.roles:  # pair and retrieval: free-text sides
        col = f[role]
        value = row.get(col)
        if value is None:
            continue
        side_lang = lang
        if plan.family == RETRIEVAL and role == "target":
            side_lang = "en"
        new, _, st = corrupt_text(str(value), side_lang, plan, key, role)
        out[col] = new
        total.add(st)
    return out, lang, total, True


def check_languages(profile: Profile, langs: Sequence[str]) -> frozenset[tuple[int, str]]:
    """Fail before touching data when a required op cannot serve a language at all.

    Returns the (step index, lang) pairs of optional steps that are switched off instead.
    """
    from ..errors import RobustxError

    load_all_ops()
    disabled = set()
    for i, step in enumerate(profile.steps):
        spec = OPS.get(step.op)
        if spec.check is None:
            continue
        for lang in langs:
            try:
                spec.check(lang, step.kwargs)
            except RobustxError:
                if not step.optional:
                    raise
                disabled.add((i, lang))
    return frozenset(disabled)
