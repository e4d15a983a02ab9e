"""``robustx attack``: model-in-the-loop adversarial noise within a budget of changed words.

For every example the model gets right, the search looks for the rewrite (from the profile's
own candidates, :mod:`robustx.noise.candidates`) that breaks the prediction while changing as
few words as the budget allows: word importance from batched leave-one-out queries, then
greedy (or beam) substitution in that order, every candidate of one position scored in one
model call, stopping at the first success. The adversarial split is written in the input's
layout (a drop-in for ``robustx evaluate``), with ``manifest.json`` as ``corrupt`` writes it and
``attack.json``. Noise and evaluation meet here, so this lives above both.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..core import defaults
from ..errors import InputError, UsageError

__all__ = ["Result", "attack", "attack_signature", "broken", "search"]

SCHEMA = "robustx.attack/1"
VERSION = 1  # of the search: bump when the same inputs can give another adversarial split
CANDIDATES = 3  # candidate rewrites per word
# beside the attack's own scores where the head judges an example against the whole split
# (retrieval): ``robustx evaluate``'s score of the clean and of the adversarial split
EVALUATE_SCORES = ("evaluate_clean_score", "evaluate_robust_score")


def broken(clean, now) -> bool:
    """An attack succeeds when a part of the example that was right clean is no longer right."""
    return bool(clean.right - now.right)


@dataclass
class Result:
    """What the search found for one example: ``choice`` (slot -> candidate index), the
    outcome of that choice, the queries spent and whether it broke the prediction."""

    choice: dict[int, int]
    outcome: Any
    queries: int
    success: bool


Choice = dict[int, int]


def _key(choice: Mapping[int, int]) -> tuple:
    return tuple(sorted(choice.items()))


def search(n_candidates: Sequence[int], clean, score: Callable[[list[Choice]], list],
           max_changes: int, max_queries: int, beam: int = 1) -> Result:
    """Find a choice of at most ``max_changes`` slots that breaks the prediction.

    ``n_candidates[s]``: how many candidates slot ``s`` has; ``score(choices)`` returns one
    outcome per choice (one model call per call, the caller batches). At most ``max_queries``
    distinct choices are scored. Leave-one-out importance: each slot with its first candidate,
    in one call; then, slot by slot in decreasing importance, every candidate of the slot is
    tried on every state of the beam in one call, and the ``beam`` lowest-scoring states among
    the old and the new are kept (with ``beam=1`` a substitution is kept only when it lowers
    the score: greedy search). The first call that breaks the prediction ends the search with
    its lowest-scoring breaking choice. Without success the result is the lowest-scoring state.
    """
    memo: dict[tuple, Any] = {}
    queries = 0

    def ask(choices: list[Choice]) -> list[tuple[Choice, Any]]:
        nonlocal queries
        fresh: dict[tuple, Choice] = {}
        for c in choices:
            k = _key(c)
            if k not in memo and k not in fresh and len(fresh) < max_queries - queries:
                fresh[k] = c
        if fresh:
            outs = score(list(fresh.values()))
            queries += len(fresh)
            memo.update(zip(fresh, outs, strict=True))
        seen, got = set(), []
        for c in choices:
            k = _key(c)
            if k in memo and k not in seen:
                seen.add(k)
                got.append((c, memo[k]))
        return got

    def done(got: list[tuple[Choice, Any]]) -> Result | None:
        wins = [(o.score, len(c), _key(c), c, o) for c, o in got if broken(clean, o)]
        if not wins:
            return None
        _, _, _, c, o = min(wins, key=lambda w: w[:3])
        return Result(c, o, queries, True)

    n = len(n_candidates)
    if max_changes < 1 or max_queries < 1 or not any(n_candidates):
        return Result({}, clean, 0, False)
    slots = [s for s in range(n) if n_candidates[s]]
    loo = ask([{s: 0} for s in slots])
    found = done(loo)
    if found:
        return found
    drop = {next(iter(c)): clean.score - o.score for c, o in loo}
    order = sorted(slots, key=lambda s: (-drop.get(s, -math.inf), s))
    states: list[tuple[Choice, Any]] = [({}, clean)]
    for s in order:
        if queries >= max_queries:
            break
        tries = [{**c, s: j} for c, _ in states if len(c) < max_changes for j in range(n_candidates[s])]
        if not tries:
            break
        got = ask(tries)
        found = done(got)
        if found:
            return found
        pool = {_key(c): (c, o) for c, o in [*states, *got]}
        ranked = sorted(pool.values(), key=lambda co: (co[1].score, len(co[0]), _key(co[0])))
        states = ranked[:beam]
    best_c, best_o = min(states, key=lambda co: (co[1].score, len(co[0]), _key(co[0])))
    return Result(best_c, best_o, queries, False)


def attack_signature(noise_signature: str, checkpoint_fp: str, budget: float, max_queries: int,
                     beam: int, k: int = CANDIDATES) -> str:
    """The noise signature, extended with the search settings and the checkpoint's
    fingerprint: an adversarial split is specific to the model it was searched against."""
    return (f"attack.v{VERSION}[budget:{budget:g}+mq:{max_queries}+beam:{beam}+k:{k}]"
            f"|ckpt:{checkpoint_fp}|{noise_signature}")


def max_changes(words: int, budget: float) -> int:
    """The most words one example may change: ``ceil(budget * words)`` (a float's rounding
    error does not add a word)."""
    return math.ceil(round(budget * words, 9))


def attack(checkpoint: str | Path, task, *, out: str | Path, data: str | Path | None = None,
           langs: Sequence[str] | None = None, profile: str = "typo",
           severity: int | None = None, budget: float = 0.15, max_queries: int = 300,
           beam: int = 1, seed: int = defaults.SEED, device: str = "auto",
           batch_tokens: int = defaults.BATCH_TOKENS, precision: str = "auto",
           allow_pickle: bool = False, force: bool = False, sample: bool = False,
           progress: bool = False, command: str | None = None) -> dict[str, Any]:
    """Attack ``checkpoint`` on ``task`` and write the adversarial split to ``out``; returns
    the ``attack.json`` document (also written there, beside ``manifest.json``)."""
    import datasets

    from ..core.files import commit_dir, make_tmp_dir
    from ..core.progress import bar
    from ..eval import checkpoint as ckpt
    from ..eval.cache import cache_root
    from ..eval.probe import Scorer, check_attackable
    from ..eval.run import check_splits
    from ..noise import manifest as mf
    from ..noise.candidates import attackable
    from ..noise.intensity import LangStats, stats_row
    from ..noise.pipeline import coverage, make_plan, out_relpath
    from ..noise.profiles import load_profile
    from ..noise.signature import signature
    from ..tasks.discovery import resolve_task
    from ..tasks.fingerprint import data_fingerprint
    from ..tasks.io import open_writer
    from ..tasks.sources import by_language, load_splits

    out = Path(out)
    if not task:
        raise UsageError("attack needs a task (--task)")
    task = resolve_task(task)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"the seed must be a non-negative integer, got {seed!r}")
    if not 0 < budget <= 1:
        raise UsageError(f"--budget is a share of words, in (0, 1]; got {budget}")
    if max_queries < 1:
        raise UsageError(f"--max-queries must be >= 1, got {max_queries}")
    if beam < 1:
        raise UsageError(f"--beam must be >= 1, got {beam}")
    if out.exists() and not force:
        raise UsageError(f"{out} already exists; pass --force to replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if data is not None and sample:
        raise UsageError("--data and --sample exclude each other")
    check_attackable(task.family, task.metric)
    prof = load_profile(profile).at(severity)
    splits = by_language(load_splits(task, langs, data, sample=sample))
    if not splits:
        raise InputError("no data to attack")
    unlabeled = [s for s in splits if not s.labelled]
    if unlabeled:
        raise UsageError(f"{unlabeled[0].source}: {unlabeled[0].name} has no gold labels; an "
                         "attack needs gold (only examples the model gets right are attacked)")
    check_splits(splits)
    nested = [s for s in splits if isinstance(s.layout, dict)]
    if nested:
        raise UsageError(f"{nested[0].source}: a SQuAD-style file shares one context between "
                         "the questions of a paragraph, and an attack rewrites each question's "
                         "context for that question; give the data as rows (JSONL in the "
                         "google/xtreme columns)")
    bad = prof.uncovered(s.lang for s in splits)
    if bad:
        raise UsageError(f"profile {prof.name} does not cover {', '.join(bad)}; pass --lang "
                         "with the languages it covers or pick another profile")
    disabled, passthrough = coverage(prof, sorted({s.lang for s in splits}), langs)
    ckpt.inspect(checkpoint, task.family, allow_pickle)  # fails before any work
    data_hash = data_fingerprint(splits)
    noise_sig = signature(prof, seed, data_hash)
    n_ops = len(prof.steps)
    per_lang: dict[str, LangStats] = {}
    results: dict[str, dict[str, Any]] = {}
    files: list[dict[str, Any]] = []
    fp = None
    tmp = make_tmp_dir(out)
    try:
        total = sum(len(s.dataset) for s in splits)
        with ckpt.reuse_last(), bar(progress, total, "attacking") as advance:
            for s in splits:
                scorer = Scorer(checkpoint, s, device=device, batch_tokens=batch_tokens,
                                precision=precision, allow_pickle=allow_pickle)
                fp = fp or scorer.fingerprint(cache_root())
                plan = make_plan(s, prof, seed, disabled, frozenset(passthrough))
                rows = list(s.dataset)
                start = time.perf_counter()
                clean = scorer(rows)
                adv_rows, adv_outs, stat_rows = [], [], []
                acc = {"n": len(rows), "attacked": 0, "success": 0,
                       "queries": 0, "changed_share": 0.0, "no_candidates": 0}
                for index, (row, c) in enumerate(zip(rows, clean, strict=True)):
                    ex = attackable(row, plan, CANDIDATES)
                    res = None
                    if c.right and ex.valid:
                        acc["attacked"] += 1
                        if not ex.slots:
                            acc["no_candidates"] += 1
                        res = search(
                            [len(sl.candidates) for sl in ex.slots], c,
                            lambda choices, ex=ex, sc=scorer: sc([ex.build(ch) for ch in choices]),
                            max_changes(ex.words, budget), max_queries, beam)
                        acc["queries"] += res.queries
                        if res.success:
                            acc["success"] += 1
                            acc["changed_share"] += len(res.choice) / max(ex.words, 1)
                    choice = res.choice if res else {}
                    new = ex.build(choice)
                    adv_rows.append(new)
                    adv_outs.append(res.outcome if res else c)
                    stat_rows.append(stats_row(index, ex.valid, ex.stats(choice, n_ops), new,
                                               row, plan))
                    if acc["attacked"]:
                        secs = max(time.perf_counter() - start, 1e-9)
                        advance(1, description=f"{s.lang}: success "
                                f"{acc['success'] / acc['attacked']:.0%}, "
                                f"{acc['queries'] / secs:,.0f} queries/s")
                    else:
                        advance(1)
                acc["seconds"] = time.perf_counter() - start
                acc["model_calls"] = scorer.model_calls
                adv_split = dataclasses.replace(s, dataset=datasets.Dataset.from_list(
                    adv_rows, features=s.dataset.features))
                acc["clean_score"] = scorer.score(clean)
                acc["robust_score"] = scorer.score(adv_outs, adv_split)
                if scorer.corpus is not None:  # outcomes judged against the whole split
                    acc["evaluate_clean_score"] = scorer.evaluate(s)
                    acc["evaluate_robust_score"] = scorer.evaluate(adv_split)
                writer = open_writer(tmp / out_relpath(s), s.fmt, s.dataset.features, s.layout)
                cols = s.dataset.column_names
                writer.write({c: [r[c] for r in adv_rows] for c in cols})
                writer.close()
                ls = per_lang.get(s.lang) or per_lang.setdefault(s.lang, LangStats(n_ops))
                invalid = ls.add(stat_rows) if stat_rows else 0
                files.append({"file": out_relpath(s), "source": s.source,
                              "task": s.task.name if s.task else None, "family": s.family,
                              "lang": s.lang, "examples": len(rows), "invalid_examples": invalid,
                              "format": s.fmt})
                name = s.lang if s.lang not in results else f"{s.lang}:{s.relpath}"
                results[name] = _lang_result(acc)
        sig = attack_signature(noise_sig, fp or "", budget, max_queries, beam)
        manifest = mf.build(sig, prof, seed, data_hash, files, per_lang, disabled, [], command,
                            passthrough)
        manifest["noise_signature"] = noise_sig
        manifest["checkpoint"] = {"name": str(checkpoint), "fingerprint": fp}
        mf.write(tmp / "manifest.json", manifest)
        doc = {
            "schema": SCHEMA, "signature": sig, "noise_signature": noise_sig,
            "task": task.name, "family": task.family,
            "checkpoint": {"name": str(checkpoint), "fingerprint": fp},
            "profile": prof.name, "severity": prof.severity, "seed": seed,
            "settings": {"budget": budget, "max_queries": max_queries, "beam": beam,
                         "candidates": CANDIDATES, "batch_tokens": batch_tokens},
            "languages": list(results), "results": results,
            "average": _average(results),
            "robustx_version": __version__, "command": command,
        }
        import json

        (tmp / "attack.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
        commit_dir(tmp, out, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return doc


def _lang_result(acc: Mapping[str, Any]) -> dict[str, Any]:
    """One language's numbers (percentages as XTREME reports; shares of words as fractions)."""
    n, attacked, success = acc["n"], acc["attacked"], acc["success"]
    secs = acc["seconds"]
    return {
        "n": n,
        "clean_score": round(acc["clean_score"], 4),
        "robust_score": round(acc["robust_score"], 4),
        **{k: round(acc[k], 4) for k in EVALUATE_SCORES if k in acc},
        "attacked": attacked,
        "succeeded": success,
        "success_rate": round(100 * success / attacked, 4) if attacked else 0.0,
        "mean_share_words_changed": round(acc["changed_share"] / success, 4) if success else 0.0,
        "mean_queries": round(acc["queries"] / attacked, 2) if attacked else 0.0,
        "no_candidates": acc["no_candidates"],
        "model_calls": acc["model_calls"],
        "seconds": round(secs, 3),
        "examples_per_s": round(n / secs, 2) if secs else 0.0,
        "queries_per_s": round(acc["queries"] / secs, 2) if secs else 0.0,
    }


def _average(results: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """Language averages (XTREME style); a rate over attacked (or broken) examples averages
    only the languages that had any, so a language with nothing to attack does not count 0."""
    rows = list(results.values())
    hit = [r for r in rows if r["attacked"]]
    won = [r for r in rows if r["succeeded"]]
    return {"clean_score": _mean([r["clean_score"] for r in rows]),
            "robust_score": _mean([r["robust_score"] for r in rows]),
            **{k: _mean([r[k] for r in rows]) for k in EVALUATE_SCORES
               if rows and all(k in r for r in rows)},
            "success_rate": _mean([r["success_rate"] for r in hit]),
            "mean_share_words_changed": _mean([r["mean_share_words_changed"] for r in won]),
            "mean_queries": _mean([r["mean_queries"] for r in hit])}


def _mean(values: list) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0
