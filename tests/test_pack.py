"""Evidence packs (issue 10 part 4): the zip holds the originals byte for byte and verifies
against its own manifest; the originals are never touched; identifiers are the other party's."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sextortion_flags import i18n
from sextortion_flags.errors import UsageError
from sextortion_flags.models import Report
from sextortion_flags.pack import write_pack
from sextortion_flags.pack.build import pack_language

from .conftest import EXAMPLES, ROOT, leaves, placeholders

WHATSAPP = ROOT / "tests" / "golden" / "whatsapp" / "fr_android.txt"
OLD_MTIME = 1_600_000_000  # 2020-09-13: a time the pack could not produce by accident
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
SCAMMER_IBAN = "FR8512345678900001234567890"
SCAMMER_PHONE = "+212661234567"
USER_PHONE = "0711223344"
PACK_FILES = {"MANIFEST.sha256", "README.txt", "report.jsonl", "report.html", "timeline.csv", "identifiers.csv"}

# A blackmail conversation (non-graphic): the user gives their own number first, the other party
# repeats it as a threat and then gives a payment account and a number of their own.
EXTORTION = {
    "id": "case-iban", "platform": "instagram", "user": "v",
    "participants": [{"id": "x", "name": "Alex"}, {"id": "v", "name": "Sam"}],
    "messages": [
        {"sender": "x", "text": "salut ajoute moi sur whatsapp", "timestamp": "2025-01-20T22:00:00"},
        {"sender": "v", "text": "mon numéro c'est le 07 11 22 33 44", "timestamp": "2025-01-20T22:01:00"},
        {"sender": "x", "text": "je connais ton numéro 07 11 22 33 44, j'ai tout enregistré",
         "timestamp": "2025-01-20T22:05:00"},
        {"sender": "x", "text": "je vais envoyer la vidéo à ta famille si tu ne paies pas",
         "timestamp": "2025-01-20T22:06:00"},
        {"sender": "x", "text": f"envoie 500 euros sur ce compte {SCAMMER_IBAN} ce soir ou je publie",
         "timestamp": "2025-01-20T22:07:00"},
        {"sender": "x", "text": "appelle moi au +212 6 61 23 45 67", "timestamp": "2025-01-20T22:08:00"},
    ],
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def copy_input(source: Path, folder: Path) -> Path:
    """A copy of a fixture with a known old mtime, so that 'unchanged' can be checked."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    shutil.copyfile(source, target)
    os.utime(target, (OLD_MTIME, OLD_MTIME))
    return target


def snapshot(paths: list[Path]) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}


def read_pack(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as pack:
        assert pack.testzip() is None
        return {name: pack.read(name) for name in pack.namelist()}


def manifest(files: dict[str, bytes]) -> dict[str, str]:
    lines = files["MANIFEST.sha256"].decode("utf-8").splitlines()
    assert lines == sorted(lines, key=lambda line: line.split("  ", 1)[1])
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def assert_verifies(files: dict[str, bytes]) -> None:
    """Every file but the manifest is listed in it, with the SHA-256 of its bytes."""
    listed = manifest(files)
    assert set(listed) == set(files) - {"MANIFEST.sha256"}
    for name, data in files.items():
        if name != "MANIFEST.sha256":
            assert listed[name] == sha256(data), name


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def reports(files: dict[str, bytes]) -> list[dict]:
    return [json.loads(line) for line in files["report.jsonl"].decode("utf-8").splitlines()]


@pytest.fixture
def inputs(tmp_path) -> list[Path]:
    return [copy_input(WHATSAPP, tmp_path / "exports"), copy_input(EXAMPLES, tmp_path / "exports")]


@pytest.fixture
def extortion_file(tmp_path) -> Path:
    path = tmp_path / "case" / "instagram.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(EXTORTION, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sextortion_flags", "pack", *args], capture_output=True, text=True,
                          env=ENV, timeout=300)


# ---------------------------------------------------------------- one case


def test_one_pack_holds_originals_byte_for_byte_and_verifies(tmp_path, inputs, analyzer):
    before = snapshot(inputs)
    result = write_pack(inputs, tmp_path / "out" / "case.zip", analyzer=analyzer)
    assert result.packs == [tmp_path / "out" / "case.zip"] and result.failed == 0
    assert snapshot(inputs) == before  # originals neither changed nor touched
    files = read_pack(result.packs[0])
    assert set(files) == PACK_FILES | {"original/fr_android.txt", "original/conversations.jsonl"}
    for path in inputs:
        assert files[f"original/{path.name}"] == path.read_bytes()
    assert_verifies(files)
    with zipfile.ZipFile(result.packs[0]) as pack:  # the originals' modification times are kept
        stamp = pack.getinfo("original/fr_android.txt").date_time
    assert stamp[:5] == time.localtime(OLD_MTIME)[:5]
    ids = [r["id"] for r in reports(files)]
    assert ids[0] == "fr_android" and len(ids) == 1 + len(EXAMPLES.read_text(encoding="utf-8").splitlines())
    assert sorted(os.listdir(tmp_path / "out")) == ["case.zip"]  # no temporary file left behind


def test_sha256sum_accepts_the_manifest(tmp_path, inputs, analyzer):
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    pack = write_pack(inputs, tmp_path / "case.zip", analyzer=analyzer).packs[0]
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(pack) as archive:
        archive.extractall(unpacked)
    check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=unpacked, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(PACK_FILES) - 1 + len(inputs)


def test_manifest_catches_a_changed_file(tmp_path, inputs, analyzer):
    files = read_pack(write_pack(inputs, tmp_path / "case.zip", analyzer=analyzer).packs[0])
    files["original/fr_android.txt"] += b"\n"
    with pytest.raises(AssertionError):
        assert_verifies(files)


def test_csv_headers_and_timeline(tmp_path, inputs, analyzer):
    files = read_pack(write_pack(inputs, tmp_path / "case.zip", analyzer=analyzer).packs[0])
    assert files["identifiers.csv"].splitlines()[0] == b"type,value,message_index,timestamp,sender"
    timeline = csv_rows(files["timeline.csv"])
    assert timeline[0] == ["conversation_id", "message_index", "timestamp", "sender", "category", "severity", "quote"]
    flagged = [r for r in reports(files) if r.get("flags")]
    expected = {(r["id"], str(e["message_index"]), f["category"], e.get("quote") or "")
                for r in flagged for f in r["flags"] for e in f["evidence"]}
    assert {(row[0], row[1], row[4], row[6]) for row in timeline[1:]} == expected
    order = [r["id"] for r in reports(files)]
    keys = [(order.index(row[0]), int(row[1])) for row in timeline[1:]]
    assert keys == sorted(keys)  # by conversation, then message
    assert len(timeline) - 1 == len({tuple(row) for row in timeline[1:]})  # each row once


def test_identifiers_are_the_other_partys_never_the_users(tmp_path, extortion_file, analyzer):
    files = read_pack(write_pack([extortion_file], tmp_path / "case.zip", analyzer=analyzer).packs[0])
    rows = csv_rows(files["identifiers.csv"])
    values = {row[1]: row for row in rows[1:]}
    assert SCAMMER_IBAN in values and SCAMMER_PHONE in values
    assert values[SCAMMER_IBAN][0] == "iban" and values[SCAMMER_IBAN][2:] == ["4", "2025-01-20T22:07:00", "x"]
    assert not any(USER_PHONE in row[1] for row in rows)
    assert reports(files)[0]["risk_level"] in ("high", "critical")


@pytest.mark.parametrize("language", ["fr", "ar", "es", "en"])
def test_readme_in_the_chosen_language(tmp_path, extortion_file, analyzer, language):
    pack = write_pack([extortion_file], tmp_path / "case.zip", analyzer=analyzer, language=language).packs[0]
    readme = read_pack(pack)["README.txt"].decode("utf-8")
    for key in ("pack.title", "pack.originals", "pack.private", "pack.send.heading"):
        assert i18n.text(language, key) in readme
    assert "sha256sum -c MANIFEST.sha256" in readme
    assert f"{sha256(extortion_file.read_bytes())}  original/instagram.jsonl" in readme
    if language != "en":
        assert i18n.text("en", "pack.private") not in readme


def test_readme_names_the_country_services(tmp_path, extortion_file):
    from sextortion_flags import Analyzer

    analyzer = Analyzer(country="FR", explain_language="fr")
    readme = read_pack(write_pack([extortion_file], tmp_path / "c.zip", analyzer=analyzer).packs[0])["README.txt"]
    text = readme.decode("utf-8")
    assert "internet-signalement.gouv.fr" in text and "Instagram" in text
    assert "e-blagh" not in text.lower()  # another country's service


@pytest.mark.parametrize(("explicit", "languages", "expected"), [
    ("ar", ["fr", "fr"], "ar"),
    (None, ["fr", "en", "fr"], "fr"),
    (None, ["ary", "ary", "en"], "fr"),  # Darija in Latin letters reads the French catalog
    (None, [None, "xx"], "en"),
    (None, [], "en"),
])
def test_pack_language(explicit, languages, expected):
    found = [Report(id=str(n), risk_score=0.0, risk_level="none", language=lang) for n, lang in enumerate(languages)]
    assert pack_language(explicit, found) == expected


def test_folder_input_is_walked_and_kept_with_its_layout(tmp_path, analyzer):
    copy_input(WHATSAPP, tmp_path / "export" / "whatsapp")
    copy_input(EXAMPLES, tmp_path / "export")
    (tmp_path / "export" / "photo.jpg").write_bytes(b"\xff\xd8 not an export")
    files = read_pack(write_pack([tmp_path / "export"], tmp_path / "case.zip", analyzer=analyzer).packs[0])
    assert {n for n in files if n.startswith("original/")} == {"original/export/whatsapp/fr_android.txt",
                                                              "original/export/conversations.jsonl"}
    assert_verifies(files)


def test_same_file_names_from_two_folders_do_not_collide(tmp_path, analyzer):
    first, second = copy_input(WHATSAPP, tmp_path / "a"), copy_input(EXAMPLES, tmp_path / "b")
    second = second.rename(second.with_name(first.name))
    files = read_pack(write_pack([first, second], tmp_path / "case.zip", analyzer=analyzer).packs[0])
    assert files["original/fr_android.txt"] == first.read_bytes()
    assert files["original/fr_android-2.txt"] == second.read_bytes()


def test_names_differing_only_in_case_do_not_collide_once_unzipped(tmp_path, analyzer):
    """`a/chat.txt` and `b/Chat.txt` became `original/chat.txt` and `original/Chat.txt`, and in folder
    mode `chat.zip` and `Chat.zip`: one file on Windows and macOS, so one original (or one whole pack)
    overwrote the other there."""
    first = copy_input(WHATSAPP, tmp_path / "a")
    first = first.rename(first.with_name("chat.txt"))
    second = copy_input(EXAMPLES, tmp_path / "b")
    second = second.rename(second.with_name("Chat.txt"))
    files = read_pack(write_pack([first, second], tmp_path / "case.zip", analyzer=analyzer).packs[0])
    originals = sorted(n for n in files if n.startswith("original/"))
    assert originals == ["original/Chat-2.txt", "original/chat.txt"]
    assert files["original/Chat-2.txt"] == second.read_bytes()
    packs = write_pack([first, second], tmp_path / "packs", analyzer=analyzer, per_input=True).packs
    assert [p.name for p in packs] == ["chat.zip", "Chat-pack.zip"]


# ---------------------------------------------------------------- per input, refusals, failures


def test_one_pack_per_input_in_a_folder(tmp_path, inputs, extortion_file, analyzer):
    given = [*inputs, extortion_file]
    result = write_pack(given, tmp_path / "packs", analyzer=analyzer, per_input=True)
    assert [p.name for p in result.packs] == ["fr_android.zip", "conversations.zip", "instagram.zip"]
    for path, pack in zip(given, result.packs, strict=True):
        files = read_pack(pack)
        assert {n for n in files if n.startswith("original/")} == {f"original/{path.name}"}
        assert files[f"original/{path.name}"] == path.read_bytes()
        assert_verifies(files)


def test_a_pack_beside_a_zip_input_does_not_take_its_name(tmp_path, analyzer):
    export = tmp_path / "chat.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("_chat.txt", WHATSAPP.read_bytes())
    before = export.read_bytes()
    result = write_pack([export], tmp_path, analyzer=analyzer, per_input=True)
    assert result.packs == [tmp_path / "chat-pack.zip"] and export.read_bytes() == before


@pytest.mark.parametrize("where", ["over_input", "inside_folder", "folder_mode_inside"])
def test_refuses_to_write_over_or_inside_inputs(tmp_path, inputs, analyzer, where):
    before = snapshot(inputs)
    output, per_input = {"over_input": (inputs[0], False), "inside_folder": (tmp_path / "exports" / "case.zip", False),
                         "folder_mode_inside": (tmp_path / "exports" / "packs", True)}[where]
    given = inputs if where == "over_input" else [tmp_path / "exports"]
    with pytest.raises(UsageError):
        write_pack(given, output, analyzer=analyzer, per_input=per_input)
    assert snapshot(inputs) == before
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == sorted(p.name for p in inputs)


@pytest.mark.parametrize("per_input", [False, True])
def test_a_pipe_as_destination_is_refused_not_replaced(tmp_path, inputs, analyzer, per_input):
    """The finished pack was renamed over its destination: `-o /dev/null` run as root replaced the
    null device itself with a zip (and a named pipe with a file)."""
    import stat

    folder = tmp_path / "packs"
    folder.mkdir()
    pipe = folder / f"{inputs[0].stem}.zip" if per_input else folder / "case.zip"
    os.mkfifo(pipe)
    with pytest.raises(UsageError, match="not a regular file"):
        write_pack(inputs, folder if per_input else pipe, analyzer=analyzer, per_input=per_input)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert sorted(p.name for p in folder.iterdir()) == [pipe.name]  # no pack, no temporary file


@pytest.mark.parametrize("output", ["-", ""])
def test_cli_pack_to_standard_output_or_an_empty_name_is_a_usage_error(tmp_path, inputs, monkeypatch, output):
    """`-o -` wrote a zip file named "-" and an empty -o (an unset variable) packed into the current folder."""
    from sextortion_flags import cli

    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert cli.main(["pack", str(inputs[0]), "-o", output]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_failure_leaves_no_half_pack(tmp_path, inputs, analyzer, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("sextortion_flags.pack.build._html", broken)
    (tmp_path / "out").mkdir()
    with pytest.raises(OSError):
        write_pack(inputs, tmp_path / "out" / "case.zip", analyzer=analyzer)
    assert list((tmp_path / "out").iterdir()) == []


# ---------------------------------------------------------------- command line


def test_cli_end_to_end_with_a_bad_input(tmp_path, inputs):
    bad = tmp_path / "exports" / "broken.json"
    bad.write_bytes(b"\x00\x01 not a chat export \xff")
    missing = tmp_path / "exports" / "missing.txt"
    before = snapshot([*inputs, bad])
    out = tmp_path / "case.zip"
    result = run(*map(str, [*inputs, bad, missing]), "-o", str(out), "--explain-lang", "ar", "--country", "MA")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout.strip() == str(out)
    assert snapshot([*inputs, bad]) == before
    files = read_pack(out)
    assert_verifies(files)
    assert files["original/broken.json"] == bad.read_bytes() and "original/missing.txt" not in files
    errors = [r for r in reports(files) if "error" in r]
    assert len(errors) == 2 and all(str(tmp_path) in e["error"]["message"] for e in errors)
    readme = files["README.txt"].decode("utf-8")
    assert i18n.text("ar", "pack.failed", count=2) in readme and "e-blagh.ma" in readme


def test_cli_folder_mode_with_trailing_slash(tmp_path, inputs):
    result = run(*map(str, inputs), "-o", f"{tmp_path / 'packs'}/")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "packs").iterdir()) == ["conversations.zip", "fr_android.zip"]


@pytest.mark.parametrize("args", [
    ["-o", "{input}"],                     # over an input
    ["-o", "{folder}/case.zip"],           # inside an input folder given as input
    ["-o", "{tmp}/c.zip", "--country", "ZZ"],
    ["-o", "{tmp}/c.zip", "--redact"],     # packs are never redacted
    [],                                    # -o is required
])
def test_cli_bad_usage_exits_2(tmp_path, inputs, args):
    values = {"input": inputs[0], "folder": tmp_path / "exports", "tmp": tmp_path}
    given = [str(tmp_path / "exports")] if "{folder}" in " ".join(args) else [str(inputs[0])]
    before = snapshot(inputs)
    result = run(*given, *(a.format(**values) for a in args))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(inputs) == before and not (tmp_path / "c.zip").exists()


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_pack_catalog_has_englishs_keys_and_placeholders(language):
    english, other = ({key: str(value) for key, value in leaves(i18n.catalog(lang)["pack"])}
                      for lang in ("en", language))
    assert set(other) == set(english)
    for key, text in other.items():
        assert text.strip() and placeholders(text) == placeholders(english[key]), key
