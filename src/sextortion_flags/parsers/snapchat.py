"""Snapchat "Download My Data": json/chat_history.json.

Current shape, one list per friend (or group id):

    {"friend.name": [{"From": "friend.name", "Media Type": "TEXT", "Created": "2025-01-15 21:41:07 UTC",
                      "Content": "hey", "Conversation Title": null, "IsSender": false,
                      "Created(microseconds)": 1736977267000}, ...]}

Older shape (until about 2022): {"Received Saved Chat History": [{"From", "Media Type", "Created", "Text"}],
"Sent Saved Chat History": [{"To", ...}]} (also the "Unsaved" lists). One conversation per friend,
oldest first. `IsSender: true` (or a "Sent" list) marks the exporter, who becomes `user`; the older
shape never names the exporter, who is then `options.user` or "me". Media types: TEXT; MEDIA, NOTE
(voice note), STICKER, SNAP, GIF, SHARE (a shared story or link), LOCATION -> media (text "<MEDIA>"
etc. when there is no content); STATUSCALL* -> call; STATUSERASED* -> deleted; other STATUS* -> system. Times are UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sextortion_flags.errors import InputError
from sextortion_flags.parsers.base import (
    MAX_EXPORT_BYTES,
    ChatParser,
    ParseOptions,
    conversation_id,
    json_object_head,
    load_json,
    named_participant,
    safe_id,
)
from sextortion_flags.parsers.registry import register

_OLD_LISTS = re.compile(r"^(Received|Sent) (?:Saved |Unsaved )?Chat History$")
_MEDIA_TYPES = {"MEDIA", "NOTE", "STICKER", "SNAP", "GIF", "IMAGE", "VIDEO", "AUDIO", "PHOTO", "SHARE", "LOCATION"}
_CREATED = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*(?:UTC|Z|\+00:?00)?$")
OLD_SELF = "me"


def _timestamp(value: Any) -> str | None:
    match = _CREATED.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    try:
        stamp = datetime.fromisoformat(f"{match[1]}T{match[2]}")
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC).isoformat()


def _kind_text(raw: dict[str, Any]) -> tuple[str, str]:
    mtype = str(raw.get("Media Type") or "TEXT").upper()
    content = raw.get("Content", raw.get("Text"))
    content = content if isinstance(content, str) else ""
    if mtype.startswith("STATUSCALL") or "CALL" in mtype:
        return "call", content or f"<{mtype}>"
    if mtype.startswith("STATUSERASED") or "ERASED" in mtype:
        return "deleted", content or f"<{mtype}>"
    if mtype.startswith("STATUS"):
        return "system", content or f"<{mtype}>"
    if mtype in _MEDIA_TYPES:
        return "media", content or f"<{mtype}>"
    return "text", content


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


@register
class SnapchatParser(ChatParser):
    name = "snapchat"
    extensions = (".json",)

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        if json_object_head(head) is None:
            return 0.0
        if b'"Media Type"' in head and b'"Created"' in head:
            return 0.95 if (b'"IsSender"' in head or b'Chat History"' in head) else 0.7
        return 0.0

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any]]:
        data = self._load(path)
        old = any(_OLD_LISTS.match(k) for k in data)
        threads: dict[str, list[dict[str, Any]]] = {}
        exporter: str | None = None
        for key, items in data.items():
            if not isinstance(items, list):
                continue
            sent_list = bool(_OLD_LISTS.match(key)) and key.startswith("Sent")
            if old and not _OLD_LISTS.match(key):
                continue
            for raw in items:
                if not isinstance(raw, dict) or ("Created" not in raw and "Media Type" not in raw):
                    continue
                if old:
                    friend = _text(raw.get("To") if sent_list else raw.get("From"))
                    sender = (options.user or OLD_SELF) if sent_list else friend
                    if friend is None:
                        continue
                else:
                    friend, sender = key, _text(raw.get("From"))
                    if raw.get("IsSender") is True and sender:
                        exporter = exporter or sender
                kind, text = _kind_text(raw)
                threads.setdefault(friend, []).append(
                    {"sender": sender, "text": text, "timestamp": _timestamp(raw.get("Created")), "kind": kind})
        if not threads and not data:
            return
        if old:
            exporter = options.user or OLD_SELF
        for friend, messages in threads.items():
            yield self._conversation(path, friend, messages, exporter, options.user, old)

    @staticmethod
    def _load(path: Path) -> dict[str, Any]:
        try:
            if path.stat().st_size > MAX_EXPORT_BYTES:
                raise InputError(f"larger than {MAX_EXPORT_BYTES} bytes", where=f"{path}:0")
            data = load_json(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", where=f"{path}:0") from None
        except json.JSONDecodeError as exc:
            raise InputError("not valid JSON", where=f"{path}:{exc.lineno}") from None
        except RecursionError:
            raise InputError("JSON nested too deeply", where=f"{path}:0") from None
        if not isinstance(data, dict):
            raise InputError("not a Snapchat chat_history.json (expected an object)", where=f"{path}:1")
        return data

    @staticmethod
    def _conversation(path: Path, friend: str, messages: list[dict[str, Any]], exporter: str | None,
                      wanted: str | None, old: bool) -> dict[str, Any]:
        if all(m["timestamp"] for m in messages):
            messages.sort(key=lambda m: m["timestamp"])  # ISO strings, all UTC: sortable; stable on ties
        elif len(messages) > 1 and (messages[0]["timestamp"] or "") > (messages[-1]["timestamp"] or "~"):
            messages.reverse()
        ids: list[str] = []
        for m in messages:
            if m["sender"] is not None and m["sender"] not in ids:
                ids.append(m["sender"])
        if not old and friend not in ids and len(ids) <= 1:
            ids.append(friend)
        user = exporter
        if wanted is not None and not old:
            user = named_participant(wanted, ((pid, None) for pid in ids))
        safe = safe_id(friend)
        conversation: dict[str, Any] = {"id": safe or conversation_id(path, f"-{len(ids)}"),
                                        "platform": "snapchat",
                                        "participants": [{"id": pid, "name": pid} for pid in ids]}
        if user is not None and user in ids:
            conversation["user"] = user
        conversation["messages"] = messages
        return conversation
