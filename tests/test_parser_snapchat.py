"""Snapchat chat_history.json parser: both shapes, detection, user, garbage."""

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
from sextortion_flags.parsers.snapchat import SnapchatParser

GOLDEN = Path(__file__).resolve().parent / "golden"
HERE = GOLDEN / "snapchat"
INPUTS = sorted(HERE.glob("*.json"))
OTHER_GOLDENS = sorted(p for p in GOLDEN.rglob("*") if p.is_file() and HERE not in p.parents
                       and not p.name.endswith(".expected.jsonl"))


def parse(path: Path, **options) -> list[dict]:
    return list(SnapchatParser().parse(path, ParseOptions(**options)))


def expected(path: Path) -> list[dict]:
    text = path.with_name(path.stem + ".expected.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    got = parse(path)
    assert got == expected(path)
    for conversation in got:
        to_conversation(conversation)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_detected(path: Path) -> None:
    assert registry.detect_format(path) == "snapchat"


@pytest.mark.parametrize("path", OTHER_GOLDENS, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_other_formats_not_taken(path: Path) -> None:
    with contextlib.suppress(InputError):
        assert registry.detect_format(path) != "snapchat"


def test_one_conversation_per_friend_oldest_first() -> None:
    got = parse(HERE / "chat_history.json")
    assert [c["id"] for c in got] == ["jade.m2025", "amine_k"]
    assert all(c["user"] == "noah_dupont" for c in got)
    kinds = [m["kind"] for m in got[0]["messages"]]
    assert kinds == ["call", "text", "text", "media", "deleted", "text"]


def test_old_shape_user_option() -> None:
    (got,) = parse(HERE / "chat_history_2021.json", user="noah_dupont")
    assert got["user"] == "noah_dupont"
    assert [m["sender"] for m in got["messages"]] == ["lea.rossi", "noah_dupont", "lea.rossi"]


def test_user_option_not_matching_new_shape() -> None:
    assert all("user" not in c for c in parse(HERE / "chat_history.json", user="someone"))


GARBAGE = [b"", b"{}", b"[]", b"42", b'{"x": [1, 2, {"Media Type": 5, "Created": null}]}',
           b'{"Sent Saved Chat History": [{"Media Type": "TEXT"}], "Received Chat History": "no"}',
           b'{"f": [{"From": ["x"], "Media Type": "TEXT", "Created": "2025-13-45 99:00:00 UTC", "IsSender": true}]}',
           b"\x00\xff garbage", b"{" * 100000]


@pytest.mark.parametrize("data", GARBAGE + [random.Random(s).randbytes(n) for s, n in enumerate((1, 64, 5000))])
def test_garbage_never_crashes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "chat_history.json"
    path.write_bytes(data)
    SnapchatParser.sniff(path, data[:65536])
    try:
        for conversation in parse(path):
            to_conversation(conversation)
    except InputError:
        pass


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_truncated_goldens(tmp_path: Path, path: Path) -> None:
    data = path.read_bytes()
    for cut in (1, 9, len(data) // 2, len(data) - 3):
        bad = tmp_path / "cut.json"
        bad.write_bytes(data[:cut])
        with pytest.raises(InputError):
            parse(bad)
