"""Keyed random streams for the noise engine: free to create, cheap per draw.

The engine needs one independent stream per (seed, example, field, op) so that output does not
depend on order or process count. A ``numpy.random.Generator`` costs about 3 µs to re-state and
2 µs per scalar draw, more than a typical op (one key replaced in one word), so the engine uses
:class:`Rng` instead: splitmix64 over a 64-bit key taken from a keyed BLAKE2 hash. It offers the
calls ops make on a numpy Generator (``random``, ``integers``, ``choice``) with numpy's argument
conventions, so an op can be called with either.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Any

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
_log, _log1p = math.log, math.log1p


def key64(*parts: object) -> int:
    """A 64-bit key from any printable parts, stable across runs, platforms and processes."""
    blob = "\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(blob, digest_size=8).digest(), "little")


def mix(key: int, n: int) -> int:
    """An independent sub-key: the splitmix64 finaliser of ``key`` advanced by ``n + 1`` steps."""
    z = (key + (n + 1) * GOLDEN) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Rng:
    """splitmix64 (Steele, Lea & Flood 2014): passes BigCrush, one state word, any key is valid."""

    __slots__ = ("_s",)

    def __init__(self, key: int) -> None:
        self._s = key & M64

    def next64(self) -> int:
        s = self._s = (self._s + GOLDEN) & M64
        z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def _below(self, n: int) -> int:
        """Uniform in [0, n) by Lemire's multiply-shift; bias < n / 2**64 (nil for word lengths)."""
        return (self.next64() * n) >> 64

    def random(self, size: int | None = None) -> Any:
        """Uniform floats in [0, 1) (53 bits), like ``Generator.random``."""
        if size is None:  # next64, inlined: the engine draws this once per picked word
            s = self._s = (self._s + GOLDEN) & M64
            z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            return ((z ^ (z >> 31)) >> 11) * 2.0 ** -53
        return [(self.next64() >> 11) * 2.0 ** -53 for _ in range(size)]

    def integers(self, low: int, high: int | None = None, size: int | None = None) -> Any:
        """Uniform ints in [low, high) (or [0, low)), like ``Generator.integers``."""
        if high is None:
            low, high = 0, low
        span = int(high) - int(low)
        if span < 1:
            raise ValueError(f"integers: empty range [{low}, {high})")
        if size is None:  # _below and next64, inlined: ops draw this once or twice per word
            s = self._s = (self._s + GOLDEN) & M64
            z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            return int(low) + (((z ^ (z >> 31)) * span) >> 64)
        return [int(low) + self._below(span) for _ in range(size)]

    def choice(self, a: int | Sequence[Any], size: int | None = None,
               replace: bool = True) -> Any:
        """Items of ``a`` (or of ``range(a)``), like ``Generator.choice`` without ``p``."""
        pool = list(range(a)) if isinstance(a, int) else list(a)
        if not pool:
            raise ValueError("choice: empty population")
        if size is None:
            return pool[self._below(len(pool))]
        if replace:
            return [pool[self._below(len(pool))] for _ in range(size)]
        if size > len(pool):
            raise ValueError(f"choice: cannot take {size} of {len(pool)} without replacement")
        for i in range(size):  # partial Fisher-Yates
            j = i + self._below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:size]

    def picks(self, n: int, rate: float) -> list[int]:
        """Indices in [0, n), each present independently with probability ``rate``.

        Draws the gaps between picks (geometric), so the cost grows with the number of picks,
        not with ``n``: one draw per picked word instead of one per word.
        """
        if n <= 0 or rate <= 0.0:
            return []
        if rate >= 1.0:
            return list(range(n))
        log_q = _log1p(-rate)
        out: list[int] = []
        i, s = -1, self._s
        while True:  # next64, inlined
            s = (s + GOLDEN) & M64
            z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            u = 1.0 - ((z ^ (z >> 31)) >> 11) * 2.0 ** -53  # (0, 1]
            i += 1 + int(_log(u) / log_q)
            if i >= n:
                self._s = s
                return out
            out.append(i)
