"""Generic CSV and message-JSONL parsers: goldens, detection, options, encodings, garbage."""

from __future__ import annotations

import contextlib
import importlib
import json
import pkgutil
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import sextortion_flags.parsers as parsers_package
from sextortion_flags.analyzer import to_conversation
from sextortion_flags.errors import InputError, UsageError
from sextortion_flags.parsers import registry
from sextortion_flags.parsers.base import ParseOptions
from sextortion_flags.parsers.generic import COLUMN_ALIASES, GenericCsvParser, MessageJsonlParser

for _module in pkgutil.iter_modules(parsers_package.__path__):  # every parser, not only the ones imported here
    importlib.import_module(f"sextortion_flags.parsers.{_module.name}")

GOLDEN = Path(__file__).resolve().parent / "golden"
DIRS = {"csv": GenericCsvParser, "messages_jsonl": MessageJsonlParser}
INPUTS = sorted(p for d in DIRS for p in (GOLDEN / d).iterdir() if not p.name.endswith(".expected.jsonl"))
OTHER_GOLDENS = sorted(p for p in GOLDEN.rglob("*") if p.is_file() and p.parent.name not in DIRS
                       and not p.name.endswith(".expected.jsonl"))


def parser_for(path: Path) -> type:
    return MessageJsonlParser if path.suffix == ".jsonl" else GenericCsvParser


def parse(path: Path, **options) -> list[dict]:
    return list(parser_for(path)().parse(path, ParseOptions(**options)))


def expected(path: Path) -> list[dict]:
    text = path.with_name(path.stem + ".expected.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_goldens_cover_the_variants() -> None:
    names = {p.name for p in INPUTS}
    assert {"comma_iso.csv", "semicolon_excel.csv", "tab_threads.tsv", "bom_conversations.csv",
            "single.jsonl", "grouped.jsonl"} <= names


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_golden(path: Path) -> None:
    got = parse(path)
    assert got == expected(path)
    for conversation in got:
        to_conversation(conversation)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_detected(path: Path) -> None:
    assert registry.detect_format(path) == parser_for(path).name


@pytest.mark.parametrize("path", OTHER_GOLDENS, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_other_formats_not_taken(path: Path) -> None:
    with contextlib.suppress(InputError):
        assert registry.detect_format(path) not in ("csv", "messages_jsonl")


def test_canonical_jsonl_stays_canonical(tmp_path: Path) -> None:
    line = {"id": "c1", "messages": [{"sender": "a", "text": "hi"}]}
    path = write(tmp_path, "c.jsonl", json.dumps(line) + "\n")
    assert registry.detect_format(path) == "jsonl"
    assert MessageJsonlParser.sniff(path, path.read_bytes()) == 0.0
    with pytest.raises(InputError):
        parse(path)


def test_kinds_and_placeholders() -> None:
    (comma,) = parse(GOLDEN / "csv" / "comma_iso.csv")
    assert [m["kind"] for m in comma["messages"]] == ["text", "text", "media", "text", "media", "deleted",
                                                      "system", "call"]
    assert comma["messages"][1]["text"] == "rien, je regarde un film\net toi ?"
    (semicolon,) = parse(GOLDEN / "csv" / "semicolon_excel.csv")  # no kind column: inferred from placeholders
    assert [m["kind"] for m in semicolon["messages"]] == ["text", "text", "media", "deleted", "text", "call"]


def test_grouping_in_order_of_first_appearance() -> None:
    got = parse(GOLDEN / "csv" / "bom_conversations.csv")
    assert [c["id"] for c in got] == ["chat_42", "chat_43"]
    assert [len(c["messages"]) for c in got] == [5, 2]
    got = parse(GOLDEN / "messages_jsonl" / "grouped.jsonl")
    assert [(c["id"], c.get("user")) for c in got] == [("dm-7", "sam"), ("dm-8", "sam")]


def test_timezone_and_user_option() -> None:
    (got,) = parse(GOLDEN / "csv" / "semicolon_excel.csv", timezone=ZoneInfo("Europe/Madrid"), user="tomás")
    assert got["user"] == "Tomás"
    assert got["messages"][0]["timestamp"] == "2025-02-14T20:05:00+01:00"
    (got,) = parse(GOLDEN / "csv" / "comma_iso.csv", timezone=ZoneInfo("America/New_York"), user="nobody")
    assert "user" not in got
    assert got["messages"][0]["timestamp"] == "2025-03-02T21:40:00+01:00"  # an explicit offset is kept


@pytest.mark.parametrize(("stamp", "want"), [
    ("2025-03-02T21:40:00Z", "2025-03-02T21:40:00+00:00"),
    ("2025-03-02 21:40:05.1234567+02:00", "2025-03-02T21:40:05.123456+02:00"),
    ("2025/03/02 21:40", "2025-03-02T21:40:00"),
    ("02.03.2025 21:40", "2025-03-02T21:40:00"),
    ("1740951600", "2025-03-02T21:40:00+00:00"),
    ("1740951600000", "2025-03-02T21:40:00+00:00"),
    ("13/31/2025 10:00", None),
    ("yesterday", None),
    ("", None),
])
def test_csv_timestamps(tmp_path: Path, stamp: str, want: str | None) -> None:
    path = write(tmp_path, "t.csv", f"Time,Sender,Text\n{stamp},a,hi\n")
    assert parse(path)[0]["messages"][0]["timestamp"] == want


def test_month_first_when_day_cannot_be_first(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "date,from,body\n03/04/2025 10:00,a,x\n03/25/2025 10:00,b,y\n")
    assert [m["timestamp"] for m in parse(path)[0]["messages"]] == ["2025-03-04T10:00:00", "2025-03-25T10:00:00"]


def test_column_aliases_are_extensible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "t.csv", "Horodatage,Expéditeur,Contenu\n2025-03-02 21:40,Lina,salut\n")
    assert GenericCsvParser.sniff(path, path.read_bytes()) == 0.0
    for role, name in (("timestamp", "horodatage"), ("sender", "expéditeur"), ("text", "contenu")):
        monkeypatch.setitem(COLUMN_ALIASES, role, [*COLUMN_ALIASES[role], name])
    assert GenericCsvParser.sniff(path, path.read_bytes()) >= 0.8
    (got,) = parse(path)
    assert got["messages"] == [{"sender": "Lina", "text": "salut", "timestamp": "2025-03-02T21:40:00", "kind": "text"}]


def test_columns_option_names_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "Horodatage;Expéditeur;Contenu;name\n2025-03-02 21:40;Lina;salut;x\n")
    columns = (("timestamp", "Horodatage"), ("sender", "Expéditeur"), ("text", "Contenu"))
    (got,) = registry.parse_file(path, "auto", ParseOptions(columns=columns))
    assert got["messages"] == [{"sender": "Lina", "text": "salut", "timestamp": "2025-03-02T21:40:00", "kind": "text"}]
    line = json.dumps({"quand": "2025-03-02T21:40:00", "qui": "Lina", "quoi": "salut"})
    jsonl = write(tmp_path, "m.jsonl", line + "\n")
    columns = (("timestamp", "quand"), ("sender", "qui"), ("text", "quoi"))
    (got,) = registry.parse_file(jsonl, "auto", ParseOptions(columns=columns))
    assert [m["text"] for m in got["messages"]] == ["salut"]


def test_columns_option_rejects_unknown_roles(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "a,b\n1,2\n")
    with pytest.raises(UsageError, match="unknown column role 'mood'"):
        list(registry.parse_file(path, "csv", ParseOptions(columns=(("mood", "a"),))))


def test_rows_short_long_and_blank(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "sender,text,timestamp\n\na\n,,\nb,hi,2025-01-01 10:00,extra,cells\n")
    (got,) = parse(path)
    assert got["messages"] == [{"sender": "a", "text": "", "timestamp": None, "kind": "text"},
                               {"sender": "b", "text": "hi", "timestamp": "2025-01-01T10:00:00", "kind": "text"}]


@pytest.mark.parametrize(("data", "where"), [
    ("timestamp,sender,text\n2025-01-01,Zoé,été\n".encode("cp1252"), ":2"),
    ("timestamp,sender,text\n2025-01-01,a,b\n".encode("utf-16"), ":1"),
    (b"a,b,c\n1,2,3\n", ":1"),
])
def test_csv_unreadable_files_name_the_line(tmp_path: Path, data: bytes, where: str) -> None:
    path = write(tmp_path, "bad.csv", data)
    with pytest.raises(InputError) as info:
        parse(path)
    assert info.value.where == f"{path}{where}"
    assert "Zoé" not in str(info.value) and "été" not in str(info.value)


def test_utf16_csv_is_routed_to_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", "timestamp,sender,text\n2025-01-01,a,b\n".encode("utf-16"))
    assert registry.detect_format(path) == "csv"
    (item,) = registry.parse_file(path)
    assert "UTF-8" in item.error.message


def test_jsonl_odd_lines_skipped(tmp_path: Path) -> None:
    lines = ['{"sender": "a", "text": "one", "timestamp": "2025-01-01T10:00:00"}', "not json", "[1, 2]",
             '{"sender": 5, "text": ["x"], "timestamp": {"y": 1}}', '{"From": "b", "Message": "two", "Date": 7}']
    (got,) = parse(write(tmp_path, "m.jsonl", "\n".join(lines)))
    assert got["messages"] == [
        {"sender": "a", "text": "one", "timestamp": "2025-01-01T10:00:00", "kind": "text"},
        {"sender": "5", "text": "", "timestamp": None, "kind": "text"},
        {"sender": "b", "text": "two", "timestamp": None, "kind": "text"},
    ]


GARBAGE = [b"", b"\n\n", b"{}", b"[]", b"null", b"sender,text\n", b"\xef\xbb\xbf", b"\x00\xff garbage",
           b"timestamp,sender,text\n\"2025,a,\"unterminated\n" * 20, b"sender;text\n" + b"x;" * 50000,
           b'{"sender": "a", "text": ' + b"[" * 100000, b'{"sender": "a", "text": "b"}\n' + b"\xff\xfe\n",
           b"text,sender\n" + b"a" * 200000 + b",b\n", b'{"conversation_id": {}, "sender": [], "text": 1e999}\n',
           b"timestamp\tsender\ttext\n99999999999999999999\ta\tb\n-1\ta\tb\n"]


@pytest.mark.parametrize("data", GARBAGE + [random.Random(s).randbytes(n) for s, n in enumerate((1, 64, 5000))])
def test_garbage_never_crashes(tmp_path: Path, data: bytes) -> None:
    for suffix in (".csv", ".jsonl"):
        path = write(tmp_path, f"bad{suffix}", data)
        for parser in (GenericCsvParser, MessageJsonlParser):
            assert 0.0 <= parser.sniff(path, data[:65536]) <= 1.0
            try:
                for conversation in parser().parse(path, ParseOptions()):
                    to_conversation(conversation)
            except InputError:
                pass


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_truncated_goldens(tmp_path: Path, path: Path) -> None:
    data = path.read_bytes()
    for cut in (1, 2, 9, len(data) // 2, len(data) - 3):
        bad = write(tmp_path, f"cut{path.suffix}", data[:cut])
        try:
            for conversation in parse(bad):
                to_conversation(conversation)
        except InputError:
            pass


def test_message_jsonl_keeps_messages_holding_unicode_line_separators(tmp_path: Path) -> None:
    """U+2028, U+2029 and U+0085 are legal raw inside a JSON string: splitlines() cut such lines in two
    and both halves were skipped as bad lines (the message lost)."""
    rows = [{"conversation_id": "c", "sender": "Sam", "text": f"hello{sep}there", "timestamp": f"2025-01-01T10:0{i}:00Z"}
            for i, sep in enumerate(("\u2028", "\u2029", "\u0085"))]
    path = write(tmp_path, "messages.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    (got,) = MessageJsonlParser().parse(path, ParseOptions())
    assert [m["text"] for m in got["messages"]] == [r["text"] for r in rows]


def test_csv_with_old_mac_line_ends_is_recognised(tmp_path: Path) -> None:
    """Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR: the header was not found, the file refused."""
    path = write(tmp_path, "chat.csv", "timestamp,sender,text\r2025-01-01T10:00:00Z,Sam,hello\r"
                                       "2025-01-01T10:01:00Z,Alex,send the photo on whatsapp\r")
    assert registry.detect_format(path) == "csv"
    (got,) = GenericCsvParser().parse(path, ParseOptions())
    assert [(m["sender"], m["text"]) for m in got["messages"]] == [("Sam", "hello"), ("Alex", "send the photo on whatsapp")]


def test_csv_unclosed_quote_keeps_the_rows_before_and_names_its_line(tmp_path: Path) -> None:
    """A quote never closed used to turn every later row into one message, silently: now the rows
    before it are scored and an error names the row where it opened."""
    path = write(tmp_path, "chat.csv", 'sender,text\nSam,hello\nAlex,"oops\nSam,ok\nAlex,send the photo\n')
    got = list(registry.parse_file(path))
    assert [m["text"] for m in got[0]["messages"]] == ["hello"]
    assert got[1].error.type == "InputError"
    assert got[1].error.message.startswith(f"{path}:3: a quoted field opened here is never closed")
    assert "oops" not in got[1].error.message and "photo" not in got[1].error.message


@pytest.mark.parametrize("body", ['Sam,"two\nlines"\nAlex,bye\n', 'Sam,hi\nAlex,"two\nlines"\n', 'Sam,"two\nlines"'])
def test_csv_closed_multiline_fields_are_read(tmp_path: Path, body: str) -> None:
    (got,) = parse(write(tmp_path, "chat.csv", "sender,text\n" + body))
    assert "two\nlines" in [m["text"] for m in got["messages"]]


def test_csv_with_a_stray_nul_is_read(tmp_path: Path) -> None:
    """A NUL byte inside a cell made the whole file "not a recognised chat export"."""
    path = write(tmp_path, "chat.csv", b"timestamp,sender,text\n2025-01-01T10:00:00Z,Sam,hel\x00lo\n"
                                       b"2025-01-01T10:01:00Z,Alex,add me on whatsapp\n")
    assert registry.detect_format(path) == "csv"
    (got,) = parse(path)
    assert [m["text"] for m in got["messages"]] == ["hel\x00lo", "add me on whatsapp"]
