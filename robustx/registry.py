"""One registry class; one instance per extension point (ops, tasks, heads, lexicon formats...)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from .errors import UsageError

T = TypeVar("T")


def suggest(name: str, choices: list[str] | tuple[str, ...], what: str) -> UsageError:
    """An error for an unknown ``name`` that lists the closest valid choices."""
    close = difflib.get_close_matches(name, list(choices), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    valid = ", ".join(sorted(choices))
    return UsageError(f"unknown {what} {name!r}{hint} (valid: {valid})")


class Registry(Generic[T]):
    """A name -> object map that refuses duplicates and answers unknown names with suggestions."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> T:
        if name in self._items:
            raise ValueError(f"{self.what} {name!r} registered twice")
        self._items[name] = item
        return item

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator form of :meth:`add`."""

        def deco(item: T) -> T:
            return self.add(name, item)

        return deco

    @contextmanager
    def added(self, name: str, item: T) -> Iterator[T]:
        """:meth:`add` for the duration of a ``with`` block (tests and plugins trying an item)."""
        self.add(name, item)
        try:
            yield item
        finally:
            del self._items[name]

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise suggest(name, tuple(self._items), self.what) from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def items(self) -> list[tuple[str, T]]:
        return sorted(self._items.items())

    def names(self) -> list[str]:
        return sorted(self._items)
