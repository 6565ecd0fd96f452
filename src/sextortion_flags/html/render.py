"""The self-contained HTML report: one file, no script, no external resource, opens offline.

The page is plain semantic HTML with the packaged stylesheet inlined and a Content-Security-Policy
that forbids scripts and every network load, so even a chat that slipped past escaping could not
run code or call out. Explanations show on hover and keyboard focus through CSS alone, and print
inline.

`HtmlReportWriter` keeps memory bounded for batches: each conversation's section is rendered when
it arrives and spooled to a temporary file; only a small index row per conversation stays in
memory until the index, sorted by risk, is written at the end. It is meant for up to a few
thousand conversations per file (a browser page beyond that gets slow, not the writer).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources as importlib_resources
from pathlib import Path
from typing import IO, Any

from sextortion_flags import i18n
from sextortion_flags.fusion import LEVEL_ORDER
from sextortion_flags.html import strings
from sextortion_flags.html.sections import SectionRenderer, badge, chip
from sextortion_flags.models import Conversation, Report, to_conversation, to_report

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
EXCERPT_CHARS = 90


@cache
def stylesheet() -> str:
    return (importlib_resources.files("sextortion_flags.html") / "style.css").read_text(encoding="utf-8")


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


@dataclass(frozen=True)
class IndexRow:
    """What the index keeps of a conversation: its sort key and its ready-made table row."""

    sort_key: tuple[int, float, int]
    html: str
    version: str


def index_row(ordinal: int, conversation: Conversation | None, report: Report, language: str) -> IndexRow:
    first = report.first_high_risk_index
    if first is None:
        high = escape(strings.ui(language, "index.none"))
    else:
        high = f'<a href="#c{ordinal}-m{first}">#{first}</a>'
        if conversation is not None and first < len(conversation.messages):
            high += f' <q dir="auto">{escape(_excerpt(conversation.messages[first].text or ""))}</q>'
    chips = " ".join(chip(language, c) for c in dict.fromkeys(report.categories)) or escape(
        strings.ui(language, "index.none"))
    row = (f'<tr><th scope="row"><a href="#c{ordinal}"><bdi>{escape(report.id)}</bdi></a></th>'
           f"<td>{badge(language, report.risk_level)}</td><td>{strings.score(report.risk_score)}</td>"
           f"<td>{chips}</td><td>{high}</td></tr>")
    key = (-LEVEL_ORDER.index(report.risk_level), -report.risk_score, ordinal)
    return IndexRow(key, row, report.model_version)


def document_head(language: str) -> str:
    title = escape(strings.ui(language, "title"))
    return (f'<!DOCTYPE html>\n<html lang="{language}" dir="{strings.direction(language)}">\n<head>\n'
            '<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
            '<meta name="referrer" content="no-referrer">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n<style>\n{stylesheet()}</style>\n</head>\n<body>\n"
            f'<a class="skip" href="#index">{escape(strings.ui(language, "skip_link"))}</a>\n'
            f'<header class="page-head"><h1>{title}</h1>'
            f'<p class="intro">{escape(strings.ui(language, "intro"))}</p>')


def document_index(language: str, rows: list[IndexRow], skipped: int) -> str:
    ui = strings.ui
    out = []
    versions = sorted({r.version for r in rows if r.version})
    if versions:
        out.append(f'<p class="generated">{escape(ui(language, "generated", version="; ".join(versions)))}</p>')
    if skipped:
        out.append(f'<p class="skipped">{escape(ui(language, "skipped", count=skipped))}</p>')
    out.append('</header>\n<main>\n<section id="index" class="index" aria-labelledby="index-h">'
               f'<h2 id="index-h">{escape(ui(language, "index.heading"))}</h2>')
    if not rows:
        out.append(f'<p>{escape(ui(language, "index.empty"))}</p></section>\n')
        return "".join(out)
    out.append(f'<p>{escape(ui(language, "index.count", count=len(rows)))}</p><table><thead><tr>')
    out.extend(f'<th scope="col">{escape(ui(language, "index." + key))}</th>'
               for key in ("conversation", "level", "score", "categories", "first_high"))
    out.append("</tr></thead><tbody>\n")
    out.extend(row.html + "\n" for row in sorted(rows, key=lambda r: r.sort_key))
    out.append("</tbody></table></section>\n")
    return "".join(out)


DOCUMENT_TAIL = "</main>\n</body>\n</html>\n"


class HtmlReportWriter:
    """Writes the HTML report to `path`, conversation by conversation, with bounded memory.

    Use as a context manager, or call `close()`; nothing is written to `path` before then.
    """

    def __init__(self, path: str | Path, language: str | None = "en") -> None:
        """language None: each conversation in the language of its explanations, the page's own words
        in that of the first conversation."""
        self.path = Path(path)
        self._auto = language is None
        self.language = strings.chrome_language(language)
        self.skipped = 0
        self._rows: list[IndexRow] = []
        self._offsets: list[tuple[int, int]] = []
        self._spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()

    def add(self, conversation: Conversation | None, report: Report) -> None:
        ordinal = len(self._rows)
        language = self.language
        if self._auto:
            language = strings.chrome_language(i18n.pick(report.language))
            if not self._rows:
                self.language = language
        section = SectionRenderer(ordinal, conversation, report, language).render().encode("utf-8")
        self._offsets.append((self._spool.tell(), len(section)))
        self._spool.write(section)
        self._rows.append(index_row(ordinal, conversation, report, self.language))

    def add_skipped(self) -> None:
        """Count an input that could not be analysed (the page says how many are missing)."""
        self.skipped += 1

    def close(self) -> None:
        if self._spool.closed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(self.path, "wb") as out:
                out.write(document_head(self.language).encode("utf-8"))
                out.write(document_index(self.language, self._rows, self.skipped).encode("utf-8"))
                for row in sorted(self._rows, key=lambda r: r.sort_key):
                    offset, length = self._offsets[row.sort_key[2]]
                    self._spool.seek(offset)
                    shutil.copyfileobj(_Slice(self._spool, length), out)
                out.write(DOCUMENT_TAIL.encode("utf-8"))
        finally:
            self._spool.close()

    def __enter__(self) -> HtmlReportWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: Any) -> None:
        if exc_type is None:
            self.close()
        else:  # a half-finished batch writes no page
            self._spool.close()


class _Slice:
    """A read-only view of the next `length` bytes of a file (for copyfileobj)."""

    def __init__(self, fh: IO[bytes], length: int) -> None:
        self.fh, self.left = fh, length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size < 0 else min(size, self.left)
        data = self.fh.read(size)
        self.left -= len(data)
        return data


def render_html(items: Iterable[tuple[Conversation | dict | None, Report | dict]], language: str | None = "en") -> str:
    """The report of (conversation or None, report) pairs as one self-contained HTML page.

    Without a conversation, a section shows the quoted evidence only. `language` picks the page's
    own words (headings, labels); explanations and summaries stay in the report's language. A
    conversation or report that does not validate is an InputError naming the field, never its text.
    """
    lang = strings.chrome_language(language)
    rows: list[IndexRow] = []
    sections: list[str] = []
    for ordinal, (conversation, report) in enumerate(items):
        conv = None if conversation is None else to_conversation(conversation)
        rep = to_report(report)
        sections.append(SectionRenderer(ordinal, conv, rep, lang).render())
        rows.append(index_row(ordinal, conv, rep, lang))
    ordered = (sections[row.sort_key[2]] for row in sorted(rows, key=lambda r: r.sort_key))
    return "".join([document_head(lang), document_index(lang, rows, 0), *ordered, DOCUMENT_TAIL])
