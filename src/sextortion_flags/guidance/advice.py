"""What to do next, chosen from the report itself (issue 10, CONTRACT §5 `advice`).

The sources agree on the same few steps: stop answering, never pay, keep the evidence, report the
account and the crime, don't stay alone with it. Which of them a reader needs, and in what order,
follows from the risk level and the categories flagged: a payment demand calls for "don't pay",
a threat to publish for the takedown services, a move between apps for reporting the first
account too, a self-declared minor for a trusted adult and child services. Texts come from the
`advice` message catalogs; helplines and reporting services come from the services directory.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sextortion_flags import i18n
from sextortion_flags.guidance import services
from sextortion_flags.models import Advice, Conversation, Report, Resource
from sextortion_flags.normalize import normalize
from sextortion_flags.ordered import unique_by

PLATFORMS: tuple[str, ...] = ("whatsapp", "instagram", "facebook", "messenger", "snapchat", "telegram", "discord",
                              "tiktok", "signal", "skype", "viber", "imo")
"""Apps an advice text can name (canonical words of `resources/lexicon/aliases.yaml`)."""
REPORTING_PLATFORM = {"messenger": "facebook"}
"""Apps reported through another one's reporting service."""
SEVERE = ("high", "critical")


def select_advice(report: Report, conversation: Conversation | None = None, *, language: str = "en",
                  country: str | None = None) -> list[Advice]:
    """Ordered advice for a report, most urgent first; none at level `none`, one gentle note at `low`.

    conversation: gives the app the chat comes from, when the report alone does not say.
    language: the explanation language (English when there is no catalog for it).
    country: ISO code of the reader's country for national services (None: international ones and
    the national ones serving `language`); a country the directory does not cover is a UsageError.
    """
    lang = i18n.pick(language)
    country = services.check_country(country)
    level = report.risk_level
    if level == "none":
        return []
    if level == "low":
        return [_advice("keep-watch", lang)]
    categories = set(report.categories)
    minor = "minor_involved" in categories
    extortion = bool(categories & {"threat", "payment_demand"})
    first_app = _platform_of(conversation)
    moved_to = [p for p in _migration_apps(report) if p != first_app]
    find = _Finder(lang, country)

    advice = [_advice("stop-answering", lang)]
    if extortion:
        advice.append(_advice("dont-pay", lang))
    elif categories & {"image_request", "escalation"}:
        advice.append(_advice("no-images", lang))
    if minor:
        advice.append(_advice("tell-trusted-adult", lang, find("child_helpline")))
    advice.append(_advice("keep-evidence", lang))
    report_on = moved_to or ([first_app] if first_app else [])
    advice.append(_named("report-platform", lang, report_on,
                         find.each("platform_report", [REPORTING_PLATFORM.get(p, p) for p in report_on])))
    if "platform_migration" in categories:
        first = [first_app] if first_app else []
        advice.append(_named("report-first-account", lang, first,
                             find.each("platform_report", [REPORTING_PLATFORM.get(p, p) for p in first])))
    if "threat" in categories:
        kinds = ["takedown_minors"] if minor else ["takedown_adults", "takedown_minors"]
        advice.append(_advice("takedown", lang, find(*kinds), variant="minor" if minor else "any"))
    if level in SEVERE or minor:
        advice.append(_advice("report-police", lang, find("police_report")))
    if not minor:
        advice.append(_advice("talk-to-someone", lang, find("helpline", "victim_support")))
    if extortion or level in SEVERE:
        advice.append(_advice("not-your-fault", lang))
    return advice


class _Finder:
    """Resources of some kinds from the services directory, each service once per advice."""

    def __init__(self, language: str, country: str | None) -> None:
        self.language = language
        self.country = country

    def __call__(self, *kinds: str, platform: str | None = None) -> list[Resource]:
        found: list[Resource] = []
        for kind in kinds:
            found.extend(_resources(kind, language=self.language, country=self.country, platform=platform))
        return _unique(found)

    def each(self, kind: str, platforms: Iterable[str]) -> list[Resource]:
        return _unique([r for p in platforms for r in self(kind, platform=p)])


def _resources(kind: str, *, language: str, country: str | None, platform: str | None = None) -> list[Resource]:
    """Fresh `Resource`s (a report may be edited by its reader) from the directory, read once per query."""
    return [Resource.model_validate(fields) for fields in _directory_resources(kind, language, country, platform)]


@lru_cache(maxsize=4096)
def _directory_resources(kind: str, language: str, country: str | None,
                         platform: str | None) -> tuple[dict[str, str | None], ...]:
    # depends on the query only: the packaged directory is read once and never changes
    return tuple(services.to_resource(s, language).model_dump()
                 for s in services.find(kind, language=language, country=country, platform=platform))


def _unique(resources: list[Resource]) -> list[Resource]:
    return unique_by(resources, lambda r: (r.name, r.url, r.phone))


def _key(advice_id: str) -> str:
    return "advice." + advice_id.replace("-", "_")


def _advice(advice_id: str, lang: str, resources: list[Resource] | None = None, *,
            variant: str | None = None, **values: object) -> Advice:
    key = _key(advice_id) + (f".{variant}" if variant else "")
    return Advice(id=advice_id, text=_text(lang, key, tuple(values.items())), resources=resources or [])


@lru_cache(maxsize=4096)
def _text(lang: str, key: str, values: tuple[tuple[str, object], ...]) -> str:
    # the catalogs are read once and never change; the values are app names and their joins
    return i18n.text(lang, key, **dict(values))


def _named(advice_id: str, lang: str, platforms: list[str], resources: list[Resource]) -> Advice:
    """An advice that names the apps when they are known ("report the account on Instagram")."""
    if not platforms:
        return _advice(advice_id, lang, resources, variant="unnamed")
    names = [i18n.text(lang, f"advice.platforms.{p}") for p in platforms]
    return _advice(advice_id, lang, resources, variant="named", platform=_join(names, lang))


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return i18n.text(lang, "advice.join").join(items[:-1]) + i18n.text(lang, "advice.last") + items[-1]


def platform_words(text: str) -> list[str]:
    """The apps a text names, in order of first mention, through the alias table ("snp", "واتساب")."""
    return list(_platform_words(text))


@lru_cache(maxsize=8192)
def _platform_words(text: str) -> tuple[str, ...]:
    # evidence quotes repeat across reports ("add me on snap"): normalize each one once
    found: list[str] = []
    for word in normalize(text).text.split():
        word = word.strip(".,;:!?()\"'«»“”")
        if word in PLATFORMS and word not in found:
            found.append(word)
    return tuple(found)


def _platform_of(conversation: Conversation | None) -> str | None:
    if conversation is None or not conversation.platform:
        return None
    words = platform_words(conversation.platform)
    return words[0] if words else None


def _migration_apps(report: Report) -> list[str]:
    """Apps the other party asked to move to, read from the platform_migration evidence quotes."""
    apps: list[str] = []
    for flag in report.flags:
        if flag.category != "platform_migration":
            continue
        for evidence in flag.evidence:
            for app in platform_words(evidence.quote or ""):
                if app not in apps:
                    apps.append(app)
    return apps
