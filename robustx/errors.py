"""Typed errors. The library raises these; only the CLI turns them into exit codes."""

from __future__ import annotations


class RobustxError(Exception):
    """Base class. ``exit_code`` is what the CLI returns for it."""

    exit_code = 3


class UsageError(RobustxError):
    """Bad arguments, unknown names, invalid configuration (exit code 2)."""

    exit_code = 2


class InputError(RobustxError):
    """Unreadable, malformed or empty input data (exit code 2)."""

    exit_code = 2


class ProfileError(UsageError):
    """A noise profile that does not validate."""


class ResourceError(UsageError):
    """A lexicon, layout or romaniser that is missing or malformed."""


class Unavailable(ResourceError):
    """An op that cannot serve one language (no lexicon, keyboard layout or romaniser for it).

    Unlike other resource errors it is about the language, not the profile: a run whose data
    holds such a language passes its examples through unchanged and reports them (``reason``, a
    few words such as "no lexicon", and ``doc``, where to read more); it is an error only for a
    language the user asked for.
    """

    def __init__(self, message: str, reason: str, doc: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.doc = doc


class ModelError(UsageError):
    """A checkpoint that cannot be loaded or does not fit the task."""


class GateFailed(RobustxError):
    """A gate threshold was not met (exit code 1)."""

    exit_code = 1


class InternalError(RobustxError):
    """A broken invariant of robustx itself, never of the input (exit code 3)."""

    exit_code = 3
