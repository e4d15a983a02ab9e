"""The one progress bar: rich on an interactive stderr, nothing anywhere else."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Advance = Callable[..., None]  # advance(n, description=None)


def _noop(n: int = 0, description: str | None = None) -> None:
    return None


@contextmanager
def bar(enabled: bool, total: int, desc: str, *, transient: bool = False) -> Iterator[Advance]:
    """Yield ``advance(n, description=None)``; the bar shows done/total, examples/s and ETA.

    Off when ``enabled`` is false or stderr is not a terminal (a CI log gets no bar frames).
    """
    if not enabled or not sys.stderr.isatty():
        yield _noop
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=transient)
    task = progress.add_task(desc, total=total, rate="")

    def advance(n: int = 0, description: str | None = None) -> None:
        if description is not None:
            progress.update(task, description=description)
        if n:
            progress.advance(task, n)
            speed = progress.tasks[0].speed
            if speed:
                progress.update(task, rate=f"{speed:,.1f} ex/s")

    with progress:
        yield advance
