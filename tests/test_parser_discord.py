"""DiscordChatExporter JSON and CSV parsers: goldens, detection, dates, garbage."""

from __future__ import annotations

import contextlib
import json
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sextortion_flags.analyzer import to_conversation
from sextortion_flags.errors import InputError
from sextortion_flags.parsers import registry
from sextortion_flags.parsers.base import ParseOptions
from sextortion_flags.parsers.discord import DiscordCsvParser, DiscordJsonParser

GOLDEN = Path(__file__).resolve().parent / "golden"
HERE = GOLDEN / "discord"
INPUTS = sorted(HERE.glob("*.json")) + sorted(HERE.glob("*.csv"))
OTHER_GOLDENS = sorted(p for p in GOLDEN.rglob("*") if p.is_file() and HERE not in p.parents
                       and not p.name.endswith(".expected.jsonl"))
PARSERS = {".json": DiscordJsonParser, ".csv": DiscordCsvParser}


def parse(path: Path, **options) -> list[dict]:
    return list(PARSERS[path.suffix]().parse(path, ParseOptions(**options)))


def expected(path: Path) -> list[dict]:
    text = path.with_name(path.stem + ".expected.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_golden(path: Path) -> None:
    got = parse(path)
    assert got == expected(path)
    for conversation in got:
        to_conversation(conversation)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_detected(path: Path) -> None:
    assert registry.detect_format(path) == PARSERS[path.suffix].name


@pytest.mark.parametrize("path", OTHER_GOLDENS, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_other_formats_not_taken(path: Path) -> None:
    with contextlib.suppress(InputError):
        assert registry.detect_format(path) not in ("discord", "discord_csv")


def test_json_dm_user_and_kinds() -> None:
    (got,) = parse(HERE / "dm_ghost.json")
    assert got["user"] == "800000000000000002"
    assert [m["kind"] for m in got["messages"]] == ["text", "text", "media", "text", "media", "call", "system"]
    assert got["messages"][0]["timestamp"].endswith("+01:00")


def test_csv_timezone_and_user() -> None:
    (got,) = parse(HERE / "channel_en_us.csv", timezone=ZoneInfo("Europe/Paris"), user="Maya.R")
    assert got["messages"][0]["timestamp"] == "2025-01-15T21:40:00+01:00"
    assert got["user"] == "800000000000000002"


@pytest.mark.parametrize(("date", "want"), [
    ("15/01/2025 21:41", "2025-01-15T21:41:00"),
    ("2025-01-15T21:41:07.1234567+01:00", "2025-01-15T21:41:07.123456+01:00"),
    ("15-Jan-25 09:41 PM", "2025-01-15T21:41:00"),
    ("not a date", None),
])
def test_csv_dates(tmp_path: Path, date: str, want: str | None) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f'AuthorID,Author,Date,Content,Attachments,Reactions\n"1","a","{date}","hi","",""\n', encoding="utf-8")
    assert parse(path)[0]["messages"][0]["timestamp"] == want


GARBAGE = [b"", b"{}", b"[]", b'{"messages": [1, {"author": 5, "type": null}, {"timestamp": 3, "attachments": [7]}]}',
           b'{"guild": {}, "channel": [], "messages": [{"author": {"id": null}, "content": ["x"]}]}',
           b"AuthorID,Author,Date,Content\n\"1\",\"x\n", b"AuthorID,Author,Date,Content,Attachments,Reactions\n1,2\n\x00,,,,\n",
           b'{"channel": {"name": 1, "id": 2, "type": "DirectTextChat"}, "messages": [{"attachments": 3, "stickers": 4}]}',
           b"\x00\xff garbage", b"[" * 100000, b'"unterminated, "quote\n' * 50]


@pytest.mark.parametrize("data", GARBAGE + [random.Random(s).randbytes(n) for s, n in enumerate((1, 64, 5000))])
def test_garbage_never_crashes(tmp_path: Path, data: bytes) -> None:
    for suffix in (".json", ".csv"):
        path = tmp_path / f"bad{suffix}"
        path.write_bytes(data)
        PARSERS[suffix].sniff(path, data[:65536])
        try:
            for conversation in parse(path):
                to_conversation(conversation)
        except InputError:
            pass


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_truncated_goldens(tmp_path: Path, path: Path) -> None:
    data = path.read_bytes()
    for cut in (1, 9, len(data) // 2, len(data) - 3):
        bad = tmp_path / f"cut{path.suffix}"
        bad.write_bytes(data[:cut])
        try:
            for conversation in parse(bad):
                to_conversation(conversation)
        except InputError:
            pass
