"""Candidate rewrites for an adversarial search: an example taken apart into units, a few
rewrites per unit from the profile's ops, and the example put back together with any choice.

The search (``robustx.experiment.attack``) needs a fixed menu per word instead of one random
draw: ``k`` distinct rewrites of each unit, each drawn like the engine draws a picked word (a
subset of the profile's steps from the joint schedule, every op from its own keyed stream), so
a menu is a pure function of (seed, example, field, unit) and a run is reproducible. Every
rewrite goes through the engine's :func:`~robustx.noise.engine._apply`, so the constraints of
``corrupt`` hold: one unit stays one unit, per-script well-formedness, ops' own protections
(numbers), switched-off steps per language. Structure is kept as the engine keeps it: tagging
rewrites tokens one for one, QA answer edges are unit boundaries and answers are relocated,
pair and retrieval rewrite the sides the family record names. Characters of spaceless scripts
are single units here (no grouping across them), which keeps the menu per unit simple.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance.Levenshtein import distance as levenshtein

from ..registry import Registry
from ..tasks.families import FAMILIES, SPANS, TEXT, TOKENS
from ..tasks.split import PARA_ANSWERS, PARA_KEY
from .engine import Plan, Stats, _answers_valid, _apply, _remapper, example_key, row_lang
from .protect import protected
from .rng import Rng, key64
from .units import count_words, pieces, split_core

__all__ = ["Attackable", "Slot", "attackable", "unit_candidates"]

TRIES = 4  # draws per wanted candidate before a unit's menu is left shorter


@dataclass(frozen=True)
class Slot:
    """One attackable unit: where it is (role, unit index) and its candidate rewrites."""

    role: str
    index: int
    original: str
    candidates: tuple[str, ...]


@dataclass
class Attackable:
    """One example as units with candidate menus; :meth:`build` puts a choice back together.

    ``words``: the words of the attacked sides (the budget's denominator, counted as the
    manifest counts them). ``valid`` False: the example cannot be kept valid (a QA answer that
    does not match its context, tags that do not match the tokens) and has no slots.
    """

    row: dict[str, Any]
    lang: str
    slots: list[Slot]
    words: int
    chars: int
    valid: bool = True
    _build: Callable[[dict[str, Any], Mapping[tuple[str, int], str]], dict[str, Any]] | None = \
        field(default=None, repr=False)

    def build(self, choice: Mapping[int, int]) -> dict[str, Any]:
        """The example with slot ``s`` replaced by its candidate ``choice[s]``."""
        if not choice or self._build is None:
            return dict(self.row)
        subs = {(self.slots[s].role, self.slots[s].index): self.slots[s].candidates[c]
                for s, c in choice.items()}
        return self._build(dict(self.row), subs)

    def stats(self, choice: Mapping[int, int], n_ops: int) -> Stats:
        """The engine's per-example statistics of a choice (words changed, character edits)."""
        st = Stats(words=self.words, chars=self.chars, unavailable=[0] * n_ops)
        for s, c in choice.items():
            slot = self.slots[s]
            st.changed += 1
            st.edits += levenshtein(slot.original, slot.candidates[c])
        return st


def unit_candidates(unit: str, lang: str, plan: Plan, key: str, fld: str, index: int,
                    k: int, stats: Stats) -> tuple[str, ...]:
    """Up to ``k`` distinct rewrites of ``unit`` (punctuation around its core kept).

    Draw ``t`` picks a subset of the steps from the engine's joint schedule (conditional on the
    word being picked) out of stream -1 of key (seed, example, field#unit#t), and each op then
    draws from its own stream of that key: the engine's layout, one key per draw.
    """
    pre, core, post = split_core(unit)
    sched = plan.schedule(lang)
    if not core or not sched.steps:
        return ()
    out: list[str] = []
    for t in range(k * TRIES):
        if len(out) == k:
            break
        base = key64(plan.seed, key, f"{fld}#{index}#{t}")
        pick = Rng(base, -1)
        if sched.cum:
            chosen = sched.subsets[bisect.bisect_right(sched.cum, pick.random())]
        else:  # too many steps for the joint table: one step, in proportion to its rate
            total = sum(s.rate for s in sched.steps)
            r, chosen = pick.random() * total, sched.steps[-1:]
            for s in sched.steps:
                r -= s.rate
                if r < 0:
                    chosen = (s,)
                    break
        word, rngs = core, {}
        for step in chosen:
            word = _apply(step, word, lang, rngs, base, stats, "numbers" in sched.protect)
        cand = pre + word + post
        if word != core and cand not in out:
            out.append(cand)
    return tuple(out)


Builder = Callable[[dict, Plan, str, str, int, Stats], Attackable]
BUILDERS: Registry[Builder] = Registry("attack structure")


def attackable(row: dict[str, Any], plan: Plan, k: int) -> Attackable:
    """``row`` taken apart for the search, with up to ``k`` candidates per unit."""
    lang = row_lang(row.get(plan.lang_column), plan.lang) if plan.lang_column else plan.lang
    if lang in plan.passthrough:
        return Attackable(dict(row), lang, [], 0, 0)
    stats = Stats(unavailable=[0] * len(plan.profile.steps))
    return BUILDERS.get(FAMILIES.get(plan.family).structure)(
        row, plan, lang, example_key(row, plan.id_column), k, stats)


def _menu(units: Sequence[str], role: str, lang: str, plan: Plan, key: str, k: int,
          stats: Stats, skip: Callable[[int], bool] = lambda i: False) -> list[Slot]:
    slots = []
    protect = plan.schedule(lang).protect  # what corrupt never touches, attack neither
    for i, u in enumerate(units):
        if skip(i) or not u.strip() or (protect and protected(units, i, i, protect)):
            continue
        cands = unit_candidates(u, lang, plan, key, role, i, k, stats)
        if cands:
            slots.append(Slot(role, i, u, cands))
    return slots


@BUILDERS.register(TEXT)
def _text(row: dict, plan: Plan, lang: str, key: str, k: int, stats: Stats) -> Attackable:
    """Pair classification and retrieval: each attacked side is separators and units."""
    parts: dict[str, list[str]] = {}
    slots: list[Slot] = []
    words = chars = 0
    for role, col, side_lang in plan.sides:
        value = row.get(col)
        if value is None:
            continue
        ps = pieces(str(value), side_lang or lang)
        parts[role] = ps
        units = ps[1::2]
        words += count_words(units)
        chars += len(str(value))
        # unit i of the side is pieces[2i+1]
        slots += _menu(units, role, side_lang or lang, plan, key, k, stats)
    cols = {role: col for role, col, _ in plan.sides}

    def build(out: dict, subs: Mapping[tuple[str, int], str]) -> dict:
        for role, ps in parts.items():
            mine = {i: w for (r, i), w in subs.items() if r == role}
            if mine:
                new = list(ps)
                for i, w in mine.items():
                    new[2 * i + 1] = w
                out[cols[role]] = "".join(new)
        return out

    return Attackable(dict(row), lang, slots, words, chars, True, build)


@BUILDERS.register(TOKENS)
def _tokens(row: dict, plan: Plan, lang: str, key: str, k: int, stats: Stats) -> Attackable:
    """Tagging: a token is replaced by one token, so every tag stays on its token."""
    f = plan.fields
    tokens, tags = row[f["tokens"]], row.get(f["tags"]) if "tags" in f else None
    if not isinstance(tokens, list) or (tags is not None and len(tags) != len(tokens)):
        return Attackable(dict(row), lang, [], 0, 0, False)
    tokens = [str(t) for t in tokens]
    slots = _menu(tokens, "tokens", lang, plan, key, k, stats)

    def build(out: dict, subs: Mapping[tuple[str, int], str]) -> dict:
        new = list(tokens)
        for (_, i), w in subs.items():
            new[i] = w
        out[f["tokens"]] = new
        return out

    return Attackable(dict(row), lang, slots, count_words(tokens), sum(map(len, tokens)),
                      True, build)


@BUILDERS.register(SPANS)
def _spans(row: dict, plan: Plan, lang: str, key: str, k: int, stats: Stats) -> Attackable:
    """Extractive QA: answer edges are unit boundaries; answers move with the context.

    The context's menu is keyed by the question (each question of a SQuAD paragraph is
    attacked on its own), with every answer of the paragraph as a cut.
    """
    f = plan.fields
    ctx, answers = row[f["context"]], row[f["answers"]]
    spans = row.get(PARA_ANSWERS)
    if not isinstance(spans, dict) or row.get(PARA_KEY) is None:
        spans = answers
    if not isinstance(ctx, str) or not isinstance(answers, dict) or \
            not _answers_valid(ctx, answers) or not _answers_valid(ctx, spans):
        return Attackable(dict(row), lang, [], 0, 0, False)
    cuts = sorted({c for s, t in zip(spans["answer_start"], spans["text"]) if t
                   for c in (s, s + len(t))})
    ctx_lang, q_lang = plan.lang_of("context", lang), plan.lang_of("question", lang)
    question = str(row[f["question"]])
    cps, qps = pieces(ctx, ctx_lang, cuts), pieces(question, q_lang)
    slots = _menu(cps[1::2], "context", ctx_lang, plan, key, k, stats)
    slots += _menu(qps[1::2], "question", q_lang, plan, key, k, stats)
    words = count_words(cps[1::2]) + count_words(qps[1::2])

    def build(out: dict, subs: Mapping[tuple[str, int], str]) -> dict:
        units, qunits = list(cps[1::2]), list(qps[1::2])
        for (role, i), w in subs.items():
            (units if role == "context" else qunits)[i] = w
        new_cps, new_qps = list(cps), list(qps)
        new_cps[1::2], new_qps[1::2] = units, qunits
        new_ctx = "".join(new_cps)
        remap = _remapper(cps[0::2], cps[1::2], units)
        out[f["answers"]] = dict(
            answers, answer_start=[remap(s) for s in answers["answer_start"]],
            text=[new_ctx[remap(s):remap(s + len(t))]
                  for s, t in zip(answers["answer_start"], answers["text"])])
        out[f["context"]], out[f["question"]] = new_ctx, "".join(new_qps)
        return out

    return Attackable(dict(row), lang, slots, words, len(ctx) + len(question), True, build)
