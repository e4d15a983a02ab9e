"""Keyed random streams for the noise engine: free to create, cheap per draw.

The engine needs one independent stream per (seed, example, field, op) so that output does not
depend on order or process count. A ``numpy.random.Generator`` costs about 3 µs to re-state and
2 µs per scalar draw, more than a typical op (one key replaced in one word), so the engine uses
:class:`Rng` instead: BLAKE2b in counter mode. One hash of (key, stream, block number) gives
eight 64-bit draws, so a draw costs a list pop, and a stream that is never drawn from (an op
with nothing to offer) costs nothing. It offers the calls ops make on a numpy Generator
(``random``, ``integers``, ``choice``) with numpy's argument conventions, so an op can be called
with either.
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Sequence
from typing import Any

M64 = (1 << 64) - 1
_log, _log1p = math.log, math.log1p
_blake2b = hashlib.blake2b
_BLOCK_IN = struct.Struct("<QqQ").pack  # key, stream, block number
_BLOCK_OUT = struct.Struct("<8Q").unpack  # a 64-byte digest as eight draws


def key64(seed: int, key: str, fld: str) -> int:
    """A 64-bit key of (seed, example, field), stable across runs, platforms and processes."""
    blob = f"{seed}\x1f{key}\x1f{fld}".encode("utf-8", "surrogatepass")
    return int.from_bytes(_blake2b(blob, digest_size=8).digest(), "little")


class Rng:
    """Stream ``stream`` of ``key``: BLAKE2b(key, stream, block) for blocks 0, 1, 2..., each
    digest read as eight 64-bit draws (last first). Independent streams need only distinct
    (key, stream) pairs; nothing is hashed until the first draw."""

    __slots__ = ("_block", "_buf", "_in")

    def __init__(self, key: int, stream: int = 0) -> None:
        self._in = (key & M64, stream)
        self._block = 0
        self._buf: list[int] = []

    def _refill(self) -> list[int]:
        buf = self._buf = list(_BLOCK_OUT(_blake2b(_BLOCK_IN(*self._in, self._block)).digest()))
        self._block += 1
        return buf

    def next64(self) -> int:
        return (self._buf or self._refill()).pop()

    def _below(self, n: int) -> int:
        """Uniform in [0, n) by Lemire's multiply-shift; bias < n / 2**64 (nil for word lengths)."""
        return ((self._buf or self._refill()).pop() * n) >> 64

    def random(self, size: int | None = None) -> Any:
        """Uniform floats in [0, 1) (53 bits), like ``Generator.random``."""
        if size is None:
            return ((self._buf or self._refill()).pop() >> 11) * 2.0 ** -53
        return [(self.next64() >> 11) * 2.0 ** -53 for _ in range(size)]

    def integers(self, low: int, high: int | None = None, size: int | None = None) -> Any:
        """Uniform ints in [low, high) (or [0, low)), like ``Generator.integers``."""
        if high is None and size is None and low.__class__ is int and low > 0:
            return ((self._buf or self._refill()).pop() * low) >> 64  # ops' usual call
        if high is None:
            low, high = 0, low
        span = int(high) - int(low)
        if span < 1:
            raise ValueError(f"integers: empty range [{low}, {high})")
        if size is None:
            return int(low) + (((self._buf or self._refill()).pop() * span) >> 64)
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
        i, buf = -1, self._buf
        while True:
            u = 1.0 - ((buf or self._refill()).pop() >> 11) * 2.0 ** -53  # (0, 1]
            buf = self._buf
            i += 1 + int(_log(u) / log_q)
            if i >= n:
                return out
            out.append(i)
