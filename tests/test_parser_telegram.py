"""Telegram Desktop parsers (result.json and messages*.html): goldens, detection, options, garbage input."""

from __future__ import annotations

import contextlib
import json
import random
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sextortion_flags.analyzer import to_conversation
from sextortion_flags.errors import InputError
from sextortion_flags.parsers import registry
from sextortion_flags.parsers.base import ParseOptions
from sextortion_flags.parsers.telegram import TelegramHtmlParser, TelegramJsonParser

GOLDEN = Path(__file__).resolve().parent / "golden"
TG = GOLDEN / "telegram"
INPUTS = sorted(p for p in TG.iterdir() if p.suffix in (".json", ".html"))
OTHER_GOLDENS = sorted(p for p in GOLDEN.glob("*/*") if p.parent.name != "telegram"
                       and p.is_file() and not p.name.endswith(".expected.jsonl"))
OURS = ("telegram", "telegram_html")


def parser_for(path: Path) -> TelegramJsonParser | TelegramHtmlParser:
    return TelegramJsonParser() if path.suffix == ".json" else TelegramHtmlParser()


def parse(path: Path, **options) -> list[dict]:
    return list(parser_for(path).parse(path, ParseOptions(**options)))


def expected(path: Path) -> list[dict]:
    text = path.with_name(path.stem + ".expected.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_golden_set_covers_both_formats() -> None:
    assert {p.suffix for p in INPUTS} == {".json", ".html"}
    assert len(INPUTS) >= 5


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_golden(path: Path) -> None:
    got = parse(path)
    assert got == expected(path)
    for conversation in got:
        to_conversation(conversation)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_detected(path: Path) -> None:
    assert registry.detect_format(path) == ("telegram" if path.suffix == ".json" else "telegram_html")


@pytest.mark.parametrize("path", OTHER_GOLDENS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_other_formats_not_taken(path: Path) -> None:
    with contextlib.suppress(InputError):
        assert registry.detect_format(path) not in OURS


def test_kinds_and_placeholders() -> None:
    (chat,) = parse(TG / "personal_chat.json")
    kinds = {m["text"]: m["kind"] for m in chat["messages"]}
    assert kinds["<Self-destructing photo>"] == "media"
    assert kinds["<Sticker 😂>"] == "media"
    assert kinds["Missed call"] == "call"
    assert kinds["Yanis B took a screenshot"] == "system"
    assert kinds["c'est moi"] == "text"  # a caption stays readable for the analyzer
    assert chat["user"] == "user5550002"  # the other side of a personal chat whose id is the peer


def test_unixtime_wins_and_date_gets_timezone() -> None:
    (chat,) = parse(TG / "personal_chat.json", timezone=ZoneInfo("Europe/Paris"))
    assert chat["messages"][0]["timestamp"] == "2025-01-15T20:40:00+00:00"
    _, group = parse(TG / "full_account.json", timezone=ZoneInfo("Europe/Paris"))
    assert group["messages"][0]["timestamp"] == "2025-01-20T18:00:00+01:00"


def test_html_offsets_kept_and_naive_titles_get_timezone() -> None:
    (chat,) = parse(TG / "messages.html", timezone=ZoneInfo("America/New_York"))
    assert chat["messages"][0]["timestamp"] == "2025-01-15T21:41:07+01:00"
    (group,) = parse(TG / "old_group.html", timezone=ZoneInfo("Europe/Paris"))
    assert group["messages"][1]["timestamp"] == "2024-03-03T18:02:15+01:00"


def test_user_option() -> None:
    (group,) = parse(TG / "old_group.html", user="inès")
    assert group["user"] == "Inès"
    (chat,) = parse(TG / "personal_chat.json", user="Léa Martin")
    assert chat["user"] == "user5550001"
    (chat,) = parse(TG / "personal_chat.json", user="nobody")
    assert "user" not in chat


def test_continuation_file_alone_is_parsed(tmp_path: Path) -> None:
    shutil.copy(TG / "messages2.html", tmp_path / "messages2.html")
    (chat,) = parse(tmp_path / "messages2.html")
    assert chat["id"] == "Karim"
    assert [m["kind"] for m in chat["messages"]] == ["call", "media", "text"]
    assert chat["messages"][1]["sender"] == "Karim"  # joined: inherits the previous sender


def test_service_text_and_chat_without_name(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"type": "saved_messages", "id": 7, "messages": [
        {"id": 1, "type": "service", "date": "2025-01-01T10:00:00", "actor": "A", "actor_id": "user1",
         "action": "invite_members", "members": ["B", None]},
        {"id": 2, "type": "message", "date": "2025-01-01T10:01:00", "from": "A", "from_id": "user1",
         "photo": "photos/p.jpg", "self_destruct_period_seconds": 2147483647, "text": ""},
        {"id": 3, "type": "message", "date_unixtime": "99999999999999999999", "text": 5},
    ]}), encoding="utf-8")
    (chat,) = parse(path)
    assert chat["id"] == "7"
    assert chat["messages"][0] == {"sender": None, "text": "A invited B", "timestamp": "2025-01-01T10:00:00",
                                   "kind": "system"}
    assert chat["messages"][1]["text"] == "<Self-destructing photo>"
    assert chat["messages"][2] == {"sender": None, "text": "", "timestamp": None, "kind": "text"}


GARBAGE = [
    b"",
    b"\n\n  \n",
    b"\x00\x01\x02\xff\xfe garbage",
    b"{",
    b"[1, 2, 3]",
    b'{"name": "x"}',
    b'{"messages": 5}',
    b'{"chats": {"list": [1, "a", {"messages": [null, 3, {"type": "service"}]}]}}',
    b'{"messages": [{"from": ["x"], "from_id": {"a": 1}, "text": [1, {"text": 2}], "date": 3, "photo": null}]}',
    b"[" * 100000,
    "<div class=\"message default\"><div class=\"text\">unclosed <a href='https://x.y'>é".encode(),
    b"<html><body><div class=\"history\"></div></body></html>",
    b"<!DOCTYPE html><html><p>just a page</p></html>",
    b"<div class=\"message default clearfix joined\"><div class=\"date\" title=\"99.99.2025 99:99:99 UTC+99:99\">",
    b"<![if x]><!-- <div class=\"message service\"> </p></div></span>",
]


@pytest.mark.parametrize("data", GARBAGE + [random.Random(seed).randbytes(n) for seed, n in enumerate((1, 50, 4000))])
def test_garbage_never_crashes(tmp_path: Path, data: bytes) -> None:
    for suffix in (".json", ".html"):
        path = tmp_path / f"bad{suffix}"
        path.write_bytes(data)
        for parser in (TelegramJsonParser, TelegramHtmlParser):
            assert 0.0 <= parser.sniff(path, data[:65536]) <= 1.0
            try:
                for conversation in parser().parse(path, ParseOptions()):
                    to_conversation(conversation)
            except InputError:
                pass


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_truncated_goldens(tmp_path: Path, path: Path) -> None:
    data = path.read_bytes()
    for cut in (1, 7, 20, len(data) // 3, len(data) // 2, len(data) - 3):
        bad = tmp_path / f"cut{path.suffix}"
        bad.write_bytes(data[:cut])
        try:
            for conversation in parser_for(path).parse(bad, ParseOptions()):
                to_conversation(conversation)
        except InputError:
            pass


def test_unreadable_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text('{\n "name": "x",\n "messages": [\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse(path)
    assert info.value.where is not None and info.value.where.startswith(f"{path}:")


def test_deeply_nested_json_says_so(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text('{"name": "x", "messages": [' + "[" * 100_000 + "]" * 100_000 + "]}", encoding="utf-8")
    with pytest.raises(InputError, match="nested too deeply"):
        parse(path)


@pytest.mark.parametrize("section", ["chats", "left_chats"])
def test_an_account_export_whose_chat_list_is_not_a_list_is_an_error_not_silence(tmp_path: Path, section: str) -> None:
    path = tmp_path / "result.json"
    chat = {"name": "x", "messages": [{"type": "message", "from": "a", "text": "hello"}]}
    path.write_text(json.dumps({section: {"list": {"0": chat}}}), encoding="utf-8")
    with pytest.raises(InputError, match=f"'{section}.list' is not a list") as info:
        parse(path)
    assert info.value.where == f"{path}:1"


@pytest.mark.parametrize("markup", [
    "<b>" * 60_000 + "hello",                                         # unclosed tags inside the text
    "<div>" * 60_000 + "hello" + "</div>" * 60_000,                   # deep nesting
    '<a href="https://t.me/x">on telegram</a> ' * 60_000,             # many links in one message
], ids=["unclosed", "nested", "links"])
def test_hostile_html_markup_is_read_in_linear_time(tmp_path: Path, markup: str) -> None:
    """Every tag used to scan the whole open-tag stack (and every link re-joined the text so far):
    60,000 tags took minutes. Now a few seconds at most, and the text still comes out."""
    import time

    path = tmp_path / "messages.html"
    path.write_text('<!DOCTYPE html><html><body><div class="history"><div class="message default clearfix" '
                    'id="message1"><div class="body"><div class="from_name">Sam</div><div class="text">'
                    f"{markup}</div></div></div></div></body></html>", encoding="utf-8")
    start = time.perf_counter()
    [conversation] = parse(path)
    assert time.perf_counter() - start < 15
    [message] = conversation["messages"]
    assert message["sender"] == "Sam"
    assert "hello" in message["text"] or message["text"].count("on telegram") == 60_000
