"""Errors of sextortion_flags. Messages say what was expected and where; never message text."""

from __future__ import annotations


class SextortionFlagsError(Exception):
    """Base class of every error this library raises on purpose."""


class InputError(SextortionFlagsError, ValueError):
    """A conversation or an input file could not be read or validated."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class DataFileError(SextortionFlagsError, ValueError):
    """A packaged or user data file is malformed; the message names the file and the entry."""

    entry_kind = "entry"

    def __init__(self, message: str, *, path: str, entry_id: str | None = None) -> None:
        self.path = path
        self.entry_id = entry_id
        where = f"{path} ({self.entry_kind} {entry_id!r})" if entry_id else path
        super().__init__(f"{where}: {message}")


class RuleFileError(DataFileError):
    """A rule or context file is malformed; the message names the file and the rule."""

    entry_kind = "rule"

    def __init__(self, message: str, *, path: str, rule_id: str | None = None) -> None:
        self.rule_id = rule_id
        super().__init__(message, path=path, entry_id=rule_id)


class ServiceFileError(DataFileError):
    """The helplines and services file is malformed; the message names the file and the entry."""

    entry_kind = "service"

    def __init__(self, message: str, *, path: str, service_id: str | None = None) -> None:
        self.service_id = service_id
        super().__init__(message, path=path, entry_id=service_id)


class ModelFileError(SextortionFlagsError, ValueError):
    """A classifier artifact is missing, untrusted or incompatible."""


class UsageError(SextortionFlagsError, ValueError):
    """An option given to the API or the CLI is not one of the valid values."""


def describe_validation_error(exc: Exception, *, where: str | None = None) -> str:
    """One readable line from a pydantic ValidationError: field paths and reasons, no values."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = []
    for err in errors(include_input=False, include_url=False)[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ())) or "(root)"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    text = "; ".join(parts)
    return f"{where}: {text}" if where else text
