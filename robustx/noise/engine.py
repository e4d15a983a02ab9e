"""Apply a resolved profile to examples of any family, keeping labels, tags and spans valid.

Everything here is a pure function of (example, plan). The random stream for one field of one
example is derived from (seed, stable example id, field, op index) with a keyed hash, so the
output does not depend on order, batching or the number of worker processes.

Length: about 570 lines in one module on purpose: the per-word hot path (joint draws, grouping of
spaceless units, offset maps, the three example structures) is one algorithm whose parts call
each other per word; the Plan resolves the structure functions defined here.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz.distance.Levenshtein import distance as levenshtein

try:  # read by mypyc only (see robustx.core.accel); a no-op in pure Python
    from mypy_extensions import mypyc_attr
except ModuleNotFoundError:  # pragma: no cover - mypy not installed
    def mypyc_attr(*_: Any, **__: Any) -> Callable[[type], type]:  # type: ignore[misc]
        return lambda cls: cls

from ..errors import Unavailable
from ..registry import Registry
from ..tasks import languages
from ..tasks.families import FAMILIES, SPANS, TEXT, TOKENS
from ..tasks.split import PARA_ANSWERS, PARA_KEY
from .base import OPS, Op, load_all_ops
from .profiles import Profile
from .protect import has_digit, protected
from .rng import Rng, key64
from .units import (
    LETTER_SPACELESS_LANGS,
    SPACELESS_LANGS,
    bare_spaceless,
    count_text_words,
    count_words,
    is_spaceless_unit,
    pieces,
    shared_ends,
    split_core,
)
from .wellformed import breaks

MAX_SPAN = 12

@mypyc_attr(native_class=False)  # its cached properties need a __dict__
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
    passthrough: frozenset[str] = frozenset()  # languages the profile cannot serve: unchanged
    side_langs: tuple[tuple[str, str], ...] = ()  # (role, language) of sides in another language
    _schedules: dict[str, Schedule] = field(default_factory=dict, compare=False, repr=False)

    # Resolved once from the fields above (in __post_init__, not cached properties: the
    # compiled engine would call a cached property's function on every access).
    roles: tuple[str, ...] = field(init=False, compare=False, repr=False)
    sides: tuple[tuple[str, str, str | None], ...] = field(init=False, compare=False, repr=False)
    corrupt: Structure = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        fam, other = FAMILIES.get(self.family), dict(self.side_langs)
        roles = tuple(r for r in fam.sides[self.profile.sides] if r in self.fields)
        # roles: the sides the noise rewrites; sides: (role, column, fixed language or None)
        # of each; corrupt: the function that corrupts one example of this family
        # (see :data:`STRUCTURES`)
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "sides", tuple(
            (r, self.fields[r], other.get(r) or fam.role(r).lang) for r in roles))
        object.__setattr__(self, "corrupt", STRUCTURES.get(fam.structure))

    def lang_of(self, role: str, lang: str) -> str:
        """The language side ``role`` is written in: fixed by the family (retrieval's English
        side) or by the file (MLQA's question), else the example's ``lang``."""
        return dict(self.side_langs).get(role) or FAMILIES.get(self.family).role(role).lang \
            or lang

    def __reduce__(self) -> tuple:  # the resolved-step cache stays behind
        return (Plan, (self.profile, self.seed, self.family, self.fields, self.lang,
                       self.lang_column, self.id_column, self.disabled, self.passthrough,
                       self.side_langs))

    def schedule(self, lang: str) -> Schedule:
        """The steps that run for ``lang`` and how to draw them, resolved once per language."""
        if lang not in self._schedules:
            load_all_ops()
            self._schedules[lang] = _schedule(lang, tuple(
                ActiveStep(i, OPS.get(s.op), s.rate, s.kwargs, s.params)
                for i, s in enumerate(self.profile.steps)
                if s.rate > 0 and (i, lang) not in self.disabled), frozenset(self.profile.protect))
        return self._schedules[lang]


class ActiveStep(NamedTuple):
    index: int  # type: ignore[assignment]  # the step's place in the profile
    op: Op
    rate: float
    kwargs: dict[str, Any]
    params: tuple


class Schedule(NamedTuple):
    """Which steps hit a word, drawn jointly.

    Each step picks each word independently with its rate. Instead of one draw per (word, step),
    the engine skips to the next word that at least one step picks (probability ``p_any``) and
    draws that word's set of steps from its conditional distribution (``subsets``/``cum``): two
    draws per picked word. The law is the same as step-by-step picking.
    """

    steps: tuple[ActiveStep, ...]
    p_any: float
    subsets: tuple[tuple[ActiveStep, ...], ...]
    cum: tuple[float, ...]  # cumulative P(subset | picked); empty when there are too many steps
    spans: bool  # some step groups characters of a spaceless script into words
    pred: Callable[[str], bool] | None  # the grouping every step shares, if they all share one
    protect: frozenset[str] = frozenset()  # what no op touches (:mod:`.protect`)


MAX_JOINT_STEPS = 10  # 2**10 - 1 subsets at most


def _schedule(lang: str, steps: tuple[ActiveStep, ...],
              protect: frozenset[str] = frozenset()) -> Schedule:
    p_any = 1.0 - math.prod(1.0 - s.rate for s in steps)
    subsets, probs = [], []
    if steps and len(steps) <= MAX_JOINT_STEPS and p_any > 0:
        for mask in range(1, 1 << len(steps)):
            p = math.prod(s.rate if mask >> j & 1 else 1.0 - s.rate for j, s in enumerate(steps))
            if p > 0:
                subsets.append(tuple(s for j, s in enumerate(steps) if mask >> j & 1))
                probs.append(p)
    total = sum(probs)
    cum = [c / total for c in itertools.accumulate(probs)] if probs else []
    if cum:
        cum[-1] = 1.0
    preds = {_span_predicate(s.op.name, lang, s.params) if s.op.span else None for s in steps}
    spans = lang in SPACELESS_LANGS and preds != {None}
    shared = next(iter(preds)) if spans and len(preds) == 1 else None
    return Schedule(steps, min(p_any, 1.0), tuple(subsets), tuple(cum), spans, shared, protect)


@dataclass(slots=True)
class Stats:
    """Counters for one example (all its fields); summed per language for the manifest."""

    words: int = 0
    changed: int = 0
    edits: int = 0
    chars: int = 0
    rejected: int = 0
    protected: int = 0
    unavailable: list[int] = field(default_factory=list)


_ROW_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str).encode
# The same encoding without JSONEncoder.encode building a C encoder per call (a third of the
# cost of keying an example); rows are never circular.
_C_ENCODER = json.encoder.c_make_encoder and json.encoder.c_make_encoder(  # type: ignore
    None, str, json.encoder.encode_basestring, None, ": ", ", ", True, False, True)


def example_key(row: dict[str, Any], id_column: str | None) -> str:
    """A stable id: the id column when there is one, else a hash of the example's content."""
    if id_column and row.get(id_column) not in (None, ""):
        return f"id:{row[id_column]}"
    text = "".join(_C_ENCODER(row, 0)) if _C_ENCODER else _ROW_JSON(row)
    blob = text.encode("utf-8", "surrogatepass")
    return "h:" + hashlib.blake2b(blob, digest_size=16).hexdigest()


def stream(seed: int, key: str, fld: str, op_index: int) -> Rng:
    """The random stream of one (example, field, op); -1 is the stream that picks the words."""
    return Rng(key64(seed, key, fld), op_index)


@lru_cache(maxsize=256)
def _span_predicate(op: str, lang: str, params: tuple) -> Callable[[str], bool] | None:
    spec = OPS.get(op)
    return spec.span(lang, dict(params)) if spec.span else None


def _groups(cores: list[str], joinable: list[bool], links: Sequence[bool],
            pred: Callable[[str], bool]) -> list[range]:
    """Greedy longest-first grouping of linked character units into runs ``pred`` accepts.

    A predicate may carry ``max_len`` (in units) and ``max_chars`` attributes: no run longer
    than that is ever accepted, so none is built.
    """
    out, i, n = [], 0, len(cores)
    longest = min(getattr(pred, "max_len", MAX_SPAN), MAX_SPAN)
    max_chars = getattr(pred, "max_chars", None)
    while i < n:
        best = 1
        if joinable[i]:
            run, end = cores[i], i + 1
            while end < n and end - i < longest and links[end - 1] and joinable[end]:
                run += cores[end]
                end += 1
                if max_chars is not None and len(run) > max_chars:
                    break
                if pred(run):
                    best = end - i
        out.append(range(i, i + best))
        i += best
    return out


def _apply(step: ActiveStep, word: str, lang: str, rngs: dict[int, Rng], base: int,
           stats: Stats, numbers: bool = False) -> str:
    """One op on one word, from the op's own stream; ``word`` itself when it has nothing to
    offer (counted unavailable) or offers something that is not one unit, breaks a rule of
    its script (:mod:`.wellformed`) or, under ``numbers`` protection, brings in a digit
    (counted rejected)."""
    rng = rngs.get(step.index)
    if rng is None:
        rng = rngs[step.index] = Rng(base, step.index)
    out = step.op.fn(word, lang, rng, **step.kwargs)
    if out is None:
        stats.unavailable[step.index] += 1
        return word
    # ``\s`` and ``str.split`` agree on whitespace (both Py_UNICODE_ISSPACE)
    if not out or ((_has_space(out) is not None) if _has_space(word) is None else
                   _spacing(out) != _spacing(word)) or breaks(word, out, lang) or (
            numbers and not step.op.digits and has_digit(out)):
        stats.rejected += 1  # one unit must stay one unit, spelled as its script allows
        return word
    return out


_WHITESPACE = re.compile(r"\s+")
_has_space = _WHITESPACE.search


def _spacing(text: str) -> tuple:
    """Where a unit holding spaces has them (a Vietnamese UD token such as "Hôm nay"): an op
    may rewrite its words but not join, split or move them."""
    return (len(text.split()), tuple(_WHITESPACE.findall(text)), text[:1].isspace(),
            text[-1:].isspace())


def _corrupt_words(units: Sequence[str], lang: str, sched: Schedule, pick: Rng, base: int,
                   stats: Stats) -> Sequence[str]:
    """The common case, words as units: joint draw, two draws per picked word. Returns
    ``units`` itself when no word changed."""
    new: list[str] | None = None
    rngs: dict[int, Rng] = {}
    subsets, cum, protect = sched.subsets, sched.cum, sched.protect
    numbers, after_number = "numbers" in protect, "units" in protect
    for idx in pick.picks(len(units), sched.p_any):
        chosen = subsets[bisect.bisect_right(cum, pick.random())]
        unit = units[idx]
        if protect and (has_digit(unit) or (after_number and idx and has_digit(units[idx - 1]))):
            stats.protected += 1  # :func:`.protect.protected` of one unit, inlined
            continue
        pre, word, post = ("", unit, "") if unit[:1].isalnum() and unit[-1:].isalnum() \
            else split_core(unit)
        if not word:
            continue
        out = word
        for step in chosen:
            out = _apply(step, out, lang, rngs, base, stats, numbers)
        if out != word:
            if new is None:
                new = list(units)
            new[idx] = pre + out + post
            stats.changed += 1
            stats.edits += levenshtein(word, out)  # what pre and post share adds nothing
    return units if new is None else new


def corrupt_units(units: Sequence[str], lang: str, plan: Plan, key: str, fld: str,
                  adjacent: Sequence[bool] | None = None) -> tuple[list[str], Stats]:
    """Corrupt a sequence of word units in place of each other (count is preserved).

    ``adjacent[i]`` says unit i touches unit i+1 with no whitespace or answer edge between them;
    only then may a span-aware op merge them (the merged-away units become empty strings).
    """
    stats = Stats(unavailable=[0] * len(plan.profile.steps))
    new = list(_corrupt_units(units, lang, plan, key, fld, adjacent, stats))
    stats.words, stats.chars = count_words(units), sum(map(len, units))
    return new, stats


def _corrupt_units(units: Sequence[str], lang: str, plan: Plan, key: str, fld: str,
                   adjacent: Sequence[bool] | None, stats: Stats) -> Sequence[str]:
    """:func:`corrupt_units`, counting into ``stats`` (all but ``words`` and ``chars``).

    Which words each step picks (each with the step's rate) is drawn from the (example, field)
    stream, jointly for all steps where they share their words (see :class:`Schedule`), else
    step after step; an op's own draws come from the (example, field, step) stream. Only picked
    units are looked at, so unchanged words cost next to nothing.
    """
    base = key64(plan.seed, key, fld)
    pick = Rng(base, -1)
    sched = plan.schedule(lang)
    grouping = adjacent is not None and sched.spans
    if sched.cum and not grouping:
        return _corrupt_words(units, lang, sched, pick, base, stats)
    n = len(units)
    rngs: dict[int, Rng] = {}  # step index -> the op's stream, made on first use
    split: dict[int, tuple[str, str, str]] = {}  # unit -> (leading punct, core, trailing punct)
    cores: dict[int, str] = {}  # unit -> current core, for units an op has rewritten
    merged: set[int] = set()  # tail units of a group an op rewrote as one word (left empty)

    def core(k: int) -> str:
        if k in cores:
            return cores[k]
        if k not in split:
            split[k] = split_core(units[k])
        return split[k][1]

    def groups_for(pred: Callable[[str], bool]) -> list[range]:
        """Runs of touching units that ``pred`` accepts as one word (the others alone)."""
        cur = [cores.get(k, u) for k, u in enumerate(units)]
        joinable = bare_spaceless(units)
        for k, c in cores.items():  # rewritten units: their current core decides
            joinable[k] = bool(c) and is_spaceless_unit(c, lang)
        assert adjacent is not None  # grouping: only with adjacency
        return _groups(cur, joinable, adjacent, pred)

    protect = sched.protect
    numbers = "numbers" in protect

    def rewrite(g: Sequence[int], word: str, steps: Sequence[ActiveStep]) -> bool:
        if protect and protected(units, g[0], g[-1], protect):
            stats.protected += 1
            return False
        out = word
        for step in steps:
            out = _apply(step, out, lang, rngs, base, stats, numbers)
        if out is word:
            return False
        cores[g[0]] = out
        for k in g[1:]:
            cores[k] = ""
            merged.add(k)
        return True

    def word_of(g: Sequence[int]) -> str:
        return core(g[0]) if len(g) == 1 else "".join(core(k) for k in g)

    if sched.cum and sched.pred is not None:
        # Joint draw over the runs of the one predicate every step shares (Thai typos).
        runs = groups_for(sched.pred)
        for idx in pick.picks(len(runs), sched.p_any):
            chosen = sched.subsets[bisect.bisect_right(sched.cum, pick.random())]
            word = word_of(runs[idx])
            if word:
                rewrite(runs[idx], word, chosen)
    else:  # step by step: characters of spaceless scripts may be grouped differently per op
        # Groups per predicate, kept while only that predicate's op rewrites words: a rewritten
        # run stays one word for the next op.
        grouped: dict[Callable[[str], bool], list[range]] = {}
        for step in sched.steps:
            groups: list[range] | None = None
            pred: Callable[[str], bool] | None = None
            if grouping and step.op.span is not None:
                pred = _span_predicate(step.op.name, lang, step.params)
                if pred is not None:
                    groups = grouped.get(pred)
                    if groups is None:
                        groups = grouped[pred] = groups_for(pred)
            for idx in pick.picks(len(groups) if groups is not None else n, step.rate):
                g = groups[idx] if groups is not None else (idx,)
                word = word_of(g)
                if word and rewrite(g, word, (step,)):
                    for other in [q for q in grouped if q is not pred]:
                        del grouped[other]
    new = list(units)
    for k, c in cores.items():
        pre, old, post = split[k]
        if c != old:
            new[k] = pre + c + post
    for k in cores:  # a group rewritten as one word counts the units its edit touched
        if k in merged:
            continue
        end = k + 1
        while end in merged:
            end += 1
        before, after = "".join(units[k:end]), "".join(new[k:end])
        if before != after:
            stats.changed += touched(units[k:end], after) if end - k > 1 else 1
            stats.edits += levenshtein(before, after)
    return new


def touched(units: Sequence[str], after: str) -> int:
    """How many of ``units`` (touching character units of a spaceless script) an edit that
    turned them into ``after`` touched: those overlapping what lies between the common prefix
    and suffix. ``words`` counts characters there, so ``changed`` must too: a romanised
    four-character word is four changed units, a Thai typo in a run of three letters one."""
    before = "".join(units)
    p, q = shared_ends(before, after)
    lo, hi = p, max(p + 1, len(before) - q)  # an insertion touches the unit it lands in
    n, pos = 0, 0
    for u in units:
        end = pos + len(u)
        n += pos < hi and end > lo
        pos = end
    return max(n, 1)


def corrupt_text(text: str, lang: str, plan: Plan, key: str, fld: str,
                 cuts: Sequence[int] = (), stats: Stats | None = None,
                 ) -> tuple[str, Callable[..., int], Stats]:
    """Corrupt free text; returns the text, an offset map old -> new, and stats (``stats``
    itself, added to, when given).

    The offset map is exact at unit boundaries and between units, which is where ``cuts`` put
    every answer edge.
    """
    if stats is None:
        stats = Stats(unavailable=[0] * len(plan.profile.steps))
    stats.chars += len(text)
    if not cuts and lang not in SPACELESS_LANGS:  # most text: words and single spaces
        units = text.split()
        if " ".join(units) == text:
            new_units = _corrupt_units(units, lang, plan, key, fld, None, stats)
            stats.words += count_text_words(text, len(units))
            new_text = text if new_units is units else " ".join(new_units)
            return new_text, _remapper(None, units, new_units), stats
    ps = pieces(text, lang, cuts)
    units, seps = ps[1::2], ps[0::2]
    stats.words += count_words(units)
    sched = plan.schedule(lang)
    split_runs = getattr(sched.pred, "split", None) if sched.cum and not cuts else None
    if split_runs is not None:
        # The runs every step shares, as units, from the predicate's own regex: what the
        # grouping in corrupt_units would build, without Python per character (Thai typos).
        ps = split_runs(text)
        units, seps = ps[1::2], ps[0::2]
        changed = stats.changed
        ps[1::2] = new_units = _corrupt_units(units, lang, plan, key, fld, None, stats)
        if stats.changed != changed:  # a changed run counts the characters its edit touched
            stats.changed += sum(touched(pieces(a, lang)[1::2], b) - 1
                                 for a, b in zip(units, new_units) if a is not b and a != b)
        return "".join(ps), _remapper(seps, units, new_units), stats
    adjacent = None
    if sched.spans:  # units i and i+1 may merge: no space, no cut between them
        adjacent = [not s for s in seps[1:]]
        if cuts:
            ends = list(itertools.accumulate(len(s) + len(u) for s, u in zip(seps, units)))
            cut_set = set(cuts)
            adjacent = [a and e not in cut_set for a, e in zip(adjacent, ends)]
        adjacent[-1:] = [False] * bool(adjacent)
    new_units = _corrupt_units(units, lang, plan, key, fld, adjacent, stats)
    ps[1::2] = new_units
    new_seps = _word_spaces(seps, units, new_units, lang in WORD_SPANS) \
        if adjacent and lang not in LETTER_SPACELESS_LANGS else seps
    ps[0::2] = new_seps
    return "".join(ps), _remapper(seps, units, new_units, new_seps), stats


def _latin_end(word: str, at: int) -> bool:
    return word[at].isascii() and word[at].isalnum()


def _letter_end(word: str) -> bool:
    """Whether ``word`` ends in a letter or digit, marks aside (มี, नहीं)."""
    base = word.rstrip("".join(c for c in word[-3:] if unicodedata.category(c)[0] == "M"))
    return bool(base) and base[-1].isalnum()


# Languages whose ops group characters into words (Chinese: a word list), so two romanised
# groups side by side are two words; Japanese kana runs and Thai syllable runs are not.
WORD_SPANS = frozenset({"zh"})


def _word_spaces(seps: list[str], old: Sequence[str], new: Sequence[str],
                 words: bool) -> list[str]:
    """The separators of a Chinese or Japanese text whose words an op romanised or switched into
    Latin letters: people type those words apart (``du wa zai na yinian``, ``我喜欢看 movie``),
    so a space goes between such a word and a touching word in another script, and, where
    groups are ``words``, between two such words; never before punctuation. At an answer edge
    the space stays outside the answer (the offset map's ``end``)."""
    out = seps
    prev = -1
    for j, b in enumerate(new):
        if not b:  # the tail of a group an op rewrote as one word
            continue
        if prev >= 0 and not any(seps[prev + 1:j + 1]):
            a = new[prev]
            ra, rb = a != old[prev], b != old[j]
            if (words or not (ra and rb)) and (
                    (ra and _latin_end(a, -1) and b[0].isalnum())
                    or (rb and _latin_end(b, 0) and _letter_end(a))):
                if out is seps:
                    out = list(seps)
                out[j] = " "
        prev = j
    return out


def _remapper(seps: Sequence[str] | None, old: Sequence[str], new: Sequence[str],
              new_seps: Sequence[str] | None = None) -> Callable[..., int]:
    """Offset map old -> new text (``seps[0] + unit[0] + seps[1] + ...``; ``None``: single
    spaces; ``new_seps``: the separators of the new text, where they differ), exact at the ends
    of units and separators, where every cut lies. Built on first use: only QA answers need it.
    """
    table: list[list[int]] = []

    def remap(offset: int, end: bool = False) -> int:
        """``offset`` in the new text; an ``end`` offset (an answer's end) stays before a space
        the new text has where the old had none."""
        nonlocal seps
        if not table:
            if seps is None:
                seps = ["", *[" "] * (len(old) - 1), ""] if old else [""]
            ends, deltas, pos, delta = [], [], 0, 0
            for k, sep in enumerate(seps):
                pos += len(sep)
                if new_seps is not None and new_seps is not seps:
                    delta += len(new_seps[k]) - len(sep)
                ends.append(pos)
                deltas.append(delta)
                if k < len(old):
                    pos += len(old[k])
                    delta += len(new[k]) - len(old[k])
                    ends.append(pos)
                    deltas.append(delta)
            table.extend((ends, deltas))
        ends, deltas = table
        if end:
            k = bisect.bisect_left(ends, offset)
            if k < len(ends) and ends[k] == offset:
                return offset + deltas[k]
        k = bisect.bisect_right(ends, offset)
        return offset + (deltas[k - 1] if k else 0)

    return remap


def _answers_valid(context: str, answers: dict) -> bool:
    starts, texts = answers.get("answer_start", []), answers.get("text", [])
    if len(starts) != len(texts):
        return False
    # An empty text is no answer (XTREME's unlabeled QA test files: start 0, text ""): valid
    # wherever it starts inside the context, and it cuts nothing that noise could break.
    return all(isinstance(s, int) and s >= 0 and (context[s:s + len(t)] == t if t else
                                                   s <= len(context))
               for s, t in zip(starts, texts))


@lru_cache(maxsize=1024)
def _lang_code(value: str) -> str:
    return languages.code(value) or value


def row_lang(value: Any, default: str) -> str:
    """A row's language column value as robustx's code (``deu`` -> ``de``); ``default`` if empty."""
    return _lang_code(str(value)) if value else default


def corrupt_example(row: dict[str, Any], plan: Plan) -> tuple[dict[str, Any], str, Stats, bool]:
    """One example -> (noisy example, language, stats, valid).

    An example that cannot be kept valid (a QA answer that does not match its context, a tag
    list whose length differs from the tokens) is returned unchanged with ``valid=False`` so the
    caller counts and reports it. What has to stay intact is the family's ``structure``: the
    function of :data:`STRUCTURES` that the plan resolved once.
    """
    lang = row_lang(row.get(plan.lang_column), plan.lang) if plan.lang_column else plan.lang
    total = Stats(unavailable=[0] * len(plan.profile.steps))
    if lang in plan.passthrough:  # written unchanged; the caller counts it apart
        return dict(row), lang, total, True
    key = example_key(row, plan.id_column)
    return plan.corrupt(row, dict(row), lang, key, total, plan)


Structure = Callable[[dict, dict, str, str, Stats, Plan], tuple[dict[str, Any], str, Stats, bool]]
STRUCTURES: Registry[Structure] = Registry("example structure")


@STRUCTURES.register(TOKENS)
def _tokens(row: dict, out: dict, lang: str, key: str, total: Stats,
            plan: Plan) -> tuple[dict[str, Any], str, Stats, bool]:
    """Tagging: tokens are rewritten one for one, so every tag stays on its token."""
    f = plan.fields
    tokens, tags = row[f["tokens"]], row.get(f["tags"]) if "tags" in f else None
    if not isinstance(tokens, list) or (tags is not None and len(tags) != len(tokens)):
        return out, lang, total, False
    tokens = [str(t) for t in tokens]
    out[f["tokens"]] = _corrupt_units(tokens, lang, plan, key, "tokens", None, total)
    total.words, total.chars = count_words(tokens), sum(map(len, tokens))
    return out, lang, total, True


@STRUCTURES.register(SPANS)
def _spans(row: dict, out: dict, lang: str, key: str, total: Stats,
           plan: Plan) -> tuple[dict[str, Any], str, Stats, bool]:
    """Extractive QA: no unit straddles an answer edge, and answers move with the context."""
    f = plan.fields
    ctx, answers = row[f["context"]], row[f["answers"]]
    # A question of a SQuAD-style document shares its paragraph's context with the other
    # questions of the paragraph: the context is then corrupted from the paragraph alone
    # (its key, every answer of the paragraph as cuts and as validity test), so that each of
    # its questions gets the same noisy context, or all are kept unchanged together.
    spans, ctx_key = row.get(PARA_ANSWERS), row.get(PARA_KEY)
    if spans is None or ctx_key is None:
        spans, ctx_key = answers, key
    if not isinstance(ctx, str) or not isinstance(answers, dict) or \
            not _answers_valid(ctx, answers) or (spans is not answers and not (
                isinstance(spans, dict) and _answers_valid(ctx, spans))):
        return out, lang, total, False
    cuts = sorted({c for s, t in zip(spans["answer_start"], spans["text"]) if t
                   for c in (s, s + len(t))})
    new_ctx, remap, _ = corrupt_text(ctx, plan.lang_of("context", lang), plan, ctx_key,
                                     "context", cuts, total)

    def moved(a: dict) -> dict:  # answers relocated into the noisy context
        return dict(a, answer_start=[remap(s) for s in a["answer_start"]],
                    text=[new_ctx[remap(s):remap(s + len(t), end=True)]
                          for s, t in zip(a["answer_start"], a["text"])])

    new_answers = moved(answers)
    if not _answers_valid(new_ctx, new_answers) or (
            spans is not answers and not _answers_valid(new_ctx, moved(spans))):
        return dict(row), lang, Stats(unavailable=[0] * len(plan.profile.steps)), False
    q, _, _ = corrupt_text(str(row[f["question"]]), plan.lang_of("question", lang), plan, key,
                           "question", (), total)
    out.update({f["context"]: new_ctx, f["question"]: q, f["answers"]: new_answers})
    return out, lang, total, True


@STRUCTURES.register(TEXT)
def _text(row: dict, out: dict, lang: str, key: str, total: Stats,
          plan: Plan) -> tuple[dict[str, Any], str, Stats, bool]:
    """Pair classification and retrieval: free-text sides, each in its own language."""
    for role, col, side_lang in plan.sides:
        value = row.get(col)
        if value is None:
            continue
        out[col], _, _ = corrupt_text(str(value), side_lang or lang, plan, key, role, (), total)
    return out, lang, total, True


def check_languages(profile: Profile, langs: Sequence[str]) -> frozenset[tuple[int, str]]:
    """Fail before touching data when a required op cannot serve a language at all.

    Returns the (step index, lang) pairs that are switched off instead: optional steps whose op
    cannot serve the language, and steps whose op can never change a word of it (its check
    returns False: keyboard ops in Chinese, which is typed through an input method).
    """
    disabled, unserved = language_coverage(profile, langs)
    if unserved:
        raise next(iter(unserved.values()))
    return disabled


def language_coverage(profile: Profile, langs: Sequence[str]
                      ) -> tuple[frozenset[tuple[int, str]], dict[str, Unavailable]]:
    """:func:`check_languages` without failing on languages a required op cannot serve.

    Returns the switched-off (step index, lang) pairs and, for each language that a required
    step's op cannot serve (its check raised :class:`~robustx.errors.Unavailable`), that error:
    the caller passes those languages through unchanged or refuses them. Any other error of a
    required step (a malformed lexicon, a bad param) is raised: it is the profile's, not the
    language's.
    """
    from ..errors import RobustxError

    load_all_ops()
    disabled: set[tuple[int, str]] = set()
    unserved: dict[str, Unavailable] = {}
    for i, step in enumerate(profile.steps):
        spec = OPS.get(step.op)
        if spec.check is None:
            continue
        for lang in langs:
            try:
                if spec.check(lang, step.kwargs) is False:
                    disabled.add((i, lang))
            except Unavailable as exc:
                if step.optional:
                    disabled.add((i, lang))
                else:
                    unserved.setdefault(lang, exc)
            except RobustxError:
                if not step.optional:
                    raise
                disabled.add((i, lang))
    return frozenset(disabled), unserved
