"""The progress bar: examples/s on an interactive stderr, nothing on a pipe or when disabled."""

from __future__ import annotations

import io
import time

from robustx.core.progress import bar


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_shows_done_total_and_examples_per_second(monkeypatch):
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    with bar(True, 10, "de") as advance:
        advance(4, description="typo de")
        time.sleep(0.05)
        advance(6)
    text = err.getvalue()
    assert "10/10" in text and "ex/s" in text and "typo de" in text


def test_bar_is_silent_on_a_pipe_and_when_disabled(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    for enabled in (True, False):
        with bar(enabled, 3, "de") as advance:
            advance(3)
    assert err.getvalue() == ""
