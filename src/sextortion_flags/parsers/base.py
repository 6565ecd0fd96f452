"""The common base of export parsers (chat-miner's design: one class per format, one registry).

A parser turns one export file into canonical conversation dicts (CONTRACT.md §1). It never
raises on bad content: it raises `InputError` with the file and line/position when the file as a
whole cannot be read, and the registry turns that into an error record so a batch goes on.
"""

from __future__ import annotations

import csv
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any, ClassVar

MAX_EXPORT_BYTES = 512 * 1024 * 1024
"""Exports larger than this are refused with a clear error (a documented cap)."""
MAX_CSV_FIELD_CHARS = 64 * 1024 * 1024
"""csv refuses fields over 128 KiB by default; one long message is not an error (the analyzer cuts it)."""


def allow_long_csv_fields() -> None:
    """Raise the csv module's field size limit (process-wide) to MAX_CSV_FIELD_CHARS."""
    if csv.field_size_limit() < MAX_CSV_FIELD_CHARS:
        csv.field_size_limit(MAX_CSV_FIELD_CHARS)


@dataclass(frozen=True)
class ParseOptions:
    timezone: tzinfo | None = None
    """Zone of local-time formats (WhatsApp .txt); None keeps timestamps naive."""
    user: str | None = None
    """Display name or id of the person whose export it is (the protected user), when known."""
    columns: tuple[tuple[str, str], ...] = ()
    """Generic CSV / message-JSONL: (role, column name) pairs tried before the built-in names,
    e.g. (("text", "Body"), ("sender", "From")). Roles: see `parsers.generic.COLUMN_ALIASES`."""


class ChatParser(ABC):
    """One export format. Subclasses set `name` and `extensions` and implement `sniff` and `parse`."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()

    @classmethod
    @abstractmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        """Confidence in [0, 1] that `path` (whose first bytes are `head`) is in this format."""

    @abstractmethod
    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any]]:
        """Canonical conversation dicts (usually one per file)."""


def load_json(text: str) -> Any:
    """json.loads, where an integer int() refuses (over 4,300 digits) is a JSONDecodeError like any
    other bad JSON. Lone surrogates ("\\ud800" escapes) are left to the models, which mend every
    conversation's strings however they arrive (`models.mend_surrogates`)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        long = _LONG_NUMBER.search(text)
        raise json.JSONDecodeError("number too long to read", text, long.start() if long else 0) from None


_LONG_NUMBER = re.compile(r"\d{4301,}")


def safe_id(value: str) -> str:
    """A conversation id from a chat's own name or id: word characters, ".", "@", "-"; at most 120."""
    return _UNSAFE_ID.sub("_", value).strip("_")[:120]


_UNSAFE_ID = re.compile(r"[^\w.@-]+")


def conversation_id(path: Path, suffix: str = "") -> str:
    """A stable id for a conversation read from a file: its name, plus a suffix when one file holds several."""
    stem = path.stem if path.suffix else path.name
    return f"{stem}{suffix}"


def json_object_head(head: bytes) -> bytes | None:
    """The first bytes of a file without BOM and leading blanks when it starts a JSON object, else None."""
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return body if body.startswith(b"{") else None


def named_participant(wanted: str, participants: Iterable[tuple[str, str | None]]) -> str | None:
    """The id of the participant `--user` names, given (id, display name) pairs: an exact id or
    name first, else one that differs only in case; None when nobody matches."""
    pairs = list(participants)
    for pid, name in pairs:
        if wanted in (pid, name):
            return pid
    key = wanted.casefold()
    for pid, name in pairs:
        if key in (pid.casefold(), (name or "").casefold()):
            return pid
    return None
