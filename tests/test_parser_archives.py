"""Meta and Telegram exports inside a .zip: the same conversations as the extracted files, and
hostile archives (bombs, huge or lying sizes, traversal and non-UTF-8 names, nesting) end in clear errors."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sextortion_flags import Analyzer, cli
from sextortion_flags.errors import InputError
from sextortion_flags.models import ErrorReport
from sextortion_flags.parsers import archive as archive_module
from sextortion_flags.parsers import registry
from sextortion_flags.parsers.base import ParseOptions

from .conftest import assert_contract

GOLDEN = Path(__file__).resolve().parent / "golden"
META, TELEGRAM = GOLDEN / "meta", GOLDEN / "telegram"
CANARY = "QZX-canary-7731"
IG = "your_instagram_activity/messages/inbox"
FB = "your_facebook_activity/messages"


def golden(path: Path) -> bytes:
    return path.read_bytes()


def meta_thread(folder: str, source: str) -> dict[str, bytes]:
    return {f"{folder}/{name}": golden(META / source / name) for name in ("message_1.json", "message_2.json")}


# name -> (members, format detected, chat files to parse once extracted)
LAYOUTS: dict[str, tuple[dict[str, bytes], str]] = {
    "instagram": ({
        **meta_thread(f"{IG}/linab_17845123456789012", "linab_thread"),
        **meta_thread(f"{IG}/sami_17845000000000001", "sami_thread"),
        f"{IG}/linab_17845123456789012/photos/3141.jpg": b"\xff\xd8\xff\xe0 not really a photo",
        "personal_information/personal_information/personal_information.json": b'{"profile_user": []}',
        "your_instagram_activity/likes/liked_posts.json": b'{"likes_media_likes": []}',
        "start_here.html": b"<html>index</html>",
    }, "meta"),
    "instagram_old": ({
        **meta_thread("messages/inbox/linab_17845123456789012", "linab_thread"),
        "messages/inbox/linab_17845123456789012/audio/1.mp4": b"\x00\x00\x00\x18ftypmp42",
    }, "meta"),
    "messenger": ({
        f"{FB}/inbox/group_4242/message_1.json": golden(META / "messenger_group.json"),
        **meta_thread(f"{FB}/e2ee_cutover/sami_1234", "sami_thread"),
        **meta_thread(f"{FB}/archived_threads/linab_99", "linab_thread"),
        f"{FB}/message_requests/lone_7/message_3.json": golden(META / "sami_thread" / "message_2.json"),
        f"{FB}/filtered_threads/filtered_8/message_1.json": golden(META / "messenger_group.json"),
        f"{FB}/autofill_information.json": b'{"autofill_information_v2": {}}',
    }, "meta"),
    "telegram_chat": ({
        "ChatExport_2025-01-15/result.json": golden(TELEGRAM / "personal_chat.json"),
        "ChatExport_2025-01-15/photos/photo_1@15-01-2025_21-42-00.jpg": b"\xff\xd8\xff not a photo",
    }, "telegram"),
    "telegram_account": ({
        "DataExport_2025-01-15/result.json": golden(TELEGRAM / "full_account.json"),
        "DataExport_2025-01-15/export_results.html": b"<html>results</html>",
    }, "telegram"),
    "telegram_two_chats": ({
        "ChatExport_2025-01-15/result.json": golden(TELEGRAM / "personal_chat.json"),
        "ChatExport_2025-02-01/result.json": golden(TELEGRAM / "private_group.json"),
    }, "telegram"),
    "telegram_html": ({
        "ChatExport_2025-01-15/messages.html": golden(TELEGRAM / "messages.html"),
        "ChatExport_2025-01-15/messages2.html": golden(TELEGRAM / "messages2.html"),
        "ChatExport_2025-01-15/css/style.css": b"body {}",
        "ChatExport_2025-01-15/js/script.js": b"function x() {}",
        "ChatExport_2025-01-15/images/back.png": b"\x89PNG\r\n\x1a\n",
    }, "telegram_html"),
    "telegram_html_account": ({
        "DataExport_2025-01-15/chats/chat_001/messages.html": golden(TELEGRAM / "messages.html"),
        "DataExport_2025-01-15/chats/chat_001/messages2.html": golden(TELEGRAM / "messages2.html"),
        "DataExport_2025-01-15/chats/chat_002/messages.html": golden(TELEGRAM / "old_group.html"),
        "DataExport_2025-01-15/lists/chats.html": b"<html>list</html>",
    }, "telegram_html"),
}
CHAT_FILE = {"meta": "message_", "telegram": "result.json", "telegram_html": "messages"}


def make_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def parse(path: Path, fmt: str = "auto", **options) -> list[dict | ErrorReport]:
    items = list(registry.parse_file(path, fmt, ParseOptions(**options)))
    for item in items:
        if isinstance(item, dict):
            item.pop("_source", None)
    return items


def extracted(root: Path, members: dict[str, bytes], fmt: str, **options) -> list[dict | ErrorReport]:
    """What the parsers make of the same files written to disk, chat files in the order `scan dir/` reads."""
    for name, data in members.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    files = [p for p in cli._input_files([str(root)]) if p.name.startswith(CHAT_FILE[fmt])]
    return [item for p in files for item in parse(p, fmt, **options)]


def errors(items: list) -> list[str]:
    return [item.error.message for item in items if isinstance(item, ErrorReport)]


# ---------------------------------------------------------------- same as the extracted files


@pytest.mark.parametrize("layout", LAYOUTS)
def test_zip_gives_the_conversations_of_the_extracted_files(layout: str, tmp_path: Path) -> None:
    members, fmt = LAYOUTS[layout]
    path = make_zip(tmp_path / "export.zip", members)
    assert registry.detect_format(path) == fmt
    got = parse(path)
    want = extracted(tmp_path / "x", members, fmt)
    assert got == want
    assert got and not errors(got)


@pytest.mark.parametrize(("layout", "user", "expected"), [
    ("instagram", "lina bérard", "Lina Bérard"),
    ("telegram_chat", None, None),
    ("telegram_html", "Karim", "Karim"),
])
def test_user_option_applies_inside_archives(layout: str, user: str | None, expected: str | None,
                                             tmp_path: Path) -> None:
    members, fmt = LAYOUTS[layout]
    path = make_zip(tmp_path / "export.zip", members)
    got = parse(path, user=user)
    assert got == extracted(tmp_path / "x", members, fmt, user=user)
    if expected is not None:
        assert got[0]["user"] == expected


def test_threads_split_over_several_files_are_merged(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "export.zip", LAYOUTS["instagram"][0])
    linab = next(c for c in parse(path) if c["id"].startswith("linab"))
    (alone,) = parse(META / "linab_thread" / "message_1.json")
    alone.pop("_source", None)
    assert linab["messages"] == alone["messages"] and len(linab["messages"]) == 7
    assert linab["platform"] == "instagram"


@pytest.mark.parametrize(("name", "platform"), [("instagram-lina-2025-01-15.zip", "instagram"),
                                                 ("facebook-lina-2025-01-15.zip", "messenger")])
def test_the_archive_name_hints_the_app(name: str, platform: str, tmp_path: Path) -> None:
    path = make_zip(tmp_path / name, {"messages/inbox/group_1/message_1.json": golden(META / "messenger_group.json")})
    (got,) = parse(path)
    assert got["platform"] == platform


def test_order_of_members_in_the_archive_does_not_matter(tmp_path: Path) -> None:
    members = LAYOUTS["telegram_html"][0]
    forward = parse(make_zip(tmp_path / "a.zip", members))
    backward = parse(make_zip(tmp_path / "b.zip", dict(reversed(members.items()))))
    assert forward == backward


# ---------------------------------------------------------------- detection and --format


@pytest.mark.parametrize(("members", "fmt"), [
    ({"_chat.txt": golden(GOLDEN / "whatsapp" / "en_us_ios.txt"), "IMG-0001.jpg": b"\xff\xd8"}, "whatsapp"),
    ({"_chat.txt": golden(GOLDEN / "whatsapp" / "en_us_ios.txt"),
      "result.json": golden(TELEGRAM / "personal_chat.json")}, "whatsapp"),
    ({"a/result.json": golden(TELEGRAM / "personal_chat.json"), "b/messages.html": golden(TELEGRAM / "old_group.html")},
     "telegram"),
    ({"inbox/x_1/message_1.json": golden(META / "messenger_group.json")}, "meta"),
    ({"chats/chat_1/messages3.html": golden(TELEGRAM / "old_group.html")}, "telegram_html"),
])
def test_detected_by_what_the_archive_holds(members: dict[str, bytes], fmt: str, tmp_path: Path) -> None:
    assert registry.detect_format(make_zip(tmp_path / "export.zip", members)) == fmt


def test_format_option_picks_the_reader(tmp_path: Path) -> None:
    members = {"a/result.json": golden(TELEGRAM / "personal_chat.json"),
               "b/messages.html": golden(TELEGRAM / "old_group.html")}
    path = make_zip(tmp_path / "both.zip", members)
    assert parse(path, "telegram_html") == extracted(tmp_path / "x", members, "telegram_html")
    assert parse(path, "telegram") == extracted(tmp_path / "y", members, "telegram")
    (wrong,) = parse(path, "meta")
    assert isinstance(wrong, ErrorReport) and "zip archive holds no chat export" in wrong.error.message


# ---------------------------------------------------------------- one bad thread, the others go on


@pytest.mark.parametrize(("layout", "bad_member", "bad_data"), [
    ("instagram", f"{IG}/broken_1/message_1.json", b'{"participants": [], "messages": ['),
    ("instagram", f"{IG}/latin_2/message_1.json", b'{"messages": [{"content": "caf\xe9"}]}'),
    ("instagram", f"{IG}/big_3/message_1.json", b'{"messages": [{"timestamp_ms": ' + b"9" * 5000 + b"}]}"),  # int()
    ("telegram_two_chats", "ChatExport_2025-03-01/result.json", b"[1, 2, 3]"),
    ("telegram_html_account", "DataExport_2025-01-15/chats/chat_003/messages.html", b"<html><body></body></html>"),
])
def test_one_bad_thread_is_one_error_record(layout: str, bad_member: str, bad_data: bytes, tmp_path: Path) -> None:
    members, fmt = LAYOUTS[layout]
    path = make_zip(tmp_path / "export.zip", {**members, bad_member: bad_data})
    got = parse(path)
    good = [c for c in got if isinstance(c, dict)]
    assert good == [c for c in extracted(tmp_path / "x", members, fmt)]
    (message,) = errors(got)
    assert message.startswith(f"{path}:{bad_member}:")


def test_a_broken_sibling_keeps_its_thread_and_is_reported(tmp_path: Path) -> None:
    members = {f"{IG}/lina_1/message_1.json": golden(META / "linab_thread" / "message_1.json"),
               f"{IG}/lina_1/message_2.json": b'{"messages": [' + CANARY.encode()}
    got = parse(make_zip(tmp_path / "export.zip", members))
    assert got[0]["id"] == "linab_17845123456789012" and len(got[0]["messages"]) == 5
    assert errors(got) == [f"{tmp_path / 'export.zip'}:{IG}/lina_1/message_2.json:1: not valid JSON"]
    plain = errors(extracted(tmp_path / "x", members, "meta"))
    assert errors(got) == [e.replace(f"{tmp_path / 'x'}/", f"{tmp_path / 'export.zip'}:") for e in plain]


# ---------------------------------------------------------------- hostile archives


def only_error(path: Path, fmt: str = "auto") -> str:
    (item,) = parse(path, fmt)
    assert isinstance(item, ErrorReport) and item.error.type == "InputError"
    assert CANARY not in item.error.message
    return item.error.message


def patched(data: bytes, header: bytes, offset: int, fmt: str, value: int) -> bytes:
    """`data` with one field of every `header` record (local b"PK\\3\\4" or central b"PK\\1\\2") replaced."""
    out, start = bytearray(data), 0
    while (at := out.find(header, start)) >= 0:
        struct.pack_into(fmt, out, at + offset, value)
        start = at + 4
    return bytes(out)


def thread(text: str = f"hello {CANARY}") -> bytes:
    return json.dumps({"participants": [{"name": "A"}, {"name": "B"}], "title": "A",
                       "messages": [{"sender_name": "A", "timestamp_ms": 1736977267000, "content": text}]}).encode()


def test_empty_zip(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "empty.zip", {})
    with pytest.raises(InputError, match="zip archive holds no chat export") as caught:
        registry.detect_format(path)
    assert caught.value.where == str(path)
    assert only_error(path) == f"{path}: zip archive holds no chat export"


@pytest.mark.parametrize("members", [
    {"a.bin": os.urandom(3000), "b/c.dat": bytes(range(256)) * 10, "d.json": b"\x00\x01\x02"},
    {"photos/1.jpg": b"\xff\xd8\xff" + os.urandom(500), "notes.txt": b"shopping list: bread, milk"},
])
def test_zip_of_unrelated_or_binary_files(members: dict[str, bytes], tmp_path: Path) -> None:
    path = make_zip(tmp_path / "junk.zip", members)
    assert only_error(path) == f"{path}: zip archive holds no chat export"


@pytest.mark.parametrize(("name", "data"), [
    (f"{IG}/x_1/message_1.json", os.urandom(2000) + CANARY.encode()),
    ("ChatExport_1/result.json", b"\xff\xfe" + os.urandom(500)),
])
def test_binary_junk_under_a_chat_file_name(name: str, data: bytes, tmp_path: Path) -> None:
    path = make_zip(tmp_path / "junk.zip", {name: data})
    assert only_error(path).startswith(f"{path}:{name}:")


def test_not_really_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.zip"
    path.write_bytes(b"PK\x03\x04" + os.urandom(4000))
    assert only_error(path) == f"{path}: unreadable zip archive"


def test_nested_zip_is_not_opened(tmp_path: Path) -> None:
    inner = make_zip(tmp_path / "inner.zip", {f"{IG}/x_1/message_1.json": thread()}).read_bytes()
    path = make_zip(tmp_path / "outer.zip", {"inner.zip": inner})
    assert only_error(path) == f"{path}: zip archive holds no chat export (archives inside it are not opened)"


@pytest.mark.parametrize(("name", "fmt"), [(f"{IG}/x_1/message_1.json", "meta"),
                                           ("ChatExport_1/result.json", "telegram"),
                                           ("ChatExport_1/messages.html", "telegram_html")])
def test_a_member_claiming_two_gigabytes(name: str, fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "huge.zip"
    data = make_zip(tmp_path / "small.zip", {name: thread()}).read_bytes()
    path.write_bytes(patched(data, b"PK\x01\x02", 24, "<I", 2 * 1024**3))
    assert registry.detect_format(path) == fmt
    assert only_error(path) == f"{path}:{name}: zip member larger than {archive_module.MAX_MEMBER_BYTES} bytes"


@pytest.mark.parametrize(("offset", "fmt", "value"), [
    (24, "<I", 40),  # a member lying about its size
    (8, "<H", 1),    # an encrypted member
], ids=["lying-size", "encrypted"])
def test_an_unreadable_member(offset: int, fmt: str, value: int, tmp_path: Path) -> None:
    name = f"{IG}/x_1/message_1.json"
    data = make_zip(tmp_path / "plain.zip", {name: thread()}).read_bytes()
    path = tmp_path / "patched.zip"
    path.write_bytes(patched(data, b"PK\x01\x02", offset, fmt, value))
    assert only_error(path).startswith(f"{path}:{name}: unreadable zip member")


@pytest.mark.parametrize(("name", "data"), [
    ("ChatExport_1/result.json", b'{"messages": [' + b" " * (8 * 1024 * 1024) + b"]}"),
    ("_chat.txt", b"1/14/25, 8:00 PM - Sam: hello" + b" " * (8 * 1024 * 1024) + b"\n"),  # WhatsApp read it whole
], ids=["telegram", "whatsapp"])
def test_zip_bomb(name: str, data: bytes, tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bomb.zip", {name: data})
    assert path.stat().st_size < 100_000
    assert only_error(path) == f"{path}:{name}: zip member expands more than {archive_module.MAX_RATIO} times (a zip bomb?)"


def test_the_caps_hold_when_sizes_are_small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members = {f"{IG}/a_1/message_1.json": thread("one"), f"{IG}/b_2/message_1.json": thread("two")}
    path = make_zip(tmp_path / "export.zip", members)
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 50)
    assert errors(parse(path)) == [f"{path}:{name}: zip member larger than 50 bytes" for name in members]
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 10_000)
    monkeypatch.setattr(archive_module, "MAX_ARCHIVE_BYTES", len(thread("one")) + 10)
    first, second = parse(path)
    assert first["id"] == "a_1"
    assert isinstance(second, ErrorReport) and second.error.message.startswith(f"{path}: zip archive expands")


def test_too_many_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_zip(tmp_path / "many.zip", {f"f{n}.txt": b"x" for n in range(20)})
    monkeypatch.setattr(archive_module, "MAX_MEMBERS", 10)
    assert only_error(path) == f"{path}: zip archive has more than 10 entries"


def test_path_traversal_names_are_never_paths_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    members = {"../../etc/passwd": b"root:x:0:0", "../../../inbox/x_1/message_1.json": thread("hi"),
               "/abs/inbox/y_2/message_1.json": thread("ho")}
    path = make_zip(tmp_path / "evil.zip", members)
    before = sorted(p for p in tmp_path.rglob("*"))
    got = parse(path)
    assert [c["id"] for c in got] == ["x_1", "y_2"]
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_non_utf8_member_names(tmp_path: Path) -> None:
    data = make_zip(tmp_path / "a.zip", {"inbox/cafX_1/message_1.json": thread("hi")}).read_bytes()
    legacy = tmp_path / "legacy.zip"  # no UTF-8 flag: the name is read as cp437, never an error
    legacy.write_bytes(data.replace(b"cafX", b"caf\xe9"))
    (got,) = parse(legacy)
    assert got["id"] == "caf\u0398_1" and got["messages"][0]["text"] == "hi"
    flagged = tmp_path / "flagged.zip"  # flagged UTF-8 but not: the archive cannot be listed
    utf8 = make_zip(tmp_path / "b.zip", {"inbox/café_1/message_1.json": thread()}).read_bytes()
    flagged.write_bytes(utf8.replace("é".encode(), b"\xff\xfe"))
    assert only_error(flagged) == f"{flagged}: unreadable zip archive"


def test_control_characters_in_member_names_stay_out_of_messages(tmp_path: Path) -> None:
    name = "inbox/x\n\x1b[31m_1/message_1.json"
    path = make_zip(tmp_path / "ctl.zip", {name: b"{}"})
    message = only_error(path)
    assert "\n" not in message and "\x1b" not in message and message.startswith(f"{path}:inbox/x??[31m_1/")


def test_plain_files_starting_like_a_zip_are_not_exempt_from_the_size_cap(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "fake.jsonl"
    path.write_bytes(b"PK\x03\x04" + b"x" * 200)
    monkeypatch.setattr(registry, "MAX_EXPORT_BYTES", 100)
    assert only_error(path, "jsonl") == f"{path}: larger than 100 bytes"


# ---------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def shared_analyzer() -> Analyzer:
    return Analyzer()


def scan_in_process(path: Path, out: Path, monkeypatch: pytest.MonkeyPatch, analyzer: Analyzer, *extra: str) -> int:
    import sextortion_flags.analyzer as analyzer_module

    monkeypatch.setattr(analyzer_module, "Analyzer", lambda **_: analyzer)
    return cli.main(["scan", str(path), "-o", str(out), "--no-progress", *extra])


@pytest.mark.parametrize("layout", ["instagram", "messenger", "telegram_account", "telegram_html_account"])
def test_scan_writes_one_valid_report_per_conversation(layout: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       shared_analyzer: Analyzer) -> None:
    members, _ = LAYOUTS[layout]
    path = make_zip(tmp_path / "export.zip", members)
    out = tmp_path / "out.jsonl"
    assert scan_in_process(path, out, monkeypatch, shared_analyzer) == 0
    reports = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    conversations = parse(path)
    assert len(reports) == len(conversations) > 0
    for report, conversation in zip(reports, conversations, strict=True):
        assert_contract(report, conversation)


def test_scan_subprocess_on_a_zip_with_one_bad_thread(tmp_path: Path) -> None:
    members = {**LAYOUTS["instagram"][0], f"{IG}/broken_9/message_1.json": b'{"messages": [' + CANARY.encode()}
    path = make_zip(tmp_path / "export.zip", members)
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.csv"
    result = subprocess.run([sys.executable, "-m", "sextortion_flags", "scan", str(path), "-o", str(out),
                             "--csv", str(summary), "--user", "Yassine Amrani"],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and CANARY not in result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    conversations = [c for c in parse(path, user="Yassine Amrani") if isinstance(c, dict)]
    reports = [line for line in lines if "error" not in line]
    (error,) = [line for line in lines if "error" in line]
    assert error["error"]["message"].startswith(f"{path}:{IG}/broken_9/message_1.json:")
    assert CANARY not in json.dumps(error)
    assert [r["id"] for r in reports] == [c["id"] for c in conversations]
    for report, conversation in zip(reports, conversations, strict=True):
        assert_contract(report, conversation)
    assert len(summary.read_text(encoding="utf-8").splitlines()) == len(lines) + 1


def test_convert_a_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_zip(tmp_path / "export.zip", LAYOUTS["telegram_two_chats"][0])
    assert cli.main(["convert", str(path), "-o", str(tmp_path / "c.jsonl")]) == 0
    lines = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2 and {line["platform"] for line in lines} == {"telegram"}
    assert capsys.readouterr().err == ""
