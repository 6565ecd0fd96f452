"""A generated corpus of hostile files for every export format, thrown at `scan`.

Each file must end in a clear error line (naming the file, and the line when there is one) or a
valid report: no traceback, no hang, no conversation lost, and never a word of message text in
stderr, logs or error messages (a canary string planted in the bad inputs checks that).

Per file, `scan` runs in-process through `cli.main` with one shared Analyzer (building one per
run costs seconds); the whole directory, and a few single files, run as a real subprocess.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sextortion_flags import Analyzer, cli
from sextortion_flags.models import ErrorReport, Report

CANARY = "QZX-canary-5150"
Messages = list[tuple[str, str]]
BASIC: Messages = [("Sam", "hello, how are you?"), ("Alex", "fine thanks"), ("Sam", f"add me on whatsapp {CANARY}")]


# ---------------------------------------------------------------- one builder per format


def _jsonl(messages: Messages) -> str:
    return json.dumps({"id": "c1", "messages": [{"sender": s, "text": t} for s, t in messages]}) + "\n"


def _messages_jsonl(messages: Messages) -> str:
    return "".join(json.dumps({"conversation_id": "c1", "sender": s, "text": t,
                               "timestamp": f"2025-01-01T10:{i % 60:02d}:00Z"}) + "\n"
                   for i, (s, t) in enumerate(messages))


def _csv(messages: Messages) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["timestamp", "sender", "text"])
    writer.writerows([f"2025-01-01T10:{i % 60:02d}:00Z", s, t] for i, (s, t) in enumerate(messages))
    return buffer.getvalue()


def _discord_csv(messages: Messages) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["AuthorID", "Author", "Date", "Content", "Attachments", "Reactions"])
    writer.writerows([str(800 + len(s)), s, "1/15/2025 9:40 PM", t, "", ""] for s, t in messages)
    return buffer.getvalue()


def _discord(messages: Messages) -> str:
    return json.dumps({"guild": {"id": "0", "name": "Direct Messages"},
                       "channel": {"id": "9", "type": "DirectTextChat", "name": "dm"},
                       "messages": [{"id": str(i), "type": "Default", "timestamp": "2025-01-15T21:40:00+01:00",
                                     "content": t, "author": {"id": str(800 + len(s)), "name": s, "isBot": False},
                                     "attachments": []} for i, (s, t) in enumerate(messages)]})


def _meta(messages: Messages) -> str:
    return json.dumps({"participants": [{"name": s} for s in dict.fromkeys(s for s, _ in messages)],
                       "messages": [{"sender_name": s, "timestamp_ms": 1738433100000 - i * 60000, "content": t}
                                    for i, (s, t) in enumerate(messages)],
                       "title": "chat", "thread_path": "inbox/chat_1"})


def _snapchat(messages: Messages) -> str:
    return json.dumps({"friend": [{"From": s, "Media Type": "TEXT", "Created": "2025-01-15 21:48:10 UTC",
                                   "Content": t, "IsSender": s == "Alex"} for s, t in messages]})


def _telegram(messages: Messages) -> str:
    return json.dumps({"name": "Sam", "type": "personal_chat", "id": 1,
                       "messages": [{"id": i, "type": "message", "date": "2025-01-15T21:40:00",
                                     "date_unixtime": "1736973600", "from": s, "from_id": f"user{len(s)}",
                                     "text": t, "text_entities": []} for i, (s, t) in enumerate(messages)]})


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _telegram_html(messages: Messages) -> str:
    body = "".join(
        f'<div class="message default clearfix" id="message{i}"><div class="body">'
        f'<div class="pull_right date details" title="15.01.2025 21:41:07 UTC+01:00">21:41</div>'
        f'<div class="from_name">{_html_escape(s)}</div><div class="text">{_html_escape(t)}</div></div></div>\n'
        for i, (s, t) in enumerate(messages))
    return ('<!DOCTYPE html><html><head><title>Exported Data</title></head><body><div class="page_wrap">'
            f'<div class="page_body chat_page"><div class="history">\n{body}</div></div></div></body></html>\n')


def _whatsapp(messages: Messages) -> str:
    return "".join(f"1/14/25, 8:{i % 60:02d} PM - {s}: {t}\n" for i, (s, t) in enumerate(messages))


BUILDERS: dict[str, tuple[str, Callable[[Messages], str]]] = {
    "jsonl": ("chat.jsonl", _jsonl),
    "messages_jsonl": ("messages.jsonl", _messages_jsonl),
    "csv": ("chat.csv", _csv),
    "discord_csv": ("discord.csv", _discord_csv),
    "discord": ("discord.json", _discord),
    "meta": ("message_1.json", _meta),
    "snapchat": ("chat_history.json", _snapchat),
    "telegram": ("result.json", _telegram),
    "telegram_html": ("messages.html", _telegram_html),
    "whatsapp": ("chat.txt", _whatsapp),
}
JSON_FORMATS = ("jsonl", "messages_jsonl", "discord", "meta", "snapchat", "telegram")
LINE_FORMATS = ("jsonl", "messages_jsonl", "csv", "whatsapp")

REPORT, ERROR, EITHER, NOTHING = "report", "error", "either", "nothing"


def _garbled_line(fmt: str) -> str:
    build = BUILDERS[fmt][1]
    lines = build(BASIC).splitlines(keepends=True)
    bad = {"jsonl": '{"id": "bad", "messages": [ ' + CANARY + "\n",
           "messages_jsonl": '{"conversation_id": "c1", "sender": ' + CANARY + "\n",
           "csv": f'2025-01-01T10:00:00Z,"Sam,"{CANARY}\n',
           "whatsapp": f"\x00\x01 garbage {CANARY}\n"}[fmt]
    more = _jsonl([("Sam", "second conversation")]).replace('"c1"', '"c2"') if fmt == "jsonl" else ""
    return "".join([*lines[:1], bad, *lines[1:]]) + more


def _wrong_types(fmt: str) -> str:
    if fmt == "jsonl":
        rows = [{"id": "t1", "messages": CANARY}, {"id": "t2", "messages": [{"sender": "a", "text": 42}]},
                {"id": "t3", "messages": [{"sender": ["a"], "text": {"x": CANARY}}]},
                {"id": "t4", "messages": [{"sender": "a", "text": "hi", "timestamp": CANARY}]},
                {"messages": [{"sender": "a", "text": CANARY}]}, {"id": None, "messages": []},
                {"id": "t5", "messages": [{"sender": "a", "text": "hi", "kind": CANARY}]},
                {"id": "ok", "messages": [{"sender": "a", "text": "hi"}]}]
        return "".join(json.dumps(r) + "\n" for r in rows)
    if fmt == "messages_jsonl":
        rows = [{"conversation_id": 7, "sender": "a", "text": 42}, {"conversation_id": "c", "sender": None,
                "text": [CANARY]}, {"sender": "a", "text": "hi", "timestamp": CANARY}, {"conversation_id": "c",
                "sender": {"n": 1}, "text": {"t": CANARY}, "timestamp": [1]}]
        return "".join(json.dumps(r) + "\n" for r in rows)
    if fmt == "discord":
        return json.dumps({"channel": {"id": 5}, "messages": [
            {"content": 42, "author": "x", "timestamp": CANARY}, {"content": [CANARY], "author": {"name": 5}},
            "string", None, {"content": {"a": CANARY}, "author": {"id": [1], "name": None}, "timestamp": 1e300}]})
    if fmt == "meta":
        return json.dumps({"participants": "x", "messages": [
            {"sender_name": 5, "timestamp_ms": CANARY, "content": 42}, {"sender_name": "a", "timestamp_ms": 1e308,
            "content": [CANARY]}, "string", {"sender_name": None, "timestamp_ms": -1, "content": {"x": CANARY}}]})
    if fmt == "snapchat":
        return json.dumps({"friend": [{"From": 5, "Media Type": 7, "Created": CANARY, "Content": [CANARY]},
                                      {"From": "a", "Media Type": "TEXT", "Created": None, "Content": 42}, "x"],
                           "other": CANARY})
    if fmt == "telegram":
        return json.dumps({"name": 5, "type": "personal_chat", "id": "x", "messages": [
            {"id": "a", "type": "message", "date": CANARY, "from": 5, "from_id": [1], "text": 42},
            {"type": "message", "date": 5, "text": [{"type": "bold", "text": 7}, None, CANARY]},
            "string", {"type": 5, "date_unixtime": "9" * 40, "text": {"a": CANARY}}]})
    if fmt == "csv":
        return f"timestamp,sender,text\n{CANARY},Sam,\n,,\n2025-99-99T99:99,,{CANARY}\n"
    if fmt == "discord_csv":
        return f'AuthorID,Author,Date,Content,Attachments,Reactions\n"x","","{CANARY}","","",""\n"1"\n'
    if fmt == "whatsapp":
        return f"99/99/99, 99:99 PM - Sam: {CANARY}\n1/14/25, 8:00 PM - : \n1/14/25, 8:00 PM - Sam:\n"
    return _telegram_html([("", ""), (CANARY * 3, "")]).replace("15.01.2025", "99.99.9999")


def _deep(fmt: str) -> str:
    nested = "[" * 10_000 + "]" * 10_000
    if fmt == "jsonl":
        return '{"id": "deep", "messages": ' + nested + "}\n"
    if fmt == "messages_jsonl":
        return '{"conversation_id": "d", "sender": "a", "text": ' + nested + "}\n"
    key = {"discord": "messages", "meta": "messages", "snapchat": "friend", "telegram": "messages"}[fmt]
    marker = {"meta": '"sender_name": 1, "timestamp_ms": 1, ', "snapchat": '"Media Type": 1, "Created": 1, ',
              "telegram": '"date_unixtime": 1, ', "discord": ""}[fmt]
    return "{" + marker + f'"{key}": ' + nested + "}"


def _cases() -> list[tuple[str, str, bytes, str]]:
    """(case id, file name, content, expectation) for every format."""
    rng = random.Random(6)
    cases = []
    for fmt, (name, build) in BUILDERS.items():
        valid = build(BASIC)
        zero_width = build([("Sam", "add me on what\u200bsapp"), ("Alex", "why?"),
                            ("Sam", "wh\u202eatsapp or tele\u200dgram or snap\u2060chat, ok?")])
        control = build([("Sam", f"hi\x00\x01\x07\x1b[31m {CANARY}\x7f\u0085"), ("Alex", "ok\ufeff\ufffe")])
        big = build([("Sam", "send me money or else " + "x" * (2 * 1024 * 1024)), ("Alex", "no")])
        cut = valid.encode("utf-8")[: len(valid.encode("utf-8")) * 3 // 5]
        cases += [
            (f"{fmt}-empty", name, b"", NOTHING),
            (f"{fmt}-binary", name, rng.randbytes(3000) + CANARY.encode() + rng.randbytes(3000), EITHER),
            (f"{fmt}-utf16", name, valid.encode("utf-16"), EITHER),
            (f"{fmt}-latin1", name, valid.replace("hello", "héllo").encode("latin-1"), EITHER),
            (f"{fmt}-truncated", name, cut, EITHER),
            (f"{fmt}-wrong-types", name, _wrong_types(fmt).encode(), EITHER),
            (f"{fmt}-control-chars", name, control.encode("utf-8", "surrogatepass"), EITHER),
            (f"{fmt}-zero-width-bidi", name, zero_width.encode(), REPORT),
            (f"{fmt}-2mb-message", name, big.encode(), REPORT),
        ]
        if fmt in LINE_FORMATS:
            cases.append((f"{fmt}-garbled-line", name, _garbled_line(fmt).encode(), EITHER))
        if fmt in JSON_FORMATS:
            cases.append((f"{fmt}-deep-nesting", name, _deep(fmt).encode(), ERROR))
    return cases


CASES = _cases()
CASE_IDS = [c[0] for c in CASES]


def _write(root: Path, case: tuple[str, str, bytes, str]) -> Path:
    case_id, name, content, _ = case
    folder = root / case_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------- in-process, one file per case


@pytest.fixture(scope="module")
def shared_analyzer() -> Analyzer:
    return Analyzer()


def _scan_in_process(paths: list[Path], out: Path, monkeypatch, analyzer: Analyzer, *extra: str) -> int:
    import sextortion_flags.analyzer as analyzer_module

    monkeypatch.setattr(analyzer_module, "Analyzer", lambda **_: analyzer)
    return cli.main(["scan", *map(str, paths), "-o", str(out), "--no-progress", *extra])


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _check_lines(lines: list[dict], path: Path) -> tuple[list[dict], list[dict]]:
    reports, errors = [], []
    for line in lines:
        if "error" in line:
            ErrorReport.model_validate(line)
            errors.append(line)
        else:
            Report.model_validate(line)
            assert 0 <= line["risk_score"] <= 1
            reports.append(line)
    for error in errors:
        assert CANARY not in json.dumps(error), "message text leaked into an error line"
        assert str(path) in error["error"]["message"] or (error.get("id") and not error["error"]["message"]
                                                           .startswith("/")), error
    return reports, errors


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_scan_survives_each_hostile_file(case, tmp_path, monkeypatch, capfd, caplog, shared_analyzer):
    path = _write(tmp_path, case)
    out = tmp_path / "report.jsonl"
    code = _scan_in_process([path], out, monkeypatch, shared_analyzer)
    captured = capfd.readouterr()
    stderr = captured.err + caplog.text
    assert "Traceback" not in stderr
    assert CANARY not in stderr
    assert "internal error" not in stderr and "InternalError" not in out.read_text(encoding="utf-8")
    reports, errors = _check_lines(_lines(out), path)
    expectation = case[3]
    assert code == (1 if errors else 0)
    if expectation == NOTHING:
        assert not reports and not errors
    elif expectation == REPORT:
        assert reports and not errors
    elif expectation == ERROR:
        assert errors and not reports
    else:
        assert reports or errors


@pytest.mark.parametrize("fmt", LINE_FORMATS)
def test_a_garbled_line_is_named_with_its_line_number_and_the_rest_is_scored(fmt, tmp_path, monkeypatch,
                                                                             shared_analyzer):
    case = next(c for c in CASES if c[0] == f"{fmt}-garbled-line")
    path = _write(tmp_path, case)
    out = tmp_path / "report.jsonl"
    _scan_in_process([path], out, monkeypatch, shared_analyzer)
    reports, errors = _check_lines(_lines(out), path)
    if fmt == "jsonl":
        assert [r["id"] for r in reports] == ["c1", "c2"]
        assert len(errors) == 1 and f"{path}:2" in errors[0]["error"]["message"]
    else:  # a bad line inside one conversation is skipped or kept as text, never the whole file lost
        assert reports and len(reports[0]["id"]) > 0


def test_wrong_types_in_canonical_jsonl_keep_the_good_conversation_and_name_each_bad_line(tmp_path, monkeypatch,
                                                                                           shared_analyzer):
    path = _write(tmp_path, next(c for c in CASES if c[0] == "jsonl-wrong-types"))
    out = tmp_path / "report.jsonl"
    assert _scan_in_process([path], out, monkeypatch, shared_analyzer) == 1
    lines = _lines(out)
    assert len(lines) == 8  # one line per input line, in order
    assert lines[-1]["id"] == "ok" and "error" not in lines[-1]
    for number, line in enumerate(lines[:4], 1):
        assert "error" in line and f"{path}:{number}" in line["error"]["message"]


def test_a_50000_message_conversation_is_scored(tmp_path, monkeypatch, shared_analyzer):
    texts = ["hi", "how are you", "add me on snap", "ok", "what time?", "send a photo"]
    messages = [{"sender": "ab"[i % 2], "text": f"{texts[i % len(texts)]} {i}"} for i in range(50_000)]
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"id": "long", "user": "b", "messages": messages}) + "\n", encoding="utf-8")
    out = tmp_path / "report.jsonl"
    assert _scan_in_process([path], out, monkeypatch, Analyzer(model=False)) == 0
    (report,) = _lines(out)
    assert report["id"] == "long" and "platform_migration" in [f["category"] for f in report["flags"]]
    for flag in report["flags"]:
        for ev in flag["evidence"]:
            if ev["quote"] is not None:
                assert messages[ev["message_index"]]["text"][ev["start"]:ev["end"]] == ev["quote"]


def _two_good(middle: str = "", sep: str = "\n", bom: str = "") -> str:
    good = [json.dumps({"id": f"good{n}", "messages": [{"sender": "a", "text": "hello"},
                                                        {"sender": "b", "text": "send the photo on whatsapp"}]})
            for n in (1, 2)]
    return bom + good[0] + sep + (middle + sep if middle else "") + bom + good[1] + sep


@pytest.mark.parametrize(("content", "bad_lines"), [
    (_two_good(sep="\r"), 0),                                            # old Mac line ends
    (_two_good(bom="\ufeff"), 0),                                        # files joined with cat, each with a BOM
    ("\n\n  \n" + _two_good(), 0),                                        # blank lines first
    (_two_good('{"id": "big", "messages": [], "n": ' + "9" * 5000 + "}"), 1),  # int() refuses > 4,300 digits
], ids=["cr-only", "bom-per-line", "leading-blank-lines", "5000-digit-number"])
def test_canonical_jsonl_quirks_keep_every_good_conversation(content, bad_lines, tmp_path, monkeypatch,
                                                             shared_analyzer):
    path = tmp_path / "chat.jsonl"
    path.write_text(content, encoding="utf-8", newline="")
    out = tmp_path / "report.jsonl"
    assert _scan_in_process([path], out, monkeypatch, shared_analyzer) == (1 if bad_lines else 0)
    reports, errors = _check_lines(_lines(out), path)
    assert [r["id"] for r in reports] == ["good1", "good2"]
    assert len(errors) == bad_lines and all(f"{path}:2" in e["error"]["message"] for e in errors)


@pytest.mark.parametrize("fmt", ["jsonl", "telegram"])
def test_lone_surrogate_escapes_are_scored_and_written_everywhere(fmt, tmp_path, monkeypatch, shared_analyzer):
    """"\\ud800" is valid JSON but no UTF-8 file can hold it: serializing the report failed and the whole
    scan stopped with an internal error, losing every conversation after it."""
    name, build = BUILDERS[fmt]
    text = build([("Sam", "hello"), ("Sam\ud800", "add me on whatsapp \ud800 and send a photo \udfff")])
    if fmt == "jsonl":
        text = text.replace('"c1"', '"c1\\udc00"') + _jsonl([("Sam", "hello")]).replace('"c1"', '"c2"')
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")  # json.dumps escaped the surrogates: the file is ASCII
    out = tmp_path / "report.jsonl"
    assert _scan_in_process([path], out, monkeypatch, shared_analyzer, "--csv", str(tmp_path / "s.csv"),
                            "--html", str(tmp_path / "r.html")) == 0
    reports, errors = _check_lines(_lines(out), path)
    assert not errors and len(reports) == (2 if fmt == "jsonl" else 1)
    assert "platform_migration" in [f["category"] for f in reports[0]["flags"]]
    assert len((tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()) == 1 + len(reports)
    assert (tmp_path / "r.html").stat().st_size > 0


# ---------------------------------------------------------------- the real command, as a user runs it

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sextortion_flags", *args], capture_output=True, text=True,
                          env=ENV, timeout=600)


def test_scan_of_the_whole_hostile_directory(tmp_path):
    root = tmp_path / "hostile"
    paths = [_write(root, case) for case in CASES if "2mb" not in case[0]]  # the big ones: below
    out, summary = tmp_path / "report.jsonl", tmp_path / "summary.csv"
    result = _run("scan", str(root), "-o", str(out), "--csv", str(summary), "--no-progress")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and CANARY not in result.stderr
    lines = _lines(out)
    assert all("InternalError" not in json.dumps(line) for line in lines)
    named = {row["source_file"] for row in csv.DictReader(summary.open(encoding="utf-8"))}
    errors = " ".join(line["error"]["message"] for line in lines if "error" in line)
    assert CANARY not in errors
    for path, case in zip(paths, [c for c in CASES if "2mb" not in c[0]], strict=True):
        if case[3] == NOTHING:
            continue
        assert str(path) in named or str(path) in errors, f"{case[0]}: neither a report nor an error"


@pytest.mark.parametrize("case_id", ["jsonl-binary", "telegram-deep-nesting", "whatsapp-utf16", "meta-2mb-message"])
def test_scan_subprocess_on_single_hostile_files(case_id, tmp_path):
    case = next(c for c in CASES if c[0] == case_id)
    path = _write(tmp_path, case)
    result = _run("scan", str(path), "--no-progress")
    assert result.returncode in (0, 1)
    assert "Traceback" not in result.stderr and CANARY not in result.stderr
    assert result.stdout.strip(), "neither a report nor an error line"
    assert all(CANARY not in json.dumps(json.loads(line).get("error", {})) for line in result.stdout.splitlines())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("command", ["scan", "pack"])
def test_a_pipe_or_device_among_the_inputs_is_refused_not_waited_on(command, tmp_path):
    """Opening a named pipe nobody writes to blocked for ever (and pack copied /dev/zero without end)."""
    good = tmp_path / "good.jsonl"
    good.write_text(_jsonl(BASIC), encoding="utf-8")
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    out = tmp_path / ("report.jsonl" if command == "scan" else "case.zip")
    result = subprocess.run([sys.executable, "-m", "sextortion_flags", command, str(pipe), str(good), "-o", str(out)],
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    if command == "pack":
        import zipfile

        with zipfile.ZipFile(out) as pack:
            out.with_suffix(".jsonl").write_bytes(pack.read("report.jsonl"))
            assert "original/pipe.jsonl" not in pack.namelist()
        out = out.with_suffix(".jsonl")
    reports, errors = _check_lines(_lines(out), pipe)
    assert [r["id"] for r in reports] == ["c1"]
    assert [e["error"]["message"] for e in errors] == [f"{pipe}: not a regular file (a pipe, device or socket); "
                                                       "save the export to a file first"]


def test_an_output_naming_an_input_is_refused_before_the_input_is_emptied(tmp_path, monkeypatch, shared_analyzer):
    path = tmp_path / "chat.jsonl"
    path.write_text(_jsonl(BASIC), encoding="utf-8")
    before = path.read_bytes()
    for option in ("-o", "--csv", "--html"):
        extra = [option, str(path)] if option != "-o" else []
        out = path if option == "-o" else tmp_path / "report.jsonl"
        assert _scan_in_process([path], out, monkeypatch, shared_analyzer, *extra) == 2
        assert path.read_bytes() == before


def test_a_folder_scan_skips_the_report_it_is_writing(tmp_path, monkeypatch, shared_analyzer):
    """The reports kept inside the scanned folder were read back as inputs: the previous run's HTML page
    (written last, so still there), or this run's JSONL once flushed; an error line each, exit 1."""
    (tmp_path / "chat.jsonl").write_text(_jsonl(BASIC), encoding="utf-8")
    out = tmp_path / "z-report.jsonl"
    for _ in range(2):
        assert _scan_in_process([tmp_path], out, monkeypatch, shared_analyzer, "--csv", str(tmp_path / "s.csv"),
                                "--html", str(tmp_path / "report.html")) == 0
        assert [line["id"] for line in _lines(out)] == ["c1"]


@pytest.mark.parametrize(("option", "want"), [(["-o", "{tmp}/file.txt/report.jsonl"], "cannot write"),
                                              (["--csv", "{tmp}"], "cannot write"),
                                              (["--html", "{tmp}"], "cannot write")])  # was exit 1 after the scan
def test_an_unwritable_output_is_a_usage_error_not_an_internal_error(option, want, tmp_path, monkeypatch, capsys,
                                                                     shared_analyzer):
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    path = tmp_path / "chat.jsonl"
    path.write_text(_jsonl(BASIC), encoding="utf-8")
    args = [part.format(tmp=tmp_path) for part in option]
    out = tmp_path / "report.jsonl"
    assert _scan_in_process([path], out, monkeypatch, shared_analyzer, *args) == 2
    err = capsys.readouterr().err
    assert want in err and "internal error" not in err


@pytest.mark.parametrize("closed", [1, 2])
def test_scan_with_stdout_or_stderr_closed(closed, tmp_path):
    """Started with `2>&-` scan stopped on an internal error and wrote nothing; with `>&-` and no -o it
    says stdout is closed (exit 2)."""
    path = tmp_path / "chat.jsonl"
    path.write_text(_jsonl(BASIC), encoding="utf-8")
    out = tmp_path / "report.jsonl"
    args = ["-o", str(out)] if closed == 2 else []
    result = subprocess.run([sys.executable, "-m", "sextortion_flags", "scan", str(path), *args],
                            capture_output=True, text=True, env=ENV, timeout=300,
                            preexec_fn=lambda: os.close(closed))  # noqa: PLW1509 - test only, no threads
    if closed == 2:
        assert result.returncode == 0 and [line["id"] for line in _lines(out)] == ["c1"]
    else:
        assert result.returncode == 2 and "standard output is closed" in result.stderr


# ---------------------------------------------------------------- the Python API


@pytest.mark.parametrize("item", [
    None, 42, "a string", [1, 2], {"messages": []}, {"id": "x"}, {"id": "x", "messages": CANARY},
    {"id": "x", "messages": [None]}, {"id": "x", "messages": [{"text": 5}]}, {"id": ["x"], "messages": []},
    {"id": "x", "messages": [{"text": CANARY, "timestamp": CANARY}]}, {"id": "x", "participants": CANARY,
                                                                       "messages": []},
    {"id": "x", "messages": [{"text": CANARY, "kind": "bogus"}]}, {"id": True, "messages": []},
], ids=lambda item: type(item).__name__ + str(len(str(item))))
def test_analyze_safely_turns_wrong_types_into_error_reports(item, shared_analyzer):
    result = shared_analyzer.analyze_safely(item)
    assert isinstance(result, ErrorReport)
    assert result.error.type == "InputError"
    assert CANARY not in result.error.message


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_an_input_stream_failing_midway_still_gives_the_reports_read_before_it(n_jobs, shared_analyzer):
    """The items already read sat in an unfinished chunk and were lost with the stream's exception."""
    def stream():
        yield {"id": "a", "messages": [{"sender": "x", "text": "hello"}], "label": 1}
        yield {"id": "b", "messages": [{"sender": "x", "text": "send the photo on whatsapp"}]}
        raise OSError("disk went away")

    got = []
    with pytest.raises(OSError, match="disk went away"):
        for report in shared_analyzer.analyze_many(stream(), n_jobs=n_jobs):
            got.append(report.id)
    assert got == ["a", "b"]


@pytest.mark.parametrize(("n_jobs", "chunksize"), [("two", 32), (1, None), (float("inf"), 32), (1, float("inf"))])
def test_analyze_many_bad_arguments_are_the_librarys_own_errors(n_jobs, chunksize, shared_analyzer):
    from sextortion_flags.errors import SextortionFlagsError

    with pytest.raises(SextortionFlagsError):
        list(shared_analyzer.analyze_many([], n_jobs=n_jobs, chunksize=chunksize))


def test_a_huge_id_is_cut_in_error_messages(shared_analyzer):
    """A 10 MB id was repeated whole in the error message of its conversation (and on stderr by convert)."""
    result = shared_analyzer.analyze_safely({"id": "x" * 10_000_000, "messages": "not a list"})
    assert isinstance(result, ErrorReport) and len(result.error.message) < 300
    assert "messages" in result.error.message and "x" * 50 in result.error.message


def test_n_jobs_beyond_the_cores_starts_no_more_workers_than_cores(monkeypatch, shared_analyzer):
    """n_jobs=10**20 (or `--jobs 100000`) forked one worker per unit until the machine gave out."""
    import multiprocessing.context

    started = []
    pool = multiprocessing.context.BaseContext.Pool

    def counting_pool(self, processes=None, *args, **kwargs):
        started.append(processes)
        return pool(self, processes, *args, **kwargs)

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(multiprocessing.context.BaseContext, "Pool", counting_pool)
    items = [{"id": f"c{i}", "messages": [{"sender": "x", "text": "hello"}]} for i in range(3)]
    assert [r.id for r in shared_analyzer.analyze_many(items, n_jobs=3, chunksize=1)] == ["c0", "c1", "c2"]
    assert started == [2]


def test_a_parser_or_analyzer_bug_costs_one_error_line_without_traceback_or_text(tmp_path, monkeypatch, capfd,
                                                                                 shared_analyzer):
    """A bug in one parser stopped the whole scan ('internal error'), and a bug while scoring printed a
    traceback (log.exception), whose last line can quote the message."""
    from sextortion_flags.parsers.whatsapp import WhatsAppParser

    def broken_parse(self, path, options):
        raise TypeError(CANARY)

    monkeypatch.setattr(WhatsAppParser, "parse", broken_parse)
    chat = tmp_path / "chat.txt"
    chat.write_text(_whatsapp(BASIC), encoding="utf-8")
    good = tmp_path / "good.jsonl"
    good.write_text(_jsonl(BASIC) + _jsonl([("Sam", "boom")]).replace('"c1"', '"c2"'), encoding="utf-8")
    real = shared_analyzer._analyze_read

    def analyze_read(conv, *args):
        if conv.id == "c2":
            raise KeyError(CANARY)
        return real(conv, *args)

    monkeypatch.setattr(shared_analyzer, "_analyze_read", analyze_read)
    out = tmp_path / "report.jsonl"
    assert _scan_in_process([chat, good], out, monkeypatch, shared_analyzer) == 1
    lines = _lines(out)
    assert [line.get("id") for line in lines] == [None, "c1", "c2"]
    assert lines[0]["error"]["message"] == f"{chat}: could not be read (TypeError); please report it"
    assert lines[2]["error"] == {"type": "InternalError", "message": "KeyError"}
    err = capfd.readouterr().err
    assert "Traceback" not in err and CANARY not in err and CANARY not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "encoding"), [("chat.jsonl", "utf-16"), ("chat.jsonl", "utf-32"),
                                                ("chat.txt", "utf-16-le"), ("messages.html", "utf-32")])
def test_wide_encodings_no_parser_reads_say_so(name, encoding, tmp_path):
    """A JSONL saved by Windows PowerShell (UTF-16) was 'not a recognised chat export': say what to fix."""
    from sextortion_flags.parsers.registry import parse_file

    fmt = {"chat.jsonl": "jsonl", "chat.txt": "whatsapp", "messages.html": "telegram_html"}[name]
    path = tmp_path / name
    path.write_bytes(BUILDERS[fmt][1](BASIC).encode(encoding))
    (item,) = parse_file(path)
    assert isinstance(item, ErrorReport)
    assert item.error.message == f"{path}: UTF-16 or UTF-32 text, not recognised as a chat export; save it as UTF-8 " \
                                 "and retry"


def test_lone_surrogates_from_the_python_api_become_replacement_characters(shared_analyzer):
    """Half a surrogate pair in a dict passed straight to analyze() is mended as the file readers do:
    one U+FFFD for one character, so quotes and offsets still match the text, and the report is JSON."""
    text = "envoie 500 euros par western union sinon je publie la vidéo \ud800 maintenant"
    item = {"id": "c\udc00", "user": "v", "participants": [{"id": "s", "name": "N\udfff"}],
            "messages": [{"sender": "s", "text": text}, {"sender": "v", "text": "non \ud83d"}]}
    report = shared_analyzer.analyze(item)
    dumped = json.loads(report.model_dump_json())  # raised "surrogates not allowed" before
    assert dumped["id"] == "c\ufffd"
    assert report.risk_level in ("high", "critical")
    mended = text.replace("\ud800", "\ufffd")
    for flag in report.flags:
        for evidence in flag.evidence:
            if evidence.message_index == 0 and evidence.start is not None:
                assert mended[evidence.start:evidence.end] == evidence.quote
    assert any(flag.evidence and "\ufffd" in (flag.explanation or "") + "".join(e.quote or "" for e in flag.evidence)
               for flag in report.flags)  # the mended name or quote is in the report


def test_file_names_that_are_not_utf8_never_stop_scan_or_pack(tmp_path, monkeypatch, capfd, shared_analyzer):
    """A name in Latin-1 (read by Python as lone surrogates) used to make the error line, the CSV row
    or the pack's member name unwritable: scan stopped with an internal error and lost what followed."""
    folder = tmp_path / "in"
    folder.mkdir()
    conversation = {"id": "c1", "messages": [{"sender": "a", "text": "hello, add me on whatsapp"}]}
    good = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.jsonl"))
    good.write_text(json.dumps(conversation) + "\n", encoding="utf-8")
    Path(os.fsdecode(os.fsencode(folder) + b"/bad\xe9.jsonl")).write_text("{not json\n", encoding="utf-8")
    Path(os.fsdecode(os.fsencode(folder) + b"/zz\xff.jsonl")).write_text(
        json.dumps(dict(conversation, id="c3")) + "\n", encoding="utf-8")
    out, table, page = tmp_path / "r.jsonl", tmp_path / "r.csv", tmp_path / "r.html"
    code = _scan_in_process([folder], out, monkeypatch, shared_analyzer, "--csv", str(table), "--html", str(page))
    stderr = capfd.readouterr().err
    assert code == 1 and "internal error" not in stderr
    reports, errors = _check_lines(_lines(out), folder)
    assert sorted(r["id"] for r in reports) == ["c1", "c3"]  # nothing after the bad name was lost
    assert len(errors) == 1 and "bad\ufffd.jsonl:1" in errors[0]["error"]["message"]
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert {row["source_file"].rsplit("/", 1)[-1] for row in rows if row["id"]} == {"caf\ufffd.jsonl", "zz\ufffd.jsonl"}
    assert page.stat().st_size > 0

    pack = tmp_path / "case.zip"
    assert cli.main(["pack", str(good), "-o", str(pack)]) == 0
    import zipfile

    with zipfile.ZipFile(pack) as archive:
        assert "original/caf_.jsonl" in archive.namelist()
