"""Telegram Desktop exports ("Export chat history" / "Export Telegram data"), JSON and HTML.

JSON (`result.json`), one chat or a whole account:

    {"name": "Karim", "type": "personal_chat", "id": 5550001, "messages": [
      {"id": 1, "type": "message", "date": "2025-01-15T21:41:07", "date_unixtime": "1736973667",
       "from": "Karim", "from_id": "user5550001", "text": ["hi ", {"type": "bold", "text": "you"}],
       "text_entities": [...]},
      {"id": 2, "type": "message", ..., "photo": "photos/photo_1@15-01-2025_21-42-00.jpg"},
      {"id": 3, "type": "message", ..., "file": "(File not included. ...)", "media_type": "sticker",
       "sticker_emoji": "😀"},
      {"id": 4, "type": "service", ..., "actor": "Karim", "actor_id": "user5550001", "action": "phone_call",
       "duration_seconds": 12, "discard_reason": "hangup"}]}
    {"about": "...", "personal_information": {"user_id": 5550002, ...}, "chats": {"list": [<chat>, ...]},
     "left_chats": {"list": [...]}}

`date_unixtime` (UTC) wins over the local, offset-less `date`. Media get kind `media` and a
placeholder text in Telegram's own words ("<Photo>", "<Voice message>", "<Sticker 😀>",
"<Self-destructing photo>"); a caption becomes a separate text message right after, so the analyzer
still reads it. Service messages become kind `system` (sender None, text "Karim took a screenshot"),
phone and group calls kind `call` (sender = the caller). The exporter (`user`) is
`personal_information.user_id` in account exports, or the other side of a personal chat (whose `id`
is the peer's user id).

HTML (`messages.html`, continued in `messages2.html`, `messages3.html`, ...):

    <div class="page_header"><div class="content"><div class="text bold">Karim</div></div></div>
    <div class="message service" id="message-1"><div class="body details">15 January 2025</div></div>
    <div class="message default clearfix" id="message2"><div class="body">
      <div class="pull_right date details" title="15.01.2025 21:41:07 UTC+01:00">21:41</div>
      <div class="from_name">Karim</div><div class="text">hello<br>there</div></div></div>
    <div class="message default clearfix joined" id="message3">...</div>   (same sender, no from_name)

Media sit in `div.media_wrap` (photo_wrap / video_file_wrap / sticker_wrap links, or a generic
`div.media media_photo|media_call|...` with `div.title` and `div.status`). Day separators (negative
ids) are dropped. `messages.html` reads its continuation files too; a continuation file next to its
`messages.html` yields nothing (it is already in that conversation).

Zipped exports are read in place (`parsers.archive`): every `result.json` in the archive
(ChatExport_<date>/ or DataExport_<date>/), and every folder holding `messages*.html` as one chat
(ChatExport_<date>/, or chats/chat_NNN/ of an account export); photos and other files are never read.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path, PurePath
from typing import Any
from zipfile import ZipInfo

from sextortion_flags.errors import InputError
from sextortion_flags.models import ErrorReport
from sextortion_flags.parsers.archive import NO_EXPORT, Archive, error_record, is_zip, is_zip_file, member_paths
from sextortion_flags.parsers.base import (
    ChatParser,
    ParseOptions,
    conversation_id,
    json_object_head,
    load_json,
    named_participant,
)
from sextortion_flags.parsers.registry import register

log = logging.getLogger(__name__)

# ----------------------------------------------------------------------------------------- shared


def _clean_id(value: object) -> str:
    """A chat name or id usable as a conversation id: no control/format characters, one-line, short."""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text
                   if unicodedata.category(c) != "Cf")
    return re.sub(r"\s+", " ", text).strip()[:200]


def _append_media(messages: list[dict[str, Any]], sender: str | None, stamp: str | None,
                  placeholder: str, caption: str, kind: str = "media") -> None:
    messages.append({"sender": sender, "text": placeholder, "timestamp": stamp, "kind": kind})
    if caption.strip():
        messages.append({"sender": sender, "text": caption, "timestamp": stamp, "kind": "text"})


def _pick_user(wanted: str | None, participants: dict[str, dict[str, Any]], inferred: str | None) -> str | None:
    if wanted is not None:
        return named_participant(wanted.strip(), ((pid, str(p.get("name") or "")) for pid, p in participants.items()))
    return inferred


def _conversation(cid: str, participants: dict[str, dict[str, Any]], user: str | None,
                  messages: list[dict[str, Any]]) -> dict[str, Any]:
    conversation: dict[str, Any] = {"id": cid, "platform": "telegram", "participants": list(participants.values())}
    if user is not None:
        conversation["user"] = user
    conversation["messages"] = messages
    return conversation


def _external(href: str | None, label: str) -> str:
    """" (href)" for a link whose target is hidden behind other text; links are identifiers."""
    if not href or not re.match(r"(?i)(https?|tg)://", href) or href.rstrip("/") in label:
        return ""
    return f" ({href})"


# ------------------------------------------------------------------------------------------- JSON

_MEDIA_TYPES = {"sticker": "Sticker", "video_message": "Video message", "voice_message": "Voice message",
                "animation": "Animation", "video_file": "Video file", "audio_file": "Audio file"}
_JSON_HINTS = re.compile(rb'"(?:date_unixtime|text_entities|personal_information)"|"from_id"\s*:\s*"(?:user|channel)\d'
                         rb'|"type"\s*:\s*"(?:personal_chat|bot_chat|private_group|private_supergroup'
                         rb'|public_supergroup|private_channel|public_channel|saved_messages)"')


def _text(value: object) -> str:
    """`text` is a string or a list of strings and entity dicts {"type", "text"[, "href"]}."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    parts = []
    for part in value:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            href = part.get("href") if part.get("type") == "text_link" else None
            parts.append(part["text"] + _external(href if isinstance(href, str) else None, part["text"]))
    return "".join(parts)


def _json_stamp(msg: dict[str, Any], options: ParseOptions) -> str | None:
    unix = msg.get("date_unixtime")
    try:
        if isinstance(unix, (str, int)) and not isinstance(unix, bool) and str(unix).strip().isdigit():
            return datetime.fromtimestamp(int(unix), tz=UTC).isoformat()
        if isinstance(msg.get("date"), str):
            local = datetime.fromisoformat(msg["date"])
            if local.tzinfo is None and options.timezone is not None:
                local = local.replace(tzinfo=options.timezone)
            return local.isoformat()
    except (ValueError, OverflowError, OSError):
        pass
    return None


def _json_media(msg: dict[str, Any]) -> str | None:
    """Telegram's own label for the message's media, or None for a plain text message."""
    ttl = msg.get("self_destruct_period_seconds")
    if "photo" in msg:
        return "Self-destructing photo" if ttl else "Photo"
    if "file" in msg or "media_type" in msg:
        if ttl:
            return "Self-destructing video"
        kind = msg.get("media_type")
        if kind == "sticker":
            emoji = msg.get("sticker_emoji")
            return f"Sticker {emoji}" if isinstance(emoji, str) and emoji else "Sticker"
        if isinstance(kind, str) and kind in _MEDIA_TYPES:
            return _MEDIA_TYPES[kind]
        name = msg.get("file_name")
        return f"File: {name}" if isinstance(name, str) and name else "File"
    contact = msg.get("contact_information")
    if isinstance(contact, dict):
        who = " ".join(str(contact.get(k) or "") for k in ("first_name", "last_name")).strip()
        return "Contact: " + ", ".join(x for x in (who, str(contact.get("phone_number") or "")) if x)
    if "location_information" in msg or "place_name" in msg:
        return "Live location" if msg.get("live_location_period_seconds") else "Location"
    if isinstance(msg.get("poll"), dict):
        return f"Poll: {msg['poll'].get('question') or ''}".rstrip(": ")
    if "game_title" in msg:
        return f"Game: {msg.get('game_title') or ''}"
    if "invoice_information" in msg:
        return "Invoice"
    return None


def _service_text(msg: dict[str, Any], actor: str) -> str:
    action, title = msg.get("action"), msg.get("title") or ""
    members = msg.get("members")
    names = ", ".join(str(m) for m in members if m) if isinstance(members, list) else ""
    phrases = {
        "create_group": f"{actor} created group «{title}»",
        "edit_group_title": f"{actor} changed group title to «{title}»",
        "edit_group_photo": f"{actor} changed group photo", "delete_group_photo": f"{actor} removed group photo",
        "invite_members": f"{actor} invited {names}", "remove_members": f"{actor} removed {names}",
        "join_group_by_link": f"{actor} joined group by link from {msg.get('inviter') or 'Deleted Account'}",
        "join_group_by_request": f"{actor} joined group by request", "create_channel": f"Channel «{title}» created",
        "pin_message": f"{actor} pinned a message", "clear_history": "History cleared",
        "take_screenshot": f"{actor} took a screenshot", "joined_telegram": f"{actor} joined Telegram",
        "requested_phone_number": f"{actor} requested your phone number",
        "migrate_to_supergroup": f"{actor} converted this group to a supergroup",
    }
    if action == "set_messages_ttl":
        period = msg.get("period")
        return (f"{actor} has set messages to auto-delete in {period} seconds" if period
                else f"{actor} has set messages not to auto-delete")
    if action in phrases:
        return phrases[action]
    if isinstance(msg.get("information_text"), str):
        return msg["information_text"]
    own = _text(msg.get("text"))
    if own.strip():
        return own
    return f"{actor} {str(action or 'service message').replace('_', ' ')}".strip()


def _call_text(msg: dict[str, Any]) -> str:
    if msg.get("action") == "group_call":
        seconds = msg.get("duration")
        return "Voice chat" + (f" ({seconds} seconds)" if isinstance(seconds, int) and seconds else "")
    reason = msg.get("discard_reason")
    base = {"missed": "Missed call", "busy": "Declined call"}.get(reason if isinstance(reason, str) else "", "Call")
    seconds = msg.get("duration_seconds")
    return base + (f" ({seconds} seconds)" if isinstance(seconds, int) and seconds else "")


def _who(name: object, pid: object) -> tuple[str | None, str | None]:
    """(participant id, display name) from a from/from_id or actor/actor_id pair."""
    ident = str(pid) if isinstance(pid, (str, int)) and not isinstance(pid, bool) and str(pid) else None
    shown = name if isinstance(name, str) and name else None
    if ident is None and shown is None:
        return None, None
    return ident or shown, shown or "Deleted Account"


def _json_chat(chat: dict[str, Any], cid: str, self_id: str | None, self_name: str | None,
               options: ParseOptions) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    participants: dict[str, dict[str, Any]] = {}
    raw = chat.get("messages")
    for msg in raw if isinstance(raw, list) else []:
        if not isinstance(msg, dict):
            continue
        stamp = _json_stamp(msg, options)
        if msg.get("type") == "service":
            actor_id, actor = _who(msg.get("actor"), msg.get("actor_id"))
            if actor_id is not None and msg.get("action") in ("phone_call", "group_call"):
                participants.setdefault(actor_id, {"id": actor_id, "name": actor})
                messages.append({"sender": actor_id, "text": _call_text(msg), "timestamp": stamp, "kind": "call"})
            else:
                text = _service_text(msg, actor or "Someone")
                messages.append({"sender": None, "text": text, "timestamp": stamp, "kind": "system"})
            continue
        sender, name = _who(msg.get("from"), msg.get("from_id"))
        if sender is not None:
            participants.setdefault(sender, {"id": sender, "name": name})
        text, media = _text(msg.get("text")), _json_media(msg)
        if media is not None:
            _append_media(messages, sender, stamp, f"<{media}>", text)
        else:
            messages.append({"sender": sender, "text": text, "timestamp": stamp, "kind": "text"})
    inferred = None
    if self_id is not None:
        participants.setdefault(self_id, {"id": self_id, "name": self_name or self_id})
        inferred = self_id
    elif chat.get("type") == "personal_chat" and len(participants) == 2:
        peer = f"user{chat.get('id')}"
        if peer in participants:
            inferred = next(pid for pid in participants if pid != peer)
    return _conversation(cid, participants, _pick_user(options.user, participants, inferred), messages)


@register
class TelegramJsonParser(ChatParser):
    name = "telegram"
    extensions = (".json", ".zip")

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        if is_zip(head):  # below WhatsApp's 0.95: a zip that holds its _chat.txt stays WhatsApp
            return 0.9 if any(name.name.lower() == "result.json" for name in member_paths(path)) else 0.0
        body = json_object_head(head)
        if body is None:
            return 0.0
        if _JSON_HINTS.search(body):
            return 0.95
        if b'"messages"' in body and b'"from"' in body and b'"date"' in body:
            return 0.5
        return 0.0

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any] | ErrorReport]:
        if not is_zip_file(path):
            yield from self._parse_bytes(path.read_bytes(), path, str(path), options)
            return
        with Archive(path) as archive:
            found = [(name, info) for name, info in archive.members() if name.name.lower() == "result.json"]
            if not found:
                raise InputError(f"{NO_EXPORT} (no Telegram result.json)", where=str(path))
            for name, info in sorted(found, key=lambda item: str(item[0])):
                try:  # one unreadable export is one error record, the other exports still come out
                    yield from self._parse_bytes(archive.read(info), name, archive.where(info), options)
                except InputError as exc:
                    yield error_record(exc)

    def _parse_bytes(self, raw: bytes, path: PurePath, where: str, options: ParseOptions,
                     ) -> Iterator[dict[str, Any]]:
        """The chats of one result.json; `path` names it (ids), `where` places errors."""
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
        try:
            data = load_json(text)
        except RecursionError:
            raise InputError("JSON nested too deeply", where=f"{where}:0") from None
        except ValueError as exc:
            raise InputError("not valid JSON (Telegram result.json expected)",
                             where=f"{where}:{getattr(exc, 'lineno', 1)}") from None
        if not isinstance(data, dict):
            raise InputError("top level is not a JSON object (Telegram result.json expected)", where=f"{where}:1")
        if isinstance(data.get("messages"), list):  # a single chat
            cid = _clean_id(data.get("name") or "") or _clean_id(data.get("id") or "") or conversation_id(Path(path))
            yield _json_chat(data, cid, None, None, options)
            return
        chats: list[Any] = []
        for section in ("chats", "left_chats"):
            block = data.get(section)
            if isinstance(block, dict) and isinstance(block.get("list"), list):
                chats += block["list"]
            elif isinstance(block, dict) and block.get("list") is not None:
                raise InputError(f"'{section}.list' is not a list of chats (Telegram result.json expected)",
                                 where=f"{where}:1")
        if not chats and not any(isinstance(data.get(s), dict) for s in ("chats", "left_chats")):
            raise InputError("no 'messages' or 'chats' in this JSON (Telegram result.json expected)",
                             where=f"{where}:1")
        me = data.get("personal_information")
        self_id = self_name = None
        if isinstance(me, dict) and isinstance(me.get("user_id"), (int, str)) and str(me["user_id"]).isdigit():
            self_id = f"user{me['user_id']}"
            self_name = " ".join(str(me.get(k) or "") for k in ("first_name", "last_name")).strip() or None
        seen: set[str] = set()
        for number, chat in enumerate(chats, 1):
            if not isinstance(chat, dict):
                continue
            name, ident = _clean_id(chat.get("name") or ""), _clean_id(chat.get("id") or "")
            cid = name or (f"chat-{ident}" if ident else conversation_id(Path(path), f"-{number}"))
            if cid in seen:
                cid = f"{cid}-{ident or number}"
            seen.add(cid)
            yield _json_chat(chat, cid, self_id, self_name, options)


# ------------------------------------------------------------------------------------------- HTML

_HTML_HINT = re.compile(rb'class="message (?:default|service)\b')
_HTML_PAGE = re.compile(rb"<title>Exported Data</title>|class=\"page_wrap\"")
_DATE_TITLE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?"
                         r"(?: UTC([+-])(\d{1,2}):(\d{2}))?")
_PART = re.compile(r"^messages(\d*)\.html?$", re.I)
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "source", "area", "base", "col", "embed", "param", "track"}
_WRAPS = {"photo_wrap": "Photo", "video_file_wrap": "Video file", "animated_wrap": "Animation",
          "sticker_wrap": "Sticker"}
_SKIP = {"reply_to", "signature", "reactions", "userpic_wrap", "initials", "description", "video_duration",
         "video_play_bg", "details_entry"}


class _Reader(HTMLParser):
    """Collects the messages of one Telegram HTML page; tolerant of unclosed or stray tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # (tag, role, href, innermost role so far); the counters keep every lookup O(1), so
        # thousands of unclosed or nested tags cost linear time, not quadratic
        self.stack: list[tuple[str, str | None, str | None, str | None]] = []
        self._open_tags: Counter[str] = Counter()
        self._open_roles: Counter[str | None] = Counter()
        self.header: list[str] = []
        self.history = False
        self.messages: list[dict[str, Any]] = []
        self.cur: dict[str, Any] | None = None

    def _role(self) -> str | None:
        return self.stack[-1][3] if self.stack else None

    def _inside(self, role: str) -> bool:
        return self._open_roles[role] > 0

    def _push(self, tag: str, role: str | None, href: str | None) -> None:
        self.stack.append((tag, role, href, role if role is not None else self._role()))
        self._open_tags[tag] += 1
        self._open_roles[role] += 1

    def _pop(self) -> tuple[str, str | None, str | None]:
        tag, role, href, _ = self.stack.pop()
        self._open_tags[tag] -= 1
        self._open_roles[role] -= 1
        return tag, role, href

    def _clear(self) -> None:
        self.stack.clear()
        self._open_tags.clear()
        self._open_roles.clear()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        classes = set(attr.get("class", "").split())
        if tag == "br":  # the only real line break: raw newlines in the markup are indentation
            role = self._role()
            if self.cur is not None and role in ("text", "link", "from", "service_text", "title", "status"):
                self.cur["text" if role == "link" else role].append("\n")
            return
        role: str | None = None
        cur = self.cur
        if tag == "div" and "message" in classes and classes & {"default", "service"}:
            self._finish()
            self._clear()  # a new message closes whatever the previous one left open
            self.cur = cur = {"id": attr.get("id", ""), "service": "service" in classes, "joined": "joined" in classes,
                              "from": [], "date": None, "text": [], "service_text": [], "media": None,
                              "media_classes": set(), "title": [], "status": []}
            role = "message"
        elif "history" in classes:
            self.history = True
        elif "page_header" in classes:
            role = "page_header"
        elif self._inside("page_header") and "text" in classes and "bold" in classes:
            role = "header"
        elif cur is not None:
            forwarded = self._inside("forwarded")
            if "forwarded" in classes and "body" in classes:
                role = "forwarded"
            elif "date" in classes and "title" in attr and not forwarded and cur["date"] is None:
                cur["date"] = attr["title"]
                role = "skip"
            elif classes & _SKIP or ("date" in classes and "details" in classes):
                role = "skip"
            elif "from_name" in classes:
                role = "skip" if forwarded else "from"
            elif cur["service"] and "body" in classes and "details" in classes:
                role = "service_text"
            elif "media_wrap" in classes:
                role = "media"
            elif self._inside("media"):
                wrap = next((label for cls, label in _WRAPS.items() if cls in classes), None)
                if wrap:
                    cur["media"] = wrap
                media_classes = {c for c in classes if c.startswith("media_")}
                if media_classes:
                    cur["media_classes"] |= media_classes
                    cur["media"] = cur["media"] or "Media"
                if classes & {"title", "question"}:
                    role = "title"
                elif "status" in classes:
                    role = "status"
            elif tag == "div" and "text" in classes:
                role = "text"
            elif tag == "a" and self._role() == "text":
                role = "link"
        if tag not in _VOID:
            self._push(tag, role, attr.get("href") if role == "link" else None)
            if role == "link" and self.cur is not None:
                self.cur["link_start"] = len(self.cur["text"])  # a part index: no join per link

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self._open_tags[tag]:
            return
        while self.stack:
            popped, role, href = self._pop()
            if role == "link" and self.cur is not None:
                label = "".join(self.cur["text"][self.cur.get("link_start", 0):])
                self.cur["text"].append(_external(href, label))
            if role == "message":
                self._finish()
            if popped == tag:
                break

    def handle_data(self, data: str) -> None:
        role = self._role()
        if role == "header":
            self.header.append(data)
        elif self.cur is not None and role in ("from", "service_text", "title", "status"):
            self.cur[role].append(data.replace("\n", " "))
        elif self.cur is not None and role in ("text", "link"):
            self.cur["text"].append(data.replace("\n", ""))

    def _finish(self) -> None:
        if self.cur is not None:
            self.messages.append(self.cur)
            self.cur = None

    def close(self) -> None:
        super().close()
        self._finish()


def _html_stamp(title: str | None, options: ParseOptions) -> str | None:
    match = _DATE_TITLE.search(title or "")
    if not match:
        return None
    day, month, year, hour, minute, second, sign, oh, om = match.groups()
    tz = options.timezone
    try:
        if sign:
            offset = timedelta(hours=int(oh), minutes=int(om))
            tz = timezone(-offset if sign == "-" else offset)
        stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=tz)
        return stamp.isoformat()
    except ValueError:
        return None


def _html_media(m: dict[str, Any]) -> tuple[str, str]:
    """(kind, placeholder text) of a message's media block."""
    title = re.sub(r"\s+", " ", "".join(m["title"])).strip()
    status = re.sub(r"\s+", " ", "".join(m["status"])).strip()
    classes = m["media_classes"]
    if "media_call" in classes:
        word, _, rest = status.partition(" ")
        return "call", f"{word or 'Phone'} call{(' ' + rest) if rest else ''}"
    if "media_contact" in classes:
        return "media", "<Contact: " + ", ".join(x for x in (title, status) if x) + ">"
    if "media_file" in classes and title and title != "File":
        return "media", f"<File: {title}>"
    if "media_poll" in classes:
        return "media", f"<Poll: {title}>" if title else "<Poll>"
    label = m["media"] if m["media"] not in (None, "Media") else (title or "Media")
    return "media", f"<{label}>"


def _html_part(path: PurePath) -> int | None:
    match = _PART.match(path.name)
    if not match:
        return None
    return int(match.group(1) or 1)


@register
class TelegramHtmlParser(ChatParser):
    name = "telegram_html"
    extensions = (".html", ".htm", ".zip")

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        if is_zip(head):  # below the JSON export's 0.9: a zip holding both formats is read from result.json
            return 0.85 if any(_html_part(name) is not None for name in member_paths(path)) else 0.0
        if _HTML_HINT.search(head):
            return 0.95
        if _HTML_PAGE.search(head) and b'class="history"' in head:
            return 0.6
        return 0.0

    @staticmethod
    def _files(path: Path) -> list[Path]:
        part = _html_part(path)
        if part != 1:
            return [path]
        files, number = [path], 2
        while (path.parent / f"messages{number}.html").is_file():
            files.append(path.parent / f"messages{number}.html")
            number += 1
        return files

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any] | ErrorReport]:
        if is_zip_file(path):
            yield from self._parse_archive(path, options)
            return
        part = _html_part(path)
        if part is not None and part > 1 and (path.parent / "messages.html").is_file():
            log.info("%s is read as part of %s", path, path.parent / "messages.html")
            return
        pages = ((str(file), file.read_bytes) for file in self._files(path))
        yield self._parse_pages(path, str(path), pages, options)

    def _parse_archive(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any] | ErrorReport]:
        """One chat per export folder in the zip, its pages chained as they would be once extracted."""
        with Archive(path) as archive:
            folders: dict[PurePath, dict[str, ZipInfo]] = {}
            for name, info in archive.members():
                if _html_part(name) is not None:
                    folders.setdefault(name.parent, {}).setdefault(name.name, info)
            if not folders:
                raise InputError(f"{NO_EXPORT} (no Telegram messages.html)", where=str(path))
            for folder in sorted(folders, key=str):
                pages = folders[folder]
                for page in sorted(pages):
                    part = _html_part(PurePath(page))
                    if part is not None and part > 1 and "messages.html" in pages:
                        continue  # read with messages.html
                    chain, number = [pages[page]], 2
                    while part == 1 and f"messages{number}.html" in pages:
                        chain.append(pages[f"messages{number}.html"])
                        number += 1
                    first = chain[0]
                    try:
                        yield self._parse_pages(folder / page, archive.where(first),
                                                ((archive.where(i), lambda i=i: archive.read(i)) for i in chain),
                                                options)
                    except InputError as exc:  # one unreadable chat is one error record, the others go on
                        yield error_record(exc)

    def _parse_pages(self, path: PurePath, where: str, pages: Iterable[tuple[str, Callable[[], bytes]]],
                     options: ParseOptions) -> dict[str, Any]:
        """One chat from its pages, read one at a time: `path` names the first page (ids),
        `where` places errors, `pages` are (place, reader) pairs."""
        part = _html_part(path)
        header, raw, history = "", [], False
        for place, read in pages:
            text = read().decode("utf-8", errors="replace").lstrip("\ufeff")  # outside the try: its own errors
            reader = _Reader()
            try:
                reader.feed(text)
                reader.close()
            except (AssertionError, ValueError, RecursionError):  # older html.parser versions assert on odd markup
                raise InputError("unreadable HTML", where=f"{place}:{reader.getpos()[0]}") from None
            header = header or _clean_id("".join(reader.header))
            raw += reader.messages
            history = history or reader.history
        if not raw and not history:
            raise InputError("no Telegram messages found (messages.html expected)", where=f"{where}:1")
        messages: list[dict[str, Any]] = []
        participants: dict[str, dict[str, Any]] = {}
        previous: str | None = None
        for m in raw:
            stamp = _html_stamp(m["date"], options)
            if m["service"]:
                text = re.sub(r"[ \t]*\n[ \t]*", " ", "".join(m["service_text"])).strip()
                if text and not str(m["id"]).startswith("message-"):  # negative ids are day separators
                    messages.append({"sender": None, "text": text, "timestamp": stamp, "kind": "system"})
                continue
            name = re.sub(r"\s+via @\w+$", "", re.sub(r"\s+", " ", "".join(m["from"])).strip())
            sender = name or (previous if m["joined"] else None)
            previous = sender
            if sender is not None:
                participants.setdefault(sender, {"id": sender, "name": sender})
            text = "".join(m["text"]).strip()
            if m["media"] is not None:
                kind, placeholder = _html_media(m)
                _append_media(messages, sender, stamp, placeholder, text, kind)
            else:
                messages.append({"sender": sender, "text": text, "timestamp": stamp, "kind": "text"})
        inferred = None
        if header in participants and len(participants) == 2:  # a personal chat is named after the peer
            inferred = next(pid for pid in participants if pid != header)
        cid = header or (path.parent.name if part is not None and path.parent.name else conversation_id(Path(path)))
        return _conversation(_clean_id(cid) or conversation_id(Path(path)), participants,
                            _pick_user(options.user, participants, inferred), messages)
