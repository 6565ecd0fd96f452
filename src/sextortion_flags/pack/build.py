"""`write_pack`: read, analyse and pack each case (see `sextortion_flags.pack`)."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sextortion_flags import i18n
from sextortion_flags._version import __version__
from sextortion_flags.errors import SextortionFlagsError
from sextortion_flags.models import Conversation, ErrorInfo, ErrorReport, Report
from sextortion_flags.pack.archive import PackArchive
from sextortion_flags.pack.plan import Case, plan
from sextortion_flags.pack.readme import ReadmeFacts, readme_text
from sextortion_flags.pack.tables import IDENTIFIER_COLUMNS, TIMELINE_COLUMNS, identifier_rows, timeline_rows, to_csv
from sextortion_flags.parsers.base import ParseOptions

Result = tuple[Conversation | None, Report | ErrorReport]


@dataclass
class PackResult:
    """What `write_pack` wrote: the pack files, how many conversations, how many error lines."""

    packs: list[Path] = field(default_factory=list)
    conversations: int = 0
    failed: int = 0


def write_pack(inputs: list[Path], output: Path, *, analyzer: Any, options: ParseOptions | None = None,
               profiles: dict[str, dict[str, Any]] | None = None, language: str | None = None, fmt: str = "auto",
               per_input: bool | None = None) -> PackResult:
    """Write the evidence pack(s) for `inputs` (files or folders, walked like `scan`).

    output: the pack (`case.zip`: one pack for all inputs), or a folder (one `<input>.zip` per input);
    per_input None means "a folder when `output` is an existing directory".
    language: the README's and HTML page's language (default: the analyzer's explanation language,
    else the reports' main language when it has a catalog, else English).
    The originals are only read; unreadable inputs become error lines in report.jsonl.
    """
    options = options or ParseOptions()
    per_input = output.is_dir() if per_input is None else per_input
    result = PackResult()
    for case in plan([Path(p) for p in inputs], Path(output), per_input=per_input):
        with PackArchive(case.target) as archive:
            results = list(_analyse(case, analyzer, options, profiles or {}, fmt, archive))
            _write_outputs(archive, results, language or analyzer.explain_language, analyzer.country)
            result.packs.append(archive.commit())
        result.conversations += sum(isinstance(r, Report) for _, r in results)
        result.failed += sum(isinstance(r, ErrorReport) for _, r in results)
    return result


def _analyse(case: Case, analyzer: Any, options: ParseOptions, profiles: dict[str, dict[str, Any]], fmt: str,
             archive: PackArchive) -> Iterable[Result]:
    from sextortion_flags.parsers.registry import not_a_file, parse_file

    yield from ((None, error) for error in case.errors)
    for source, member in case.files:
        refused = not_a_file(source)
        if refused is not None:  # never copied either: /dev/zero would fill the disk
            yield None, refused
            continue
        try:
            archive.add_original(source, member)
        except OSError as exc:
            yield None, ErrorReport(error=ErrorInfo(
                type="OSError", message=f"{source}: cannot read ({exc.strerror or type(exc).__name__})"))
            continue
        for item in parse_file(source, fmt, options):
            yield _analyse_item(item, analyzer, profiles, options.user)


def _analyse_item(item: dict[str, Any] | ErrorReport, analyzer: Any, profiles: dict[str, dict[str, Any]],
                  user: str | None) -> Result:
    from sextortion_flags.analyzer import to_conversation
    from sextortion_flags.cli import apply_side_info

    if isinstance(item, ErrorReport):
        return None, item
    for private_key in [k for k in item if k.startswith("_")]:  # reader bookkeeping (`_source`, ...)
        del item[private_key]
    apply_side_info(item, profiles, user)
    try:
        conversation: Conversation | None = to_conversation(item)
    except SextortionFlagsError:
        conversation = None  # analyze_safely turns the same problem into an error line
    return conversation, analyzer.analyze_safely(item if conversation is None else conversation)


def pack_language(explicit: str | None, reports: Iterable[Report]) -> str:
    """The explicit language, else the language most conversations are in (when it has a catalog)."""
    if explicit:
        return i18n.pick(explicit)
    counts = Counter(i18n.pick(r.language) for r in reports if r.language)
    return counts.most_common(1)[0][0] if counts else i18n.DEFAULT_LANGUAGE


def _jsonl(results: list[Result]) -> bytes:
    lines = (r.model_dump_json(exclude_none=True) if isinstance(r, ErrorReport) else r.model_dump_json()
             for _, r in results)
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _html(results: list[Result], language: str) -> bytes:
    from sextortion_flags.html import HtmlReportWriter

    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        with HtmlReportWriter(page, language) as writer:
            for conversation, report in results:
                if isinstance(report, Report):
                    writer.add(conversation, report)
                else:
                    writer.add_skipped()
        return page.read_bytes()


def _write_outputs(archive: PackArchive, results: list[Result], language: str | None, country: str | None) -> None:
    reports = [(c, r) for c, r in results if isinstance(r, Report)]
    lang = pack_language(language, (r for _, r in reports))
    archive.add_bytes("report.jsonl", _jsonl(results))
    archive.add_bytes("report.html", _html(results, lang))
    timeline = (row for conversation, report in reports for row in timeline_rows(conversation, report))
    archive.add_bytes("timeline.csv", to_csv(TIMELINE_COLUMNS, timeline))
    identifiers = (row for _, report in reports for row in identifier_rows(report))
    archive.add_bytes("identifiers.csv", to_csv(IDENTIFIER_COLUMNS, identifiers))
    facts = ReadmeFacts(made=datetime.now(UTC), version=__version__,
                        originals={m: d for m, d in archive.digests.items() if m.startswith("original/")},
                        failed=sum(isinstance(r, ErrorReport) for _, r in results),
                        platforms={c.platform for c, _ in reports if c is not None and c.platform})
    archive.add_bytes("README.txt", readme_text(lang, facts, country=country).encode("utf-8"))
