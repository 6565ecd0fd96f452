"""WhatsApp export parser: golden files per locale, format detection, zip exports, garbage input."""

from __future__ import annotations

import contextlib
import json
import random
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sextortion_flags.analyzer import to_conversation
from sextortion_flags.errors import InputError
from sextortion_flags.parsers import registry
from sextortion_flags.parsers.base import ParseOptions
from sextortion_flags.parsers.whatsapp import WhatsAppParser

GOLDEN = Path(__file__).resolve().parent / "golden"
WA = GOLDEN / "whatsapp"
INPUTS = sorted(WA.glob("*.txt"))
OTHER_GOLDENS = sorted(p for p in GOLDEN.glob("*/*") if p.parent.name != "whatsapp"
                       and p.is_file() and not p.name.endswith(".expected.jsonl"))


def parse(path: Path, **options) -> list[dict]:
    return list(WhatsAppParser().parse(path, ParseOptions(**options)))


def expected(path: Path) -> list[dict]:
    text = path.with_name(path.stem + ".expected.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_at_least_seven_variants() -> None:
    assert len(INPUTS) >= 7


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    got = parse(path)
    assert got == expected(path)
    for conversation in got:
        to_conversation(conversation)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_detected_as_whatsapp(path: Path) -> None:
    assert registry.detect_format(path) == "whatsapp"


@pytest.mark.parametrize("path", OTHER_GOLDENS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_other_formats_not_taken(path: Path) -> None:
    with contextlib.suppress(InputError):
        assert registry.detect_format(path) != "whatsapp"


def test_zip_export(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat - Karim.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(WA / "ios_bracketed.txt", "_chat.txt")
        zf.writestr("00000012-PHOTO-2025-01-15-21-43-02.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
    assert registry.detect_format(archive) == "whatsapp"
    (got,) = parse(archive)
    want = expected(WA / "ios_bracketed.txt")[0]
    assert got == {**want, "id": "WhatsApp Chat - Karim"}


def test_zip_android_named_member(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(WA / "fr_android.txt", "Discussion WhatsApp avec Yanis B.txt")
        zf.writestr("notes.txt", "not the chat")
    (got,) = parse(archive)
    assert got["messages"] == expected(WA / "fr_android.txt")[0]["messages"]


def test_zip_without_chat_is_input_error(tmp_path: Path) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("IMG-1.jpg", b"\xff\xd8")
    with pytest.raises(InputError):
        parse(archive)


def test_timezone_attached() -> None:
    (got,) = parse(WA / "fr_android.txt", timezone=ZoneInfo("Europe/Paris"))
    assert got["messages"][1]["timestamp"] == "2025-01-15T21:40:00+01:00"


def test_user_option_matches_name() -> None:
    (got,) = parse(WA / "ios_bracketed.txt", user="nora el idrissi")
    assert got["user"] == "Nora El Idrissi"
    (got,) = parse(WA / "ios_bracketed.txt", user="someone else")
    assert "user" not in got


def test_user_inferred_from_you_deleted() -> None:
    assert parse(WA / "en_gb_group.txt")[0]["user"] == "Tom Okafor"
    assert "user" not in parse(WA / "en_us_android.txt")[0]


@pytest.mark.parametrize(("lines", "first"), [
    (["1/2/25, 9:00 PM - A: x", "1/3/25, 9:00 PM - B: y"], "2025-01-02T21:00:00"),   # AM/PM, ambiguous: month-first
    (["01/02/2025, 21:00 - A: x", "01/03/2025, 21:00 - B: y"], "2025-02-01T21:00:00"),  # 24h, ambiguous: day-first
    (["1/2/25, 9:00 PM - A: x", "13/2/25, 9:00 PM - B: y"], "2025-02-01T21:00:00"),   # a day > 12 decides
    (["2025-01-02 21:00 - A: x"], "2025-01-02T21:00:00"),                             # year first
    (["[02.01.25, 21:00:05] A: x"], "2025-01-02T21:00:05"),
])
def test_date_order_per_file(tmp_path: Path, lines: list[str], first: str) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert parse(path)[0]["messages"][0]["timestamp"] == first


def test_placeholders_and_system(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("\r\n".join([
        "15/01/2025, 21:00 - Alex changed the subject from \"a\" to \"b: c\"",
        "15/01/2025, 21:01 - Alex: send it as view once and delete it after",
        "15/01/2025, 21:02 - Alex: null",
        "15/01/2025, 21:03 - Alex: Message vocal à écoute unique",
        "15/01/2025, 21:04 - Alex: Voice call, 12 min",
        "15/01/2025, 99:99 - Alex: bad time",
        "",
    ]), encoding="utf-8")
    messages = parse(path)[0]["messages"]
    assert [m["kind"] for m in messages] == ["system", "text", "media", "media", "call", "text"]
    assert messages[0]["sender"] is None
    assert messages[-1]["timestamp"] is None


GARBAGE = [
    b"",
    b"\n\n   \n",
    b"\x00\x01\x02\xff\xfe garbage",
    b"PK\x03\x04 truncated zip",
    "just some words\nno headers here ✨\n".encode(),
    b"15/01/2025, 21:",
    b"\xff\xfe" + "15/01/2025, 21:00 - A: hi".encode("utf-16-le"),
    b"[1/1/25, 1:00:00 PM] A:",
]


@pytest.mark.parametrize("data", GARBAGE + [random.Random(seed).randbytes(n) for seed, n in enumerate((1, 50, 4000))])
def test_garbage_never_crashes(tmp_path: Path, data: bytes) -> None:
    for suffix in (".txt", ".zip"):
        path = tmp_path / f"bad{suffix}"
        path.write_bytes(data)
        WhatsAppParser.sniff(path, data[:65536])
        try:
            for conversation in parse(path):
                to_conversation(conversation)
        except InputError:
            pass


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_truncated_goldens(tmp_path: Path, path: Path) -> None:
    data = path.read_bytes()
    for cut in (1, 7, 20, len(data) // 2, len(data) - 3):
        bad = tmp_path / "cut.txt"
        bad.write_bytes(data[:cut])
        try:
            for conversation in parse(bad):
                to_conversation(conversation)
        except InputError:
            pass


def test_truncated_zip(tmp_path: Path) -> None:
    archive = tmp_path / "chat.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(WA / "en_gb_group.txt", "_chat.txt")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError):
        parse(archive)


def test_a_message_continued_over_a_million_lines_is_read_in_linear_time(tmp_path: Path) -> None:
    """Continuation lines were appended with `+=` to a dict value (quadratic: this file hung scan)."""
    import time

    path = tmp_path / "chat.txt"
    path.write_text("1/14/25, 8:00 PM - Sam: hello\n" + "x\n" * 1_000_000 + "1/14/25, 8:01 PM - Alex: ok\n",
                    encoding="utf-8")
    start = time.perf_counter()
    (got,) = parse(path)
    assert time.perf_counter() - start < 20
    first, second = got["messages"]
    assert first["text"] == "hello" + "\nx" * 1_000_000 and second["text"] == "ok"
