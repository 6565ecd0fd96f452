"""The `sextortion-flags` command: scan, pack, convert, rules.

Exit codes: 0 success (even when conversations are flagged), 1 when some inputs failed (the
others are still written), 2 on bad usage. No traceback reaches the user; logs never contain
message text.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from sextortion_flags._version import __version__
from sextortion_flags.errors import ModelFileError, RuleFileError, SextortionFlagsError, UsageError
from sextortion_flags.fusion import LEVEL_ORDER
from sextortion_flags.models import ErrorReport, Report

log = logging.getLogger("sextortion_flags")

EXPORT_SUFFIXES = (".jsonl", ".ndjson", ".json", ".txt", ".zip", ".html", ".htm", ".csv", ".tsv")
"""Files picked up when a directory is given (images and videos in an export are skipped)."""


def _formats() -> tuple[str, ...]:
    from sextortion_flags.parsers.registry import formats

    return ("auto", *formats())


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one clear line
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sextortion-flags", description="Flag the warning signs of sextortion and grooming "
                     "in chat transcripts, with evidence and explanations.")
    parser.add_argument("--version", action="version", version=f"sextortion-flags {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details (never message text)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    scan = sub.add_parser("scan", help="score conversations and write a report JSONL")
    scan.add_argument("inputs", nargs="+", metavar="INPUT",
                      help="chat exports, canonical JSONL files or folders; - for canonical JSONL on standard input")
    scan.add_argument("-o", "--output", help="report JSONL (default: stdout)")
    _add_reading_options(scan)
    scan.add_argument("--jobs", type=int, default=-1,
                      help="worker processes (default -1: all cores; never more than the cores)")
    scan.add_argument("--min-level", default="none", choices=LEVEL_ORDER,
                      help="write only conversations at or above this risk level (errors are always written)")
    scan.add_argument("--csv", help="also write a CSV summary (one row per conversation)")
    scan.add_argument("--html", help="also write a self-contained HTML report, in the --explain-lang language "
                      "(meant for up to a few thousand conversations; written after the JSONL)")
    _add_analysis_options(scan)
    scan.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    scan.add_argument("--redact", action="store_true", help="mask phone numbers, e-mail addresses, IBANs, card "
                      "numbers and wallet addresses in quotes, explanations, summary and notes")

    pack = sub.add_parser("pack", help="write an evidence pack (zip) for a police or platform report")
    pack.add_argument("inputs", nargs="+", metavar="EXPORT", help="chat exports or folders (only read, never changed)")
    pack.add_argument("-o", "--output", required=True, metavar="PATH",
                      help="the pack, e.g. case.zip (one pack for all inputs), or a folder ending with / "
                      "(one <input>.zip per input)")
    _add_reading_options(pack)
    _add_analysis_options(pack)

    convert = sub.add_parser("convert", help="turn inputs into canonical conversation JSONL")
    convert.add_argument("inputs", nargs="+", metavar="EXPORT")
    convert.add_argument("-o", "--output", help="conversations JSONL (default: stdout)")
    convert.add_argument("--format", default="auto", choices=_formats())
    convert.add_argument("--timezone", help="time zone of local-time exports (e.g. Europe/Paris)")
    convert.add_argument("--user", help="display name or id of the person whose export it is")
    convert.add_argument("--profiles", help="JSON side-car: sender name or id -> account metadata")
    convert.add_argument("--columns", metavar="ROLE=NAME,...",
                      help="generic CSV/JSONL column names, e.g. timestamp=Date,sender=From,text=Body")

    rules = sub.add_parser("rules", help="list the packaged rules")
    rules.add_argument("--lang", choices=("fr", "en", "es", "ary", "ar"))
    rules.add_argument("--category", help="only this category")
    rules.add_argument("--rules", help="a rules directory instead of the packaged rules")
    rules.add_argument("--json", action="store_true", help="one JSON object per rule")
    return parser


def _add_reading_options(command: argparse.ArgumentParser) -> None:
    """How inputs are read (scan, pack)."""
    command.add_argument("--format", default="auto", choices=_formats(), help="input format (default: auto)")
    command.add_argument("--timezone", help="time zone of local-time exports (e.g. Europe/Paris; default: naive)")
    command.add_argument("--user", help="display name or id of the person whose export it is (the protected user)")
    command.add_argument("--profiles", help="JSON side-car: sender name or id -> account metadata")
    command.add_argument("--columns", metavar="ROLE=NAME,...",
                         help="generic CSV/JSONL column names, e.g. timestamp=Date,sender=From,text=Body")


def _add_analysis_options(command: argparse.ArgumentParser) -> None:
    """How conversations are scored and explained (scan, pack)."""
    command.add_argument("--lang", choices=("fr", "en", "es", "ary", "ar"), help="use only this language's rules")
    command.add_argument("--explain-lang", help="language of explanations and advice: en, fr, es, ar "
                         "(default: the conversation's when supported, else en)")
    command.add_argument("--country", help="ISO country code for national helplines and reporting services "
                         "(MA, FR, BE, ES, CA, GB, US; default: international ones and those in the reader's "
                         "language)")
    command.add_argument("--rules", help="a rules directory instead of the packaged rules")
    command.add_argument("--model", help="a classifier artifact instead of the packaged one")


# ---------------------------------------------------------------- inputs


def _input_files(inputs: list[str]) -> Iterator[Path]:
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES)
        else:
            yield path


def _options(args: argparse.Namespace) -> Any:
    from sextortion_flags.parsers.base import ParseOptions

    zone = None
    if getattr(args, "timezone", None):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            zone = ZoneInfo(args.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long to be a file
            raise UsageError(f"unknown time zone {args.timezone!r} (use a name such as Europe/Paris)") from None
    columns = _columns(getattr(args, "columns", None))
    return ParseOptions(timezone=zone, user=getattr(args, "user", None), columns=columns)


def _columns(spec: str | None) -> tuple[tuple[str, str], ...]:
    """`timestamp=Date,sender=From` -> (("timestamp", "Date"), ("sender", "From")), roles checked."""
    if not spec:
        return ()
    from sextortion_flags.parsers.generic import COLUMN_ALIASES

    pairs = []
    for part in spec.split(","):
        role, sep, name = part.partition("=")
        role, name = role.strip().lower(), name.strip()
        if not sep or not name or role not in COLUMN_ALIASES:
            raise UsageError(f"--columns: {part.strip()!r} is not ROLE=NAME with ROLE one of "
                             f"{', '.join(COLUMN_ALIASES)}")
        pairs.append((role, name))
    return tuple(pairs)


def _profiles(name: str | None) -> dict[str, dict[str, Any]]:
    if not name:
        return {}
    from sextortion_flags.parsers.base import load_json

    if Path(name).exists() and not Path(name).is_file():  # a folder, or a pipe that would block
        raise UsageError(f"--profiles {name}: not a regular file")
    try:
        data = load_json(Path(name).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UsageError(f"--profiles {name}: not a readable JSON file ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise UsageError(f"--profiles {name}: expected an object mapping a sender to its account fields")
    _check_accounts(name, data)
    return data


def _check_accounts(name: str, profiles: dict[str, dict[str, Any]]) -> None:
    """Each entry must be valid account fields: a bad one (`"followers": "many"`) made every conversation
    with that sender an error line blaming the conversation, not the side-car."""
    from pydantic import ValidationError

    from sextortion_flags.errors import describe_validation_error
    from sextortion_flags.models import Account

    for number, fields in enumerate(profiles.values(), 1):
        try:
            Account.model_validate(fields)
        except ValidationError as exc:
            raise UsageError(f"--profiles {name}: entry {number}: {describe_validation_error(exc)}") from None


def apply_side_info(item: dict[str, Any], profiles: dict[str, dict[str, Any]], user: str | None) -> dict[str, Any]:
    """Attach account metadata from the profiles side-car and name the protected user."""
    if not profiles and user is None:
        return item
    participants = item.get("participants")
    if participants is None and isinstance(item.get("messages"), list):  # derived from the senders, in order
        senders = [m.get("sender") for m in item["messages"] if isinstance(m, dict)]
        participants = item["participants"] = [{"id": s} for s in dict.fromkeys(senders) if isinstance(s, str)]
    if not isinstance(participants, list):
        return item
    for participant in participants:
        if not isinstance(participant, dict):
            continue
        keys = (participant.get("id"), participant.get("name"))
        match = next((profiles[k] for k in keys if isinstance(k, str) and k in profiles), None)
        if match is not None and "account" not in participant:
            participant["account"] = match
        if user is not None and user in keys and not item.get("user"):
            item["user"] = participant.get("id")
    return item


def _outputs(args: argparse.Namespace) -> list[Path]:
    """The files this command writes (stdout aside)."""
    names = (getattr(args, "output", None), getattr(args, "csv", None), getattr(args, "html", None))
    return [Path(name) for name in names if name and name != "-"]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:  # one of them does not exist (yet)
        return False


def _refuse_overwriting_inputs(args: argparse.Namespace) -> None:
    """An output naming an input would be emptied before it is read: the user's only copy of the chat."""
    for out in _outputs(args):
        if any(_same_file(out, Path(name)) for name in args.inputs):
            raise UsageError(f"{out} is also an input: writing there would destroy it; choose another output")


STDIN = "-"


def _stdin(fmt: str) -> Iterator[dict[str, Any] | ErrorReport]:
    """Canonical JSONL from standard input (`zcat chats.jsonl.gz | sextortion-flags scan -`),
    streamed like a file; exports need a file (their format is told from the file itself)."""
    from sextortion_flags.batch import read_jsonl_stream

    if fmt not in ("auto", "jsonl"):
        raise UsageError(f"standard input is read as canonical JSONL; --format {fmt} needs a file")
    if sys.stdin is None:
        raise UsageError("standard input is closed; give a file")
    yield from read_jsonl_stream(sys.stdin.buffer, "<stdin>")


def iter_conversations(args: argparse.Namespace) -> Iterator[dict[str, Any] | ErrorReport]:
    """Every conversation of every input, in order; unreadable inputs become error records. The
    command's own outputs are skipped when a folder walk meets them (an earlier run's, or this one's)."""
    from sextortion_flags.parsers.registry import parse_file

    options = _options(args)
    profiles = _profiles(getattr(args, "profiles", None))
    outputs = _outputs(args)
    for path in _input_files(args.inputs):
        if any(_same_file(path, out) for out in outputs):
            log.info("%s skipped: it is an output of this command", path)
            continue
        for item in _stdin(args.format) if str(path) == STDIN else parse_file(path, args.format, options):
            if isinstance(item, dict):
                item.setdefault("_source", str(path))  # standard input; parse_file sets it for files
                apply_side_info(item, profiles, options.user)
            yield item


# ---------------------------------------------------------------- outputs


def _open_output(stack: ExitStack, name: str | None, newline: str = "\n") -> TextIO:
    if name is None or name == "-":
        if sys.stdout is None:  # started with stdout closed (`>&-`)
            raise UsageError("standard output is closed; give -o FILE")
        return sys.stdout
    try:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return stack.enter_context(open(name, "w", encoding="utf-8", newline=newline))
    except OSError as exc:
        raise UsageError(f"cannot write {name} ({exc.strerror or type(exc).__name__})") from None


CSV_COLUMNS = ("id", "source_file", "risk_level", "risk_score", "categories", "first_high_risk_message", "error")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell starting with one of these as a formula (`=HYPERLINK(...)`, `+cmd|...`)."""


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with a leading `'` (OWASP's advice for
    CSV injection): ids come from chats (a Telegram id is the other party's chat name) and file
    names. Numbers are left alone; only the --csv table does this, never the JSON."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _csv_row(result: Report | ErrorReport, source: str | None) -> list[Any]:
    if isinstance(result, ErrorReport):
        row = [result.id or "", source or "", "", "", "", "", result.error.message]
    else:
        row = [result.id, source or "", result.risk_level, result.risk_score, ";".join(result.categories),
               "" if result.first_high_risk_index is None else result.first_high_risk_index, ""]
    return [spreadsheet_safe(cell) for cell in row]


def _progress(total_hint: int | None, enabled: bool):  # noqa: ANN202
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total_hint, unit="conv", file=sys.stderr, dynamic_ncols=True)


def _html_writer(path: str | None, language: str | None) -> Any:
    """The HTML report writer for --html: sections are spooled to disk as reports arrive, so
    memory holds one index row per conversation (HTML pages suit up to a few thousand)."""
    if not path:
        return None
    if Path(path).is_dir():  # the page is written at the end: say it now, not after the whole scan
        raise UsageError(f"cannot write {path} (Is a directory)")
    from sextortion_flags.html import HtmlReportWriter

    return HtmlReportWriter(path, language)  # None: each conversation in its own language


def _conversation_or_none(item: dict[str, Any] | None) -> Any:
    from sextortion_flags.analyzer import to_conversation

    try:
        return to_conversation(item) if item is not None else None
    except SextortionFlagsError:  # analysed fine but not re-validated: show the evidence quotes only
        return None


def _analyzer(args: argparse.Namespace) -> Any:
    """The analyzer the options ask for; a `--rules` or `--model` file that cannot be used is bad
    usage (exit 2): nothing could be scored with it."""
    from sextortion_flags.analyzer import Analyzer

    try:
        return Analyzer(language=args.lang, rules=args.rules, model=args.model,
                        explain_language=args.explain_lang, country=args.country)
    except (RuleFileError, ModelFileError) as exc:
        raise UsageError(str(exc)) from None


def _say_failed(failed: int, where: str) -> None:
    if failed:
        print(f"sextortion-flags: {failed} input(s) could not be analysed; see the error lines in {where}",
              file=sys.stderr)


def _redacted(result: Report | ErrorReport, conversation: Any, source: str | None,
              language: str | None) -> tuple[Report | ErrorReport, Any, str | None]:
    """--redact: the report or error line, the conversation shown in the HTML page and the source
    file name, each with its phone numbers, e-mails, IBANs, cards and wallets masked alike."""
    from sextortion_flags.redact import redact_conversation, redact_error, redact_report, redact_text

    source = None if source is None else redact_text(source)
    if isinstance(result, ErrorReport):
        return redact_error(result), None, source
    masked = None if conversation is None else redact_conversation(conversation)
    return redact_report(result, language, conversation), masked, source


def cmd_scan(args: argparse.Namespace) -> int:
    _refuse_overwriting_inputs(args)
    analyzer = _analyzer(args)
    html = _html_writer(args.html, args.explain_lang)
    min_rank = LEVEL_ORDER.index(args.min_level)
    items = iter_conversations(args)
    sources: dict[int, str | None] = {}
    kept: dict[int, dict[str, Any]] = {}  # for the HTML page and --redact: each input until its report is back

    def tagged() -> Iterator[Any]:
        for n, item in enumerate(items):
            sources[n] = item.pop("_source", None) if isinstance(item, dict) else None
            if (html is not None or args.redact) and isinstance(item, dict):
                kept[n] = item
            yield item

    failed = written = 0
    bar = _progress(None, sys.stderr.isatty() and not args.no_progress)
    with ExitStack() as stack:
        out = _open_output(stack, args.output)
        writer = None
        if args.csv:
            writer = csv.writer(_open_output(stack, args.csv, newline=""))
            writer.writerow(CSV_COLUMNS)
        for n, result in enumerate(analyzer.analyze_many(tagged(), n_jobs=args.jobs)):
            source = sources.pop(n, None)
            item = kept.pop(n, None)
            shown = isinstance(result, Report) and LEVEL_ORDER.index(result.risk_level) >= min_rank
            conversation = _conversation_or_none(item) if shown else None
            if args.redact:
                result, conversation, source = _redacted(result, conversation, source, args.explain_lang)
            if isinstance(result, ErrorReport):
                failed += 1
                log.warning("input failed: %s", result.error.type)
                out.write(result.model_dump_json(exclude_none=True) + "\n")
                if html is not None:
                    html.add_skipped()
            elif shown:
                out.write(result.model_dump_json() + "\n")
                written += 1
                if html is not None:
                    html.add(conversation, result)
            if writer is not None:
                writer.writerow(_csv_row(result, source))
            if bar is not None:
                bar.update(1)
        if html is not None:
            html.close()
    if bar is not None:
        bar.close()
    log.info("%d report(s) written, %d input(s) failed", written, failed)
    _say_failed(failed, "the report")
    return 1 if failed else 0


def cmd_pack(args: argparse.Namespace) -> int:
    """Evidence packs: never redacted (they are for the victim's own report), originals only read."""
    from sextortion_flags.pack import write_pack

    if STDIN in args.inputs:
        raise UsageError("pack needs the export files themselves (it keeps a copy of each), not standard input")
    if args.output in (STDIN, ""):  # `-o -` made a file named "-"; an empty -o packed into the current folder
        raise UsageError("pack writes zip files, not to standard output: give -o case.zip or a folder/")
    result = write_pack([Path(name) for name in args.inputs], Path(args.output), analyzer=_analyzer(args),
                        options=_options(args), profiles=_profiles(args.profiles), language=args.explain_lang,
                        fmt=args.format, per_input=args.output.endswith(("/", os.sep)) or Path(args.output).is_dir())
    for path in result.packs:
        print(path)
    log.info("%d pack(s), %d conversation(s), %d input(s) failed", len(result.packs), result.conversations,
             result.failed)
    _say_failed(result.failed, "report.jsonl inside the pack")
    return 1 if result.failed else 0


def cmd_convert(args: argparse.Namespace) -> int:
    from sextortion_flags.analyzer import to_conversation

    _refuse_overwriting_inputs(args)
    failed = 0
    with ExitStack() as stack:
        out = _open_output(stack, args.output)
        for item in iter_conversations(args):
            if isinstance(item, ErrorReport):
                failed += 1
                print(f"sextortion-flags: {item.error.message}", file=sys.stderr)
                continue
            item.pop("_source", None)
            item.pop("_where", None)
            try:
                conversation = to_conversation(item)
            except SextortionFlagsError as exc:
                failed += 1
                print(f"sextortion-flags: {exc}", file=sys.stderr)
                continue
            out.write(conversation.model_dump_json(exclude_none=True) + "\n")
    return 1 if failed else 0


def cmd_rules(args: argparse.Namespace) -> int:
    from sextortion_flags.rules.engine import RuleEngine

    engine = RuleEngine(Path(args.rules) if args.rules else None, (args.lang,) if args.lang else None)
    buffer = io.StringIO()
    count = 0
    for rule_file, _path in engine.rule_files:
        if args.category and rule_file.category != args.category:
            continue
        for rule in rule_file.rules:
            count += 1
            if args.json:
                buffer.write(json.dumps({"id": rule.id, "language": rule_file.language,
                                         "category": rule_file.category, "weight": rule.weight,
                                         "description": rule.description, "patterns": rule.patterns,
                                         "regex": rule.regex}, ensure_ascii=False) + "\n")
            else:
                buffer.write(f"{rule.id:55} {rule.weight:4.2f}  {rule.description}\n")
    sys.stdout.write(buffer.getvalue())
    if not args.json:
        print(f"{count} rules", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    if sys.stderr is None:  # started with stderr closed (`2>&-`): nowhere to say anything, but work goes on
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the life of the process
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="sextortion-flags: %(levelname)s: %(message)s", stream=sys.stderr)
    handlers = {"scan": cmd_scan, "pack": cmd_pack, "convert": cmd_convert, "rules": cmd_rules}
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        print(f"sextortion-flags: error: {exc}", file=sys.stderr)
        return 2
    except SextortionFlagsError as exc:
        print(f"sextortion-flags: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:  # an output failing mid-way (disk full, --html folder gone); inputs' are error lines
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"sextortion-flags: error: {where}{exc.strerror or type(exc).__name__}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sextortion-flags: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # no traceback for users; -v shows it in the log
        log.debug("internal error", exc_info=True)
        print(f"sextortion-flags: internal error ({type(exc).__name__}); please report it", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
