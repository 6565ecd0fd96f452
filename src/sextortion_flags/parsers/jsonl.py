"""Canonical JSONL (CONTRACT.md §1): one conversation per line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sextortion_flags.batch import read_jsonl
from sextortion_flags.parsers.base import ChatParser, ParseOptions
from sextortion_flags.parsers.registry import register


@register
class CanonicalJsonl(ChatParser):
    name = "jsonl"
    extensions = (".jsonl", ".ndjson")

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        first = re.split(rb"\r\n?|\n", head.lstrip(b"\xef\xbb\xbf \t\r\n"), maxsplit=1)[0].strip()  # as read_jsonl
        if not first.startswith(b"{"):
            return 0.0
        try:
            item = json.loads(first)
        except (ValueError, RecursionError):  # deeply nested: the reader reports it with its line
            return 0.4 if path.suffix.lower() in cls.extensions else 0.0
        return 0.95 if isinstance(item, dict) and "messages" in item else 0.2

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any]]:
        yield from read_jsonl(path)  # type: ignore[misc]
