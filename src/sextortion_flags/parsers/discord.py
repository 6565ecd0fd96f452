"""Discord exports made with DiscordChatExporter (Tyrrrz): JSON and CSV.

JSON (offset timestamps):

    {"guild": {"id": "0", "name": "Direct Messages"},
     "channel": {"id": "1122", "type": "DirectTextChat", "name": "lina", ...},
     "messages": [{"id": "...", "type": "Default", "timestamp": "2025-01-15T21:41:07.123+01:00",
                   "content": "hey", "author": {"id": "9988", "name": "lina", "nickname": "Lina", ...},
                   "attachments": [{"url": "...", "fileName": "a.png"}], "stickers": [...], ...}]}

Types: Default/Reply -> text (attachments and stickers become a following media message); Call ->
call; RecipientAdd, ChannelNameChange, ChannelPinnedMessage, GuildMemberJoin... -> system. In a DM
("DirectTextChat") the channel is named after the other party, so the remaining author is `user`.

CSV: header `AuthorID,Author,Date,Content,Attachments,Reactions`, every field quoted; Date is the
exporter's local time in its culture's short format ("1/15/2025 9:41 PM", "15/01/2025 21:41", older
"15-Jan-25 09:41 PM", or ISO); it gets `options.timezone` unless it carries an offset.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sextortion_flags.errors import InputError
from sextortion_flags.parsers.base import (
    MAX_EXPORT_BYTES,
    ChatParser,
    ParseOptions,
    allow_long_csv_fields,
    conversation_id,
    json_object_head,
    load_json,
    named_participant,
    safe_id,
)
from sextortion_flags.parsers.registry import register

_TEXT_TYPES = {"Default", "Reply", "0", "19"}
_CSV_HEADER = ["AuthorID", "Author", "Date", "Content", "Attachments", "Reactions"]
_DMY_OR_MDY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
                         r"\s*([AaPp]\.?[Mm]\.?)?$")
_MON = re.compile(r"^(\d{1,2})-([A-Za-z]{3})-(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")
_CSV_SYSTEM = re.compile(r"^(?:Added .+ to the group\.|Removed .+ from the group\.|Left the group\."
                         r"|(?:Added|Removed) a recipient\.|Changed the channel (?:name|icon)\b.*"
                         r"|Pinned a message\.|Joined the server\.|Started a thread\b.*)$")
_CSV_CALL = re.compile(r"^Started a call(?: that lasted .+)?\.$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def _read_bytes(path: Path) -> bytes:
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise InputError(f"larger than {MAX_EXPORT_BYTES} bytes", where=f"{path}:0")
    return path.read_bytes()


def _user(wanted: str | None, participants: list[dict[str, str]]) -> str | None:
    return None if wanted is None else named_participant(wanted, ((p["id"], p["name"]) for p in participants))


def _iso(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # .NET writes up to 7 fractional digits
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None


@register
class DiscordJsonParser(ChatParser):
    name = "discord"
    extensions = (".json",)

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        if json_object_head(head) is None:
            return 0.0
        if b'"guild"' in head and b'"channel"' in head and (b'"messages"' in head or b'"dateRange"' in head):
            return 0.95
        if b'"author"' in head and b'"isBot"' in head:
            return 0.6
        return 0.0

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any]]:
        try:
            data = load_json(_read_bytes(path).decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", where=f"{path}:0") from None
        except json.JSONDecodeError as exc:
            raise InputError("not valid JSON", where=f"{path}:{exc.lineno}") from None
        except RecursionError:
            raise InputError("JSON nested too deeply", where=f"{path}:0") from None
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            raise InputError("not a DiscordChatExporter JSON file (no 'messages' list)", where=f"{path}:1")
        channel = data.get("channel") if isinstance(data.get("channel"), dict) else {}
        participants: dict[str, dict[str, str]] = {}
        messages: list[dict[str, Any]] = []
        for raw in data["messages"]:
            if isinstance(raw, dict):
                messages.extend(self._messages(raw, participants))
        name, cid = channel.get("name"), channel.get("id")
        label = "_".join(str(v) for v in (name, cid) if isinstance(v, (str, int)) and str(v))
        conversation: dict[str, Any] = {"id": safe_id(label) or conversation_id(path), "platform": "discord",
                                        "participants": list(participants.values())}
        user = _user(options.user, conversation["participants"])
        if user is None and options.user is None and channel.get("type") == "DirectTextChat" and len(participants) == 2:
            others = [p["id"] for p in participants.values() if name not in (p["id"], p.get("_login"), p["name"])]
            user = others[0] if len(others) == 1 else None
        for p in participants.values():
            p.pop("_login", None)
        if user is not None:
            conversation["user"] = user
        conversation["messages"] = messages
        yield conversation

    @staticmethod
    def _messages(raw: dict[str, Any], participants: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
        author = raw.get("author") if isinstance(raw.get("author"), dict) else {}
        aid = author.get("id")
        sender = str(aid) if isinstance(aid, (str, int)) and str(aid) else None
        if sender is not None:
            login = author.get("name") if isinstance(author.get("name"), str) else None
            display = author.get("nickname") if isinstance(author.get("nickname"), str) else None
            participants.setdefault(sender, {"id": sender, "name": display or login or sender, "_login": login})
        content = raw.get("content") if isinstance(raw.get("content"), str) else ""
        stamp = _iso(raw.get("timestamp"))
        mtype = str(raw.get("type") or "Default")
        if mtype == "Call":
            return [{"sender": sender, "text": content or "Started a call.", "timestamp": stamp, "kind": "call"}]
        if mtype not in _TEXT_TYPES:
            return [{"sender": sender, "text": content or mtype, "timestamp": stamp, "kind": "system"}]
        out = []
        if content:
            out.append({"sender": sender, "text": content, "timestamp": stamp, "kind": "text"})
        attachments, stickers = raw.get("attachments"), raw.get("stickers")
        files = [a.get("fileName") or a.get("url") for a in attachments if isinstance(a, dict)] \
            if isinstance(attachments, list) else []
        if isinstance(stickers, list):
            files += [f"sticker: {s.get('name')}" for s in stickers if isinstance(s, dict)]
        files = [str(f) for f in files if f]
        if files:
            out.append({"sender": sender, "text": "<attached: " + ", ".join(files) + ">", "timestamp": stamp,
                        "kind": "media"})
        if not out:
            out.append({"sender": sender, "text": "", "timestamp": stamp, "kind": "text"})
        return out


@register
class DiscordCsvParser(ChatParser):
    name = "discord_csv"
    extensions = (".csv",)

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip().replace(b'"', b"")
        return 0.95 if first.startswith(b"AuthorID,Author,Date,Content") else 0.0

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any]]:
        try:
            text = _read_bytes(path).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", where=f"{path}:0") from None
        try:
            allow_long_csv_fields()
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InputError(f"malformed CSV ({exc})", where=f"{path}:0") from None
        if not rows or [c.strip() for c in rows[0][:4]] != _CSV_HEADER[:4]:
            raise InputError("not a DiscordChatExporter CSV (header AuthorID,Author,Date,Content,...)",
                             where=f"{path}:1")
        body = [r for r in rows[1:] if len(r) >= 4]
        day_first = self._day_first([r[2] for r in body])
        participants: dict[str, dict[str, str]] = {}
        messages: list[dict[str, Any]] = []
        for row in body:
            aid, author, date, content = (c.strip() if i < 3 else c for i, c in enumerate(row[:4]))
            attachments = row[4].strip() if len(row) > 4 else ""
            sender = aid or author or None
            if sender is not None:
                participants.setdefault(sender, {"id": sender, "name": author or sender})
            stamp = self._timestamp(date, day_first, options)
            if content or not attachments:
                kind = "call" if _CSV_CALL.match(content) else "system" if _CSV_SYSTEM.match(content) else "text"
                messages.append({"sender": sender, "text": content, "timestamp": stamp, "kind": kind})
            if attachments:
                messages.append({"sender": sender, "text": f"<attached: {attachments}>", "timestamp": stamp,
                                 "kind": "media"})
        conversation: dict[str, Any] = {"id": conversation_id(path), "platform": "discord",
                                        "participants": list(participants.values())}
        user = _user(options.user, conversation["participants"])
        if user is not None:
            conversation["user"] = user
        conversation["messages"] = messages
        yield conversation

    @staticmethod
    def _day_first(dates: list[str]) -> bool:
        parts = [m for m in map(_DMY_OR_MDY.match, (d.strip() for d in dates)) if m]
        if any(int(m[1]) > 12 for m in parts):
            return True
        if any(int(m[2]) > 12 for m in parts):
            return False
        return not any(m[7] for m in parts)  # AM/PM cultures (en-US) are month-first

    @staticmethod
    def _timestamp(value: str, day_first: bool, options: ParseOptions) -> str | None:
        value = value.strip()
        iso = _iso(value) if re.match(r"^\d{4}-\d{2}-\d{2}", value) else None
        if iso is not None:
            stamp = datetime.fromisoformat(iso)
            return (stamp.replace(tzinfo=options.timezone) if stamp.tzinfo is None else stamp).isoformat()
        try:
            if m := _DMY_OR_MDY.match(value):
                a, b, year = int(m[1]), int(m[2]), int(m[3])
                day, month = (a, b) if day_first else (b, a)
            elif m := _MON.match(value):
                day, month, year = int(m[1]), _MONTHS[m[2].lower()], int(m[3])
            else:
                return None
            hour, minute, second = int(m[4]), int(m[5]), int(m[6] or 0)
            ampm = (m[7] or "").replace(".", "").lower()
            if ampm:
                if hour > 12:
                    return None
                hour = hour % 12 + (12 if ampm == "pm" else 0)
            year = year + 2000 if year < 100 else year
            return datetime(year, month, day, hour, minute, second, tzinfo=options.timezone).isoformat()
        except (ValueError, KeyError):
            return None
