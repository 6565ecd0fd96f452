"""Instagram and Facebook Messenger "Download your information" JSON (one folder per thread).

    messages/inbox/<name>_<id>/message_1.json      (message_2.json, ... hold older messages)
    {"participants": [{"name": "Lina"}, {"name": "Yassine"}],
     "messages": [{"sender_name": "Lina", "timestamp_ms": 1736977267000, "content": "salut",
                   "photos": [{"uri": "..."}], "videos": [...], "audio_files": [...], "gifs": [...],
                   "files": [...], "sticker": {...}, "share": {"link": "..."}, "call_duration": 0,
                   "is_unsent": false, "type": "Generic", "reactions": [...]}, ...],
     "title": "Lina", "is_still_participant": true, "thread_path": "inbox/lina_17845..."}

Messages are listed newest first and are reversed. Strings are UTF-8 bytes written as \\u00XX escapes
("Ã©" for "é"), which is repaired. Parsing message_1.json merges its message_N.json siblings; a
message_N.json (N > 1) next to a message_1.json yields nothing (it was read with message_1).
Timestamps are UTC with an explicit offset. In a two-person thread the title names the other
party, so the remaining participant is the exporter (`user`).

The .zip Meta sends is read in place (`parsers.archive`): every folder holding message_N.json
files is one thread, wherever it sits (your_instagram_activity/messages/inbox/,
your_facebook_activity/messages/inbox/, messages/inbox/, e2ee_cutover/, archived_threads/,
filtered_threads/, message_requests/ ...); media and other members are never read.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Any
from zipfile import ZipInfo

from sextortion_flags.errors import InputError
from sextortion_flags.models import ErrorReport
from sextortion_flags.parsers.archive import (
    NO_EXPORT,
    Archive,
    ArchiveLimitError,
    error_record,
    is_zip,
    is_zip_file,
    member_paths,
)
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

log = logging.getLogger(__name__)
_PART = re.compile(r"^message_(\d+)\.json$", re.I)
_MEDIA_KEYS = (("photos", "photo"), ("videos", "video"), ("audio_files", "audio"), ("gifs", "GIF"),
               ("files", "file"), ("sticker", "sticker"))
_REACTION = re.compile(r"^(?:Liked a message|Reacted .{1,20} to your message"
                       r"|.{1,100} reacted .{1,20} to your message)$")
_CALL_TEXT = re.compile(r"^(?:(?:The )?(?:audio call|video chat|video call) ended"
                        r"|.{1,100} started (?:an audio call|a video chat)"
                        r"|.{1,100} missed (?:an audio call|a video chat|a call from .{1,100}"
                        r"|a video call from .{1,100}))\.?$", re.I)
"""Instagram writes calls as plain content, without Messenger's `call_duration`."""
_SYSTEM_TYPES = {"Subscribe", "Unsubscribe"}
_INSTAGRAM_KEYS = (b'"original_content_owner"', b'"Liked a message"', b'"is_reported"')
_MESSENGER_KEYS = (b'"magic_words"', b'"joinable_mode"', b'"is_unsent_image_by_messenger_kid_parent"',
                   b'"is_geoblocked_for_viewer"')


def fix_text(value: Any) -> Any:
    """Undo Meta's mojibake (UTF-8 bytes stored as latin-1 code points) in strings, lists and dicts."""
    if isinstance(value, str):
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value
    if isinstance(value, list):
        return [fix_text(v) for v in value]
    if isinstance(value, dict):
        return {k: fix_text(v) for k, v in value.items()}
    return value


def _load(path: Path) -> dict[str, Any]:
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise InputError(f"larger than {MAX_EXPORT_BYTES} bytes", where=f"{path}:0")
    return _decode(path.read_bytes(), str(path))


def _decode(raw: bytes, where: str) -> dict[str, Any]:
    """One message_N.json from its bytes; `where` names the file (or archive member) in errors."""
    try:
        data = load_json(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", where=f"{where}:0") from exc
    except json.JSONDecodeError as exc:
        raise InputError("not valid JSON", where=f"{where}:{exc.lineno}") from None
    except RecursionError:
        raise InputError("JSON nested too deeply", where=f"{where}:0") from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise InputError("not a Meta message file (no 'messages' list)", where=f"{where}:1")
    return data


def _timestamp(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _message(raw: dict[str, Any]) -> dict[str, Any]:
    sender = raw.get("sender_name")
    sender = sender if isinstance(sender, str) and sender else None
    content = raw.get("content") if isinstance(raw.get("content"), str) else ""
    kind, text = "text", content
    media = [label for key, label in _MEDIA_KEYS if raw.get(key)]
    if raw.get("is_unsent") is True:
        kind, text = "deleted", content or "This message was unsent."
    elif "call_duration" in raw or raw.get("type") == "Call":
        kind, text = "call", content or "Call"
    elif _CALL_TEXT.match(content.strip()):
        kind = "call"
    elif raw.get("type") in _SYSTEM_TYPES or _REACTION.match(content.strip()):  # Instagram leaves a trailing space
        kind = "system"
    elif media:
        kind, text = "media", content or f"<{media[0]} omitted>"
    share = raw.get("share")
    link = share.get("link") if isinstance(share, dict) else None
    if isinstance(link, str) and link and link not in text:
        text = f"{text}\n{link}" if text else link
    return {"sender": sender, "text": text, "timestamp": _timestamp(raw.get("timestamp_ms")), "kind": kind}


@register
class MetaJsonParser(ChatParser):
    name = "meta"
    extensions = (".json", ".zip")

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        if is_zip(head):  # below WhatsApp's 0.95: a zip that holds its _chat.txt stays WhatsApp
            return 0.9 if any(_PART.match(name.name) for name in member_paths(path)) else 0.0
        start = json_object_head(head)
        if start is None:
            return 0.0
        score = 0.0
        if b'"sender_name"' in head and b'"timestamp_ms"' in head:
            score = 0.95
        elif b'"participants"' in head and b'"thread_path"' in head:
            score = 0.8
        elif b'"participants"' in head and b'"messages"' in head and _PART.match(path.name):
            score = 0.6
        return score

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any] | ErrorReport]:
        if is_zip_file(path):
            yield from self._parse_archive(path, options)
            return
        part = _PART.match(path.name)
        if part and int(part[1]) > 1 and (path.parent / "message_1.json").is_file():
            _load(path)  # still report a broken file; its messages come with message_1.json
            return
        data = _load(path)
        raws: list[Any] = list(data["messages"])
        if part and int(part[1]) == 1:
            for sibling in self._siblings(path):
                try:
                    raws.extend(_load(sibling)["messages"])
                except InputError:
                    log.warning("skipped unreadable sibling file %s", sibling)
        yield self._conversation(path, path.resolve().parts, data, raws, options)

    def _parse_archive(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any] | ErrorReport]:
        """One conversation per thread folder of a "Download your information" zip, as if extracted:
        message_1.json with its siblings merged, a lone message_N.json on its own. A broken file
        becomes one error record and the other threads still come out."""
        with Archive(path) as archive:
            threads = self._archive_threads(archive)
            if not threads:
                raise InputError(f"{NO_EXPORT} (no Meta message_N.json thread)", where=str(path))
            for name, first, siblings in threads:
                try:
                    data = _decode(archive.read(first), archive.where(first))
                except InputError as exc:
                    yield error_record(exc)
                    continue
                raws: list[Any] = list(data["messages"])
                broken: list[InputError] = []
                for sibling in siblings:
                    try:
                        raws.extend(_decode(archive.read(sibling), archive.where(sibling))["messages"])
                    except ArchiveLimitError:
                        raise  # the whole archive stops; never a thread silently cut short
                    except InputError as exc:  # reported as the extracted file would be, the thread kept
                        broken.append(exc)
                where = (path.resolve().name, *name.parts)
                yield self._conversation(name, where, data, raws, options)
                for exc in broken:
                    yield error_record(exc)

    @staticmethod
    def _archive_threads(archive: Archive) -> list[tuple[PurePath, ZipInfo, list[ZipInfo]]]:
        """(member path, first file, sibling files) per conversation, in archive path order."""
        folders: dict[PurePath, dict[int, tuple[PurePath, ZipInfo]]] = {}
        for name, info in archive.members():
            part = _PART.match(name.name)
            if part:
                folders.setdefault(name.parent, {}).setdefault(int(part[1]), (name, info))
        threads = []
        for folder in sorted(folders, key=str):
            parts = folders[folder]
            if 1 in parts:
                threads.append((parts[1][0], parts[1][1], [parts[n][1] for n in sorted(parts) if n > 1]))
            else:
                threads += [(parts[n][0], parts[n][1], []) for n in sorted(parts)]
        return threads

    def _conversation(self, path: PurePath, where: tuple[str, ...], data: dict[str, Any], raws: list[Any],
                      options: ParseOptions) -> dict[str, Any]:
        """The canonical conversation of one thread: `path` names it, `where` (its folders) hints the app."""
        messages = [_message(fix_text(r)) for r in reversed(raws) if isinstance(r, dict)]
        title = fix_text(data.get("title")) if isinstance(data.get("title"), str) else None
        participants: dict[str, dict[str, str]] = {}
        listed = data.get("participants")
        for p in listed if isinstance(listed, list) else []:
            name = fix_text(p.get("name")) if isinstance(p, dict) else None
            if isinstance(name, str) and name:
                participants.setdefault(name, {"id": name, "name": name})
        for m in messages:
            if m["sender"] is not None:
                participants.setdefault(m["sender"], {"id": m["sender"], "name": m["sender"]})

        conversation: dict[str, Any] = {"id": self._id(path, data, title),
                                        "platform": self._platform(where, data),
                                        "participants": list(participants.values())}
        user = self._user(options.user, list(participants), title)
        if user is not None:
            conversation["user"] = user
        conversation["messages"] = messages
        return conversation

    @staticmethod
    def _siblings(path: Path) -> list[Path]:
        found = []
        for p in path.parent.iterdir():
            m = _PART.match(p.name)
            if m and int(m[1]) > 1 and p.is_file():
                found.append((int(m[1]), p))
        return [p for _, p in sorted(found)]

    @staticmethod
    def _id(path: PurePath, data: dict[str, Any], title: str | None) -> str:
        thread = data.get("thread_path")
        if isinstance(thread, str) and safe_id(thread.rstrip("/").rsplit("/", 1)[-1]):
            return safe_id(thread.rstrip("/").rsplit("/", 1)[-1])
        if _PART.match(path.name) and safe_id(path.parent.name):
            return safe_id(path.parent.name)
        return safe_id(title or "") or conversation_id(Path(path))

    @staticmethod
    def _platform(folders: tuple[str, ...], data: dict[str, Any]) -> str:
        where = "/".join(folders[-6:]).lower()  # e.g. your_instagram_activity/messages/inbox/x/, instagram-*.zip
        if "instagram" in where:
            return "instagram"
        if "facebook" in where or "messenger" in where:
            return "messenger"
        head = json.dumps(data, ensure_ascii=True)[:200_000].encode()
        thread = str(data.get("thread_path") or "")
        # magic_words and is_unsent_image_by_messenger_kid_parent are in Instagram exports too: an IG thread id wins
        instagram = sum(key in head for key in _INSTAGRAM_KEYS) + 3 * bool(re.search(r"_178\d{14,}$", thread))
        messenger = sum(key in head for key in _MESSENGER_KEYS[:3])
        return "instagram" if instagram > messenger else "messenger"

    @staticmethod
    def _user(wanted: str | None, ids: list[str], title: str | None) -> str | None:
        if wanted is not None:
            return named_participant(wanted, ((pid, None) for pid in ids))
        if len(ids) == 2 and title in ids:
            return next(pid for pid in ids if pid != title)
        return None
