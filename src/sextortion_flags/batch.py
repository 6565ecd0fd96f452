"""Reading canonical JSONL in a stream, each bad line becoming an error record in place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from sextortion_flags.models import ErrorInfo, ErrorReport
from sextortion_flags.parsers.base import load_json

MAX_LINE_BYTES = 64 * 1024 * 1024
"""A single conversation line larger than this is refused (a documented cap, not a crash)."""
MAX_JSON_DEPTH = 64


def _depth_ok(text: str) -> bool:
    """Cheap guard against deeply nested JSON (the json module recurses on it)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _error(where: str, kind: str, message: str, ident: str | None = None) -> ErrorReport:
    return ErrorReport(id=ident, error=ErrorInfo(type=kind, message=f"{where}: {message}"))


def _lines(fh: BinaryIO) -> Iterator[bytes]:
    """The lines of a binary file split on "\n", "\r\n" or a lone "\r" (old Mac line ends), the
    ends removed: JSON never holds a raw CR inside a string, so a lone CR only ever ends a line."""
    for raw in fh:
        body = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1] if raw.endswith(b"\n") else raw
        if b"\r" in body:
            yield from body.split(b"\r")
        else:
            yield body


def read_jsonl(path: Path | str, *, label: str | None = None) -> Iterator[dict[str, Any] | ErrorReport]:
    """Conversations from a JSONL file, one per line, in order; blank lines are skipped.

    A line that is not valid UTF-8 JSON object yields an ErrorReport naming the file and line. A
    UTF-8 BOM is dropped at the start of any line (files joined with `cat` each bring theirs).
    """
    with open(path, "rb") as fh:
        yield from read_jsonl_stream(fh, label or str(path))


def read_jsonl_stream(fh: BinaryIO, name: str) -> Iterator[dict[str, Any] | ErrorReport]:
    """`read_jsonl` over an open binary stream (standard input): errors are placed as `name:line`."""
    for number, raw in enumerate(_lines(fh), 1):
        where = f"{name}:{number}"
        if len(raw) > MAX_LINE_BYTES:
            yield _error(where, "InputError", f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield _error(where, "EncodingError", f"not UTF-8 (invalid byte at column {exc.start + 1})")
            continue
        if "\x00" in text:
            yield _error(where, "InputError", "contains NUL bytes (binary data?)")
            continue
        if not _depth_ok(text):
            yield _error(where, "InputError", f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            continue
        try:
            item = load_json(text)
        except json.JSONDecodeError as exc:
            yield _error(where, "JSONDecodeError", f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield _error(where, "InputError", "JSON nested too deeply")
            continue
        if not isinstance(item, dict):
            yield _error(where, "InputError", f"expected a JSON object, got {type(item).__name__}")
            continue
        item.setdefault("_where", where)
        yield item
