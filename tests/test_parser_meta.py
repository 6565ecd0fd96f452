"""Instagram / Messenger 'Download your information' JSON parser: goldens, detection, merging, garbage."""

from __future__ import annotations

import contextlib
import json
import random
from pathlib import Path

import pytest

from sextortion_flags.analyzer import to_conversation
from sextortion_flags.errors import InputError
from sextortion_flags.parsers import registry
from sextortion_flags.parsers.base import ParseOptions
from sextortion_flags.parsers.meta import MetaJsonParser, fix_text

GOLDEN = Path(__file__).resolve().parent / "golden"
HERE = GOLDEN / "meta"
INPUTS = sorted(p for p in HERE.rglob("*.json"))
OTHER_GOLDENS = sorted(p for p in GOLDEN.rglob("*") if p.is_file() and HERE not in p.parents
                       and not p.name.endswith(".expected.jsonl"))


def parse(path: Path, **options) -> list[dict]:
    return list(MetaJsonParser().parse(path, ParseOptions(**options)))


def expected(path: Path) -> list[dict]:
    text = path.with_name(path.stem + ".expected.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(HERE)))
def test_golden(path: Path) -> None:
    got = parse(path)
    assert got == expected(path)
    for conversation in got:
        to_conversation(conversation)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(HERE)))
def test_detected(path: Path) -> None:
    assert registry.detect_format(path) == "meta"


@pytest.mark.parametrize("path", OTHER_GOLDENS, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_other_formats_not_taken(path: Path) -> None:
    with contextlib.suppress(InputError):
        assert registry.detect_format(path) != "meta"


def test_merged_newest_first_reversed() -> None:
    (got,) = parse(HERE / "linab_thread" / "message_1.json")
    stamps = [m["timestamp"] for m in got["messages"]]
    assert stamps == sorted(stamps) and len(stamps) == 7
    assert got["platform"] == "instagram" and got["user"] == "Yassine Amrani"
    assert got["messages"][0]["text"] == "coucou, on se connaît ? 😊"   # from message_2.json, mojibake repaired


def test_part_alone_is_parsed(tmp_path: Path) -> None:
    part = tmp_path / "message_3.json"
    part.write_bytes((HERE / "linab_thread" / "message_2.json").read_bytes())
    (got,) = parse(part)
    assert [m["sender"] for m in got["messages"]] == ["Lina Bérard", "Yassine Amrani"]


def test_broken_sibling_skipped(tmp_path: Path) -> None:
    (tmp_path / "message_1.json").write_bytes((HERE / "linab_thread" / "message_1.json").read_bytes())
    (tmp_path / "message_2.json").write_bytes(b'{"messages": [')
    (got,) = parse(tmp_path / "message_1.json")
    assert len(got["messages"]) == 5
    with pytest.raises(InputError):
        parse(tmp_path / "message_2.json")


def test_messenger_platform_and_group() -> None:
    (got,) = parse(HERE / "messenger_group.json")
    assert got["platform"] == "messenger" and "user" not in got
    assert [m["kind"] for m in got["messages"]] == ["text", "system", "text", "media", "media", "call"]


def test_platform_from_folder(tmp_path: Path) -> None:
    folder = tmp_path / "your_instagram_activity" / "messages" / "inbox" / "x_1"
    folder.mkdir(parents=True)
    (folder / "message_1.json").write_bytes((HERE / "messenger_group.json").read_bytes())
    assert parse(folder / "message_1.json")[0]["platform"] == "instagram"


def test_user_option() -> None:
    (got,) = parse(HERE / "messenger_group.json", user="tom okafor")
    assert got["user"] == "Tom Okafor"
    (got,) = parse(HERE / "linab_thread" / "message_1.json", user="nobody")
    assert "user" not in got


def test_fix_text() -> None:
    assert fix_text("caf\u00c3\u00a9 \u00f0\u009f\u0098\u008a") == "café 😊"
    assert fix_text("déjà ok €") == "déjà ok €"   # already clean or not latin-1: unchanged


GARBAGE = [b"", b"{}", b"[]", b"null", b'{"messages": "x"}', b'{"messages": [1, null, "a", {"timestamp_ms": "x"}]}',
           b'{"participants": [{"name": 5}], "messages": [{"sender_name": null, "timestamp_ms": 1e300}]}',
           b"\x00\xff\xfe garbage", b'{"participants": 3, "title": 4, "thread_path": 5, "messages": [{"share": 1, "photos": 2}]}', b"[" * 100000, '{"messages": [{"content": "\udcff"}]}'.encode("utf-8", "surrogatepass")]


@pytest.mark.parametrize("data", GARBAGE + [random.Random(s).randbytes(n) for s, n in enumerate((1, 64, 5000))])
def test_garbage_never_crashes(tmp_path: Path, data: bytes) -> None:
    for name in ("message_1.json", "x.json"):
        path = tmp_path / name
        path.write_bytes(data)
        MetaJsonParser.sniff(path, data[:65536])
        try:
            for conversation in parse(path):
                to_conversation(conversation)
        except InputError:
            pass


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(HERE)))
def test_truncated_goldens(tmp_path: Path, path: Path) -> None:
    data = path.read_bytes()
    for cut in (1, 9, len(data) // 2, len(data) - 3):
        bad = tmp_path / "cut.json"
        bad.write_bytes(data[:cut])
        with pytest.raises(InputError):
            parse(bad)
