"""Generic message lists: a CSV table or a JSONL file with one MESSAGE per row/line.

CSV (`csv`): a header row, then one message per row. Comma, semicolon or tab separated (sniffed
from the header), UTF-8 with or without BOM, RFC 4180 quoting (quoted cells may span lines):

    timestamp,sender,text,conversation
    2025-03-02T21:40:00+01:00,Lina,"salut 👋
    ça va ?",chat-1

Message JSONL (`messages_jsonl`): one object per line, unlike canonical JSONL whose lines are whole
conversations with a "messages" list:

    {"conversation_id": "chat-1", "sender": "Lina", "text": "salut", "timestamp": "2025-03-02T21:40:00"}

Columns/keys are found case-insensitively through `COLUMN_ALIASES` (extend it to add names):
timestamp, sender and text; optional conversation (rows are grouped into conversations in order of
first appearance), kind, sender display name, platform and a from-me flag marking the exporter.
Timestamps: ISO-8601 (offset kept), "DD/MM/YYYY HH:MM" or "MM/DD/YYYY h:mm PM" (order inferred
from the file), or Unix epoch seconds/milliseconds (UTC). Naive times get `options.timezone`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from sextortion_flags.errors import InputError, UsageError
from sextortion_flags.parsers.base import (
    MAX_EXPORT_BYTES,
    ChatParser,
    ParseOptions,
    allow_long_csv_fields,
    conversation_id,
    load_json,
    named_participant,
    safe_id,
)
from sextortion_flags.parsers.registry import register

log = logging.getLogger(__name__)

COLUMN_ALIASES: dict[str, list[str]] = {
    "timestamp": ["timestamp", "datetime", "date_time", "created_at", "sent_at", "date", "time"],
    "time_of_day": ["time", "hour"],  # a separate time column next to a "date" one
    "sender": ["sender", "from", "author", "user", "name", "sender_id", "author_id", "user_id"],
    "text": ["text", "message", "content", "body", "msg"],
    "conversation": ["conversation", "conversation_id", "chat", "chat_id", "thread", "thread_id"],
    "kind": ["kind", "type", "message_type"],
    "sender_name": ["sender_name", "display_name", "author_name", "nickname", "name"],
    "platform": ["platform", "source"],
    "from_me": ["from_me", "is_from_me", "outgoing", "is_user"],
}
"""Role -> accepted column names (lower case), first match wins. Users may append their own."""

PLATFORMS = {"whatsapp", "telegram", "instagram", "messenger", "discord", "snapchat"}
_KINDS = {
    "text": "text", "message": "text", "chat": "text", "reply": "text",
    "media": "media", "image": "media", "photo": "media", "video": "media", "audio": "media", "voice": "media",
    "sticker": "media", "gif": "media", "file": "media", "attachment": "media", "document": "media",
    "view_once": "media", "view-once": "media", "snap": "media",
    "deleted": "deleted", "removed": "deleted", "unsent": "deleted", "revoked": "deleted",
    "system": "system", "service": "system", "notification": "system", "event": "system",
    "call": "call", "voice_call": "call", "video_call": "call", "missed_call": "call", "phone_call": "call",
}
_PLACEHOLDERS = [  # kind from the text when there is no kind column
    (re.compile(r"^<(?:Media omitted|[\w ]+ omitted|attached: .+)>$|^(?:image|video|audio|sticker|GIF) omitted$", re.I),
     "media"),
    (re.compile(r"^(?:This message was deleted\.?|You deleted this message\.?|Message unsent\.?)$", re.I), "deleted"),
    (re.compile(r"^(?:Missed (?:voice|video) call|(?:Voice|Video) call)\b.*$", re.I), "call"),
]
_TRUE = {"1", "true", "yes", "y", "t", "me", "outgoing", "sent"}
_NUMERIC = re.compile(r"^\d{9,13}(?:\.\d+)?$")
_DMY_OR_MDY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})[,T ]\s*(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?"
                         r"\s*([AaPp]\.?[Mm]\.?)?$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _read_text(path: Path) -> str:
    """The file as text: UTF-8 (BOM optional), else an InputError naming the line of the first bad byte."""
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise InputError(f"larger than {MAX_EXPORT_BYTES} bytes", where=f"{path}:0")
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("UTF-16 text; save the file as UTF-8", where=f"{path}:1")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError("not UTF-8 text (e.g. Latin-1 or Windows-1252); save the file as UTF-8",
                         where=f"{path}:{line}") from None


def _roles(keys: Iterable[str], aliases: dict[str, list[str]] = COLUMN_ALIASES) -> dict[str, str]:
    """Role -> the actual key/column name, matched case-insensitively through COLUMN_ALIASES."""
    by_lower: dict[str, str] = {}
    for key in keys:
        by_lower.setdefault(str(key).strip().lower(), key)
    found: dict[str, str] = {}
    for role, names in aliases.items():
        for alias in names:
            key = by_lower.get(alias.lower())
            if key is not None and key not in found.values():
                found[role] = key
                break
    return found


def aliases_for(options: ParseOptions) -> dict[str, list[str]]:
    """COLUMN_ALIASES with the user's own column names (`ParseOptions.columns`) tried first."""
    merged = {role: list(names) for role, names in COLUMN_ALIASES.items()}
    for role, name in options.columns:
        if role not in merged:
            raise UsageError(f"unknown column role {role!r}; choose among {', '.join(COLUMN_ALIASES)}")
        merged[role].insert(0, name.strip().lower())
    return merged


def _date_order(values: Iterable[str]) -> bool:
    """True when the file's numeric dates are day-first (any day > 12 decides; AM/PM means month-first)."""
    parts = [m for m in (_DMY_OR_MDY.match(v.strip()) for v in values if isinstance(v, str)) if m]
    if any(int(m[1]) > 12 for m in parts):
        return True
    if any(int(m[2]) > 12 for m in parts):
        return False
    return not any(m[7] for m in parts)


def _timestamp(value: Any, day_first: bool, options: ParseOptions) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, (int, float)) or (isinstance(value, str) and _NUMERIC.match(value.strip())):
            seconds = float(value)
            if not 1e8 <= seconds < 1e14:  # 1973..5138 in seconds or milliseconds; small numbers are not times
                return None
            seconds = seconds / 1000 if seconds > 1e11 else seconds
            return datetime.fromtimestamp(seconds, UTC).isoformat()
        if not isinstance(value, str):
            return None
        text = value.strip()
        if m := _DMY_OR_MDY.match(text):
            a, b, year = int(m[1]), int(m[2]), int(m[3])
            day, month = (a, b) if day_first else (b, a)
            hour = int(m[4])
            ampm = (m[7] or "").replace(".", "").lower()
            if ampm:
                if not 1 <= hour <= 12:
                    return None
                hour = hour % 12 + (12 if ampm == "pm" else 0)
            stamp = datetime(year + 2000 if year < 100 else year, month, day, hour, int(m[5]), int(m[6] or 0))
        elif m := _YMD_SLASH.match(text):
            stamp = datetime(*(int(g or 0) for g in m.groups()))  # type: ignore[misc]
        elif re.match(r"^\d{4}-\d{2}-\d{2}", text):
            text = re.sub(r"(\.\d{6})\d+", r"\1", text)
            stamp = datetime.fromisoformat(text)
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    if stamp.tzinfo is None and options.timezone is not None:
        stamp = stamp.replace(tzinfo=options.timezone)
    return stamp.isoformat()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    return ""


def _kind(value: Any, text: str) -> str:
    if isinstance(value, str) and value.strip():
        return _KINDS.get(value.strip().lower().replace(" ", "_"), "text")
    for pattern, kind in _PLACEHOLDERS:
        if pattern.match(text.strip()):
            return kind
    return "text"


def _conversations(path: Path, records: list[dict[str, Any]], options: ParseOptions) -> Iterator[dict[str, Any]]:
    """Canonical conversations from message records keyed by role (timestamp, sender, text, ...)."""
    for record in records:
        if isinstance(record.get("timestamp"), str) and isinstance(record.get("time_of_day"), str):
            record["timestamp"] = f"{record['timestamp'].strip()} {record['time_of_day'].strip()}"
    day_first = _date_order(r.get("timestamp") for r in records)
    groups: dict[str, dict[str, Any]] = {}
    for record in records:
        sender = _text(record.get("sender")).strip() or None
        text = _text(record.get("text")).replace("\r\n", "\n")
        stamp = _timestamp(record.get("timestamp"), day_first, options)
        if sender is None and not text.strip() and stamp is None:
            continue
        key = _text(record.get("conversation")).strip()
        group = groups.setdefault(key, {"participants": {}, "messages": [], "platform": None, "me": set()})
        if sender is not None:
            name = _text(record.get("sender_name")).strip()
            group["participants"].setdefault(sender, {"id": sender, "name": name or sender})
            if _text(record.get("from_me")).strip().lower() in _TRUE:
                group["me"].add(sender)
        platform = _text(record.get("platform")).strip().lower()
        if group["platform"] is None and platform in PLATFORMS:
            group["platform"] = platform
        kind = _kind(record.get("kind"), text)
        group["messages"].append({"sender": sender, "text": text, "timestamp": stamp, "kind": kind})
    used: set[str] = set()
    for n, (key, group) in enumerate(groups.items(), 1):
        ident = safe_id(key) or conversation_id(path, f"-{n}" if len(groups) > 1 else "")
        while ident in used:
            ident += "_"
        used.add(ident)
        participants = list(group["participants"].values())
        conversation: dict[str, Any] = {"id": ident, "platform": group["platform"], "participants": participants}
        user = _user(options.user, participants, group["me"])
        if user is not None:
            conversation["user"] = user
        conversation["messages"] = group["messages"]
        yield conversation


def _user(wanted: str | None, participants: list[dict[str, str]], me: set[str]) -> str | None:
    if wanted is not None:
        return named_participant(wanted, ((p["id"], p["name"]) for p in participants))
    return next(iter(me)) if len(me) == 1 else None


def _csv_header(text: str, aliases: dict[str, list[str]]) -> tuple[str, list[str]]:
    """The delimiter whose split of the first line recognises the most columns, and that header."""
    first = _LINE_BREAK.split(text, maxsplit=1)[0]  # a lone CR too: Excel for Mac's "CSV (Macintosh)"
    best: tuple[int, int, str, list[str]] = (-1, 0, ",", [])
    for rank, delimiter in enumerate((",", ";", "\t")):
        try:
            header = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            continue
        score = (len(_roles(header, aliases)), -rank)
        if score > best[:2]:
            best = (*score, delimiter, header)
    return best[2], best[3]


def _unclosed_quote(text: str, line: int, delimiter: str) -> bool:
    """Whether the CSV row starting on `line` (1-based) is cut by the end of the file inside a quoted
    field: a strict reader says "unexpected end of data" only then (a lenient one keeps the rest of
    the file as that field)."""
    rest = "".join(io.StringIO(text, newline="").readlines()[line - 1:])
    try:
        next(csv.reader(io.StringIO(rest, newline=""), delimiter=delimiter, strict=True), None)
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


@register
class GenericCsvParser(ChatParser):
    name = "csv"
    extensions = (".csv", ".tsv")
    COLUMN_ALIASES: ClassVar[dict[str, list[str]]] = COLUMN_ALIASES

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                head = head.decode("utf-16").encode("utf-8")  # recognised, so parse() can say "save as UTF-8"
            except UnicodeDecodeError:
                return 0.0
        text = head.decode("utf-8-sig", errors="replace")
        if text.count("\x00") > len(text) // 3 or text.lstrip().startswith(("{", "[", "<")):
            return 0.0  # UTF-16/32 without a BOM (every other byte NUL), JSON or markup; a stray NUL is text
        _, header = _csv_header(text, cls.COLUMN_ALIASES)
        roles = _roles(header, cls.COLUMN_ALIASES)
        if "sender" not in roles or "text" not in roles:
            return 0.0
        if [c.strip() for c in header[:4]] == ["AuthorID", "Author", "Date", "Content"]:
            return 0.5  # DiscordChatExporter's own CSV: its parser knows it better
        return 0.8 if "timestamp" in roles else 0.6

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any]]:
        allow_long_csv_fields()
        text = _read_text(path)
        aliases = aliases_for(options)
        delimiter, header = _csv_header(text, aliases)
        roles = _roles(header, aliases)
        if "sender" not in roles or "text" not in roles:
            raise InputError("no header row naming sender and text columns (e.g. timestamp,sender,text)",
                             where=f"{path}:1")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        columns = {role: header.index(name) for role, name in roles.items()}
        records = []
        try:
            next(reader, None)
            row_start = last_start = reader.line_num + 1
            for row in reader:
                if any(cell.strip() for cell in row):
                    records.append({role: row[i] for role, i in columns.items() if i < len(row)})
                last_start, row_start = row_start, reader.line_num + 1
        except csv.Error as exc:
            raise InputError(f"malformed CSV ({exc})", where=f"{path}:{reader.line_num}") from None
        if row_start - last_start > 1 and _unclosed_quote(text, last_start, delimiter):
            # the last row ran to the end of the file: every row after its quote became one message
            yield from _conversations(path, records[:-1], options)
            raise InputError("a quoted field opened here is never closed, so this row and every row after it "
                             "were not read; close the quote and retry", where=f"{path}:{last_start}")
        yield from _conversations(path, records, options)


@register
class MessageJsonlParser(ChatParser):
    name = "messages_jsonl"
    extensions = (".jsonl", ".ndjson")
    COLUMN_ALIASES: ClassVar[dict[str, list[str]]] = COLUMN_ALIASES

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        lines = [ln.strip() for ln in head.lstrip(b"\xef\xbb\xbf").split(b"\n") if ln.strip()]
        if not lines or not lines[0].startswith(b"{"):
            return 0.0
        try:
            item = json.loads(lines[0])
        except (ValueError, RecursionError):  # a line longer than the head: judge by its keys
            return 0.5 if b'"messages"' not in lines[0] and b'"sender"' in lines[0] and b'"text"' in lines[0] else 0.0
        if not isinstance(item, dict) or "messages" in item:
            return 0.0
        roles = _roles(item, cls.COLUMN_ALIASES)
        return 0.9 if "sender" in roles and "text" in roles else 0.0

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        aliases = aliases_for(options)
        skipped = first_bad = 0
        # not splitlines(): U+2028, U+2029 and U+0085 are legal raw inside a JSON string
        for number, line in enumerate(_LINE_BREAK.split(_read_text(path)), 1):
            if not line.strip():
                continue
            try:
                item = load_json(line)
            except (ValueError, RecursionError):
                item = None
            if not isinstance(item, dict) or "messages" in item:
                skipped += 1
                first_bad = first_bad or number
                continue
            records.append({role: item[key] for role, key in _roles(item, aliases).items()})
        if skipped:
            log.warning("%s: %d line(s) that are not message objects skipped (first at line %d)",
                        path, skipped, first_bad)
        if not any("sender" in r or "text" in r for r in records):
            raise InputError("no JSON message objects with sender and text keys", where=f"{path}:{first_bad or 1}")
        yield from _conversations(path, records, options)
