"""The command line end to end, as a user runs it (subprocess), plus bad inputs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, assert_contract

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sextortion_flags", *args], capture_output=True, text=True,
                          input=stdin, env=ENV, timeout=300)


def read_reports(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_scan_examples_writes_contract_valid_reports(tmp_path, example_conversations):
    out = tmp_path / "report.jsonl"
    summary = tmp_path / "summary.csv"
    result = run("scan", str(EXAMPLES), "-o", str(out), "--csv", str(summary))
    assert result.returncode == 0, result.stderr
    reports = read_reports(out)
    assert [r["id"] for r in reports] == [c["id"] for c in example_conversations]
    for report, conv in zip(reports, example_conversations, strict=True):
        assert_contract(report, conv)
    rows = summary.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("id,source_file,risk_level")
    assert len(rows) == len(reports) + 1
    assert "Traceback" not in result.stderr


def test_the_csv_summary_defuses_cells_a_spreadsheet_would_run_as_formulas(tmp_path, monkeypatch):
    """A conversation id (a Telegram id is the other party's chat name) or a file name such as
    `=HYPERLINK("http://…","click")` ran as a formula when the summary was opened in a spreadsheet."""
    import csv

    from sextortion_flags import cli

    ids = ['=HYPERLINK("http://evil.invalid","open")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "c-1"]
    path = tmp_path / "=1+1.jsonl"
    path.write_text("".join(json.dumps({"id": i, "messages": [{"sender": "a", "text": "hello"}]}) + "\n"
                            for i in ids) + "{broken\n", encoding="utf-8")
    out, summary = tmp_path / "r.jsonl", tmp_path / "s.csv"
    monkeypatch.chdir(tmp_path)  # the file is named `=1+1.jsonl` in the table, as given
    assert cli.main(["scan", path.name, "-o", str(out), "--csv", str(summary), "--jobs", "1", "--no-progress"]) == 1
    assert [r.get("id") for r in read_reports(out)] == [*ids, None]  # the JSON keeps them as they are
    rows = list(csv.reader(summary.open(encoding="utf-8", newline="")))[1:]
    assert [row[0] for row in rows] == [*("'" + i for i in ids[:-1]), "c-1", ""]
    assert {row[1] for row in rows[:-1]} == {"'=1+1.jsonl"}
    assert rows[-1][6].startswith("'=1+1.jsonl:7")
    assert [float(row[3]) for row in rows[:-1]] == [0.0] * len(ids)  # numbers untouched


def test_scan_to_stdout_and_no_progress_bar_when_not_a_terminal():
    result = run("scan", str(EXAMPLES))
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 4
    assert "conv/s" not in result.stderr and "it/s" not in result.stderr


def test_bad_lines_become_error_lines_and_exit_1(tmp_path):
    good = json.dumps({"id": "ok", "messages": [{"sender": "a", "text": "hello"}]})
    lines = [good, "{not json", "", json.dumps(["list"]), json.dumps({"id": "noMessages"}),
             json.dumps({"id": "ok2", "messages": []})]
    path = tmp_path / "in.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe bad bytes\n" + b"\x00\x01binary\n")
    out = tmp_path / "out.jsonl"
    result = run("scan", str(path), "-o", str(out))
    assert result.returncode == 1
    reports = read_reports(out)
    assert [r.get("id") for r in reports] == ["ok", None, None, "noMessages", "ok2", None, None]
    errors = [r["error"] for r in reports if "error" in r]
    assert len(errors) == 5
    assert f"{path}:2" in errors[0]["message"] and "malformed JSON" in errors[0]["message"]
    assert f"{path}:4" in errors[1]["message"]
    assert "messages" in errors[2]["message"]
    assert errors[3]["type"] == "EncodingError"
    assert "Traceback" not in result.stderr


def test_missing_file_is_an_error_line_not_a_crash(tmp_path):
    out = tmp_path / "out.jsonl"
    result = run("scan", str(tmp_path / "missing.jsonl"), str(EXAMPLES), "-o", str(out))
    assert result.returncode == 1
    reports = read_reports(out)
    assert reports[0]["error"]["type"] == "FileNotFoundError"
    assert len(reports) == 5


def test_directory_input_is_scanned_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.jsonl").write_text(EXAMPLES.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("scan", str(tmp_path))
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 4


def test_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    result = run("scan", str(path))
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.parametrize("args", [[], ["scan"], ["scan", "x", "--jobs", "many"], ["frobnicate"],
                                  ["scan", "x", "--min-level", "extreme"]])
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option", ["--rules", "--model"])
@pytest.mark.parametrize("target", ["missing", "/dev/zero", "not_yaml"])
def test_a_rules_or_model_file_that_cannot_be_used_is_a_usage_error(tmp_path, option, target):
    """A missing --rules path exited 1 ("some inputs failed") although nothing was scored, and
    /dev/zero was "no such file" (or, for --model, read as one)."""
    path = {"missing": str(tmp_path / "missing"), "/dev/zero": "/dev/zero"}.get(target, str(tmp_path / "x.txt"))
    if target == "not_yaml":
        Path(path).write_text("- [unclosed\n  : {\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = run("scan", str(EXAMPLES), option, path, "-o", str(out))
    assert result.returncode == 2
    assert path in result.stderr and "Traceback" not in result.stderr
    assert ("not a regular file" in result.stderr) == (target == "/dev/zero")
    assert not out.exists()


def test_jobs_two_gives_the_same_reports(tmp_path):
    one, two = run("scan", str(EXAMPLES)), run("scan", str(EXAMPLES), "--jobs", "2")
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout


def test_min_level_filters(tmp_path):
    result = run("scan", str(EXAMPLES), "--min-level", "high")
    levels = [json.loads(line)["risk_level"] for line in result.stdout.splitlines()]
    assert levels and all(level in ("high", "critical") for level in levels)


def test_rules_command_lists_rules():
    result = run("rules", "--lang", "fr")
    assert result.returncode == 0
    assert "fr/platform_migration/add-me-on-app" in result.stdout
    assert all(line.startswith("fr/") for line in result.stdout.splitlines())


def test_rules_command_json():
    result = run("rules", "--lang", "en", "--json", "--category", "threat")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(r["category"] == "threat" and r["language"] == "en" for r in rows)


def test_convert_round_trips_canonical_jsonl(tmp_path, example_conversations):
    out = tmp_path / "conv.jsonl"
    result = run("convert", str(EXAMPLES), "-o", str(out))
    assert result.returncode == 0
    converted = read_reports(out)
    assert [c["id"] for c in converted] == [c["id"] for c in example_conversations]
    assert converted[0]["messages"][0]["text"] == example_conversations[0]["messages"][0]["text"]


def test_version():
    result = run("--version")
    assert result.returncode == 0 and "sextortion-flags" in result.stdout


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "sextortion-flags"
    assert script.exists()
    result = subprocess.run([str(script), "scan", str(EXAMPLES)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 4


def test_profiles_side_car_and_user(tmp_path):
    conv = {"id": "side", "messages": [
        {"sender": "Lina", "text": "salut, ajoute moi sur snap", "timestamp": "2025-08-01T21:40:00+00:00"},
        {"sender": "Yassine", "text": "salut", "timestamp": "2025-08-01T21:41:00+00:00"}]}
    src = tmp_path / "c.jsonl"
    src.write_text(json.dumps(conv) + "\n", encoding="utf-8")
    profiles = tmp_path / "profiles.json"
    profiles.write_text(json.dumps({"Lina": {"created_at": "2025-07-31T10:00:00+00:00", "followers": 2,
                                             "following": 900, "posts": 0}}), encoding="utf-8")
    result = run("scan", str(src), "--profiles", str(profiles), "--user", "Yassine")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    account = next(f for f in report["flags"] if f["category"] == "suspicious_account")
    assert account["sender"] == "Lina"
    converted = json.loads(run("convert", str(src), "--user", "Yassine").stdout)
    assert converted["user"] == "Yassine"


@pytest.mark.parametrize(("option", "value"), [("--timezone", "Mars/Olympus"), ("--profiles", "/no/such.json"),
                                               ("--timezone", "A" * 5000)])  # "File name too long": exit 1
def test_bad_side_options_are_usage_errors(option, value):
    result = run("scan", str(EXAMPLES), option, value)
    assert result.returncode == 2 and "error" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["deep", "pipe", "followers", "created_at", "negative"])
def test_a_hostile_profiles_side_car_is_a_usage_error(kind, tmp_path):
    """A deeply nested side-car was an internal error (RecursionError); a named pipe blocked for ever;
    a bad account field failed every conversation with that sender, as if the conversation were bad."""
    profiles = tmp_path / "profiles.json"
    bad_fields = {"followers": {"followers": "zqxcanary"}, "created_at": {"created_at": "zqxcanary"},
                  "negative": {"posts": -1}}
    if kind == "deep":
        profiles.write_text('{"a":' * 100_000 + "1" + "}" * 100_000, encoding="utf-8")
    elif kind == "pipe":
        os.mkfifo(profiles)
    else:
        profiles.write_text(json.dumps({"ok": {"followers": 3}, "a": bad_fields[kind]}), encoding="utf-8")
    chat = tmp_path / "chat.jsonl"
    chat.write_text(json.dumps({"id": "c", "messages": [{"sender": "a", "text": "hello"}]}) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sextortion_flags", "scan", str(chat), "--profiles", str(profiles)],
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 2 and f"--profiles {profiles}" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    if kind in bad_fields:
        field = next(iter(bad_fields[kind]))
        assert f"entry 2: {field}" in result.stderr and "zqxcanary" not in result.stderr


def test_scan_reads_canonical_jsonl_from_standard_input(tmp_path):
    """`zcat chats.jsonl.gz | sextortion-flags scan -`: streamed like a file, bad lines named <stdin>:N,
    and alongside file inputs in order."""
    examples = EXAMPLES.read_text(encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("scan", "-", str(EXAMPLES), "-o", str(out), stdin=examples + "{not json\n")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    reports = read_reports(out)
    ids = [json.loads(line)["id"] for line in examples.splitlines() if line.strip()]
    assert [r.get("id") for r in reports] == [*ids, None, *ids]
    assert reports[len(ids)]["error"]["message"].startswith(f"<stdin>:{len(ids) + 1}: malformed JSON")
    conversations = [json.loads(line) for line in examples.splitlines() if line.strip()]
    for report, conversation in zip(reports[:len(ids)], conversations, strict=True):  # same reports as from a file
        assert_contract(report, conversation)
    assert reports[:len(ids)] == reports[len(ids) + 1:]
    refused = run("scan", "-", "--format", "whatsapp", stdin="")
    assert refused.returncode == 2 and "needs a file" in refused.stderr
    refused = run("pack", "-", "-o", str(tmp_path / "case.zip"), stdin=examples)
    assert refused.returncode == 2 and "standard input" in refused.stderr and not (tmp_path / "case.zip").exists()
