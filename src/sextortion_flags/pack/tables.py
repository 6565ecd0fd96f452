"""The two CSV files of a pack: the flagged messages in order, and the other party's identifiers.

Values are written exactly as found (no spreadsheet-formula escaping): a pack is evidence, and a
phone number such as `+212...` must stay the same string in every file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from sextortion_flags.models import Conversation, Report

TIMELINE_COLUMNS = ("conversation_id", "message_index", "timestamp", "sender", "category", "severity", "quote")
IDENTIFIER_COLUMNS = ("type", "value", "message_index", "timestamp", "sender")
"""CONTRACT §5: exactly these columns, in this order."""


def _when(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def timeline_rows(conversation: Conversation | None, report: Report) -> list[tuple[object, ...]]:
    """One row per evidence item of every flag (identical rows once), by message index.

    The time and sender come from the message itself (the conversation), the flag's sender when
    the conversation could not be re-read; account evidence has no quote.
    """
    messages = conversation.messages if conversation is not None else []
    rows = []
    for flag in report.flags:
        for item in flag.evidence:
            message = messages[item.message_index] if item.message_index < len(messages) else None
            sender = message.sender if message is not None and message.sender is not None else flag.sender
            rows.append((report.id, item.message_index, _when(message.timestamp if message else None),
                         sender or "", flag.category, flag.severity, item.quote or ""))
    return sorted(set(rows), key=lambda row: (row[1], row[4], row[6]))


def identifier_rows(report: Report) -> list[tuple[object, ...]]:
    return [(i.type, i.value, i.message_index, _when(i.timestamp), i.sender or "") for i in report.identifiers]


def to_csv(columns: Iterable[str], rows: Iterable[tuple[object, ...]]) -> bytes:
    """UTF-8 CSV (RFC 4180 line ends, no byte-order mark so the header reads exactly as named)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
