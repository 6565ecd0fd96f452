"""The report's own words (headings, labels, level names) and how it writes times and numbers.

They come from the sub-catalogs `resources/i18n/html/<lang>.yaml`. The page chrome is one
language for the whole file; a language without an HTML catalog falls back to English, so a
report can always be written. When the language's main catalog exists the lookup goes through
`i18n.catalog` (the one reader of catalogs); until then the sub-catalog is read directly.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sextortion_flags import i18n
from sextortion_flags.lexicon import RESOURCE_ROOT, load_yaml

HTML_CATALOGS = RESOURCE_ROOT / "i18n" / "html"
RTL_LANGUAGES = frozenset({"ar", "ary", "arz", "fa", "he", "ur"})


def html_languages() -> list[str]:
    return sorted(p.stem for p in HTML_CATALOGS.glob("*.yaml"))


def chrome_language(language: str | None) -> str:
    """The HTML catalog to use: the language itself, its base (`fr-CA` -> `fr`), else English."""
    if language:
        for candidate in (language, language.split("-")[0].split("_")[0].lower()):
            if candidate in html_languages():
                return candidate
    return i18n.DEFAULT_LANGUAGE


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


@cache
def _catalog(language: str) -> dict[str, Any]:
    """The `html` part of the language's catalog: through i18n when its main catalog exists."""
    if language in i18n.available():
        data = i18n.catalog(language).get("html", {})
    else:
        data = load_yaml(HTML_CATALOGS / f"{language}.yaml")
    assert isinstance(data, dict), f"html/{language}.yaml must be a mapping"
    return data


@cache
def _template(language: str, key: str) -> str:
    node: Any = _catalog(language)
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, str):
        return node
    if language != i18n.DEFAULT_LANGUAGE:
        return _template(i18n.DEFAULT_LANGUAGE, key)
    raise KeyError(f"no HTML catalog entry {key!r}")


def ui(language: str, key: str, **values: object) -> str:
    """The HTML catalog entry at dotted `key` (without the `html.` prefix), formatted.

    Templates are cached: a 10,000-message page asks for the same few labels many times.
    """
    template = _template(language, key)
    return template.format(**values) if values else template


def category_label(language: str, category: str) -> str:
    try:
        return ui(language, f"categories.{category}")
    except KeyError:  # a category added after this catalog was written
        return ui(language, "categories.other")


def level_label(language: str, level: str) -> str:
    return ui(language, f"levels.{level}")


def timestamp(moment: datetime) -> str:
    """Date and time as the chat gave them (no conversion), with the UTC offset when known."""
    text = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}"
    offset = moment.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text} {sign}{hours:02d}:{minutes:02d}"


def elapsed(language: str, first: datetime | None, moment: datetime | None) -> str | None:
    """'+12 min', '+3 h 5 min', '+2 d 3 h' since the first timestamp; None when unknown."""
    if first is None or moment is None:
        return None
    try:
        seconds = (moment - first).total_seconds()
    except TypeError:  # one naive, one aware: not comparable
        return None
    minutes = max(int(seconds // 60), 0)
    if minutes == 0 and seconds <= 0:
        return ui(language, "elapsed.start")
    if minutes < 60:
        return ui(language, "elapsed.minutes", m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return ui(language, "elapsed.hours", h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return ui(language, "elapsed.days", d=days, h=hours)


def score(value: float) -> str:
    return f"{value:.2f}"
