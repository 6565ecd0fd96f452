"""README.txt of a pack, in the reader's language: what the pack is, that the originals are
unchanged, how to verify it, where to send it, and to keep it private. Every sentence comes from
the `pack.` message catalog; the services come from the verified guidance directory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sextortion_flags import i18n
from sextortion_flags.guidance import services

MAX_POLICE_SERVICES = 4
VERIFY_COMMAND = "sha256sum -c MANIFEST.sha256"
CONTENTS = ("original", "report_jsonl", "report_html", "timeline", "identifiers", "manifest")


@dataclass
class ReadmeFacts:
    """What the README states about one pack (no message text: only names, counts and hashes)."""

    made: datetime
    version: str
    originals: dict[str, str] = field(default_factory=dict)  # zip path -> sha256
    failed: int = 0
    platforms: set[str] = field(default_factory=set)


def _contact(service: services.Service) -> str:
    return " / ".join(part for part in (service.url, service.phone) if part)


def _service_lines(language: str, found: Iterable[services.Service]) -> list[str]:
    return [i18n.text(language, "pack.send.service", name=s.name, country=s.country, contact=_contact(s))
            for s in found]


def _where_to_send(language: str, country: str | None, platforms: Iterable[str]) -> list[str]:
    lines = [i18n.text(language, "pack.send.heading")]
    police = services.find("police_report", language=language, country=country)[:MAX_POLICE_SERVICES]
    if country is None or not police:
        lines.append(i18n.text(language, "pack.send.police_any"))
    if police:
        lines += [i18n.text(language, "pack.send.police"), *_service_lines(language, police)]
    apps = [s for name in sorted(platforms) for s in services.find("platform_report", language=language,
                                                                       country=country, platform=name)]
    if apps:
        lines += [i18n.text(language, "pack.send.platform"), *_service_lines(language, apps)]
    return lines


def readme_text(language: str, facts: ReadmeFacts, *, country: str | None = None) -> str:
    t = lambda key, **values: i18n.text(language, f"pack.{key}", **values)  # noqa: E731
    lines = [t("title"), "=" * 40, "", t("what"), "",
             t("made", date=facts.made.strftime("%Y-%m-%d %H:%M"), version=facts.version), ""]
    if facts.originals:
        lines += [t("originals"), *(f"  {digest}  {name}" for name, digest in sorted(facts.originals.items()))]
    else:
        lines.append(t("no_originals"))
    if facts.failed:
        lines.append(t("failed", count=facts.failed))
    lines += ["", t("contents.heading"), *(f"  {t(f'contents.{key}')}" for key in CONTENTS), "",
              t("verify"), f"  {VERIFY_COMMAND}", "",
              *_where_to_send(language, country, facts.platforms), "",
              t("private"), "", t("dont_pay"), ""]
    return "\n".join(lines)
