"""Message catalogs: every sentence a person reads comes from here.

A language's catalog is `resources/i18n/<lang>.yaml` merged with the sub-catalogs
`resources/i18n/<part>/<lang>.yaml` (for example `html/`, `advice/`), whose keys live under
`<part>.`; a part can be written and reviewed on its own without touching the main file.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sextortion_flags.errors import UsageError
from sextortion_flags.lexicon import RESOURCE_ROOT, load_yaml

DEFAULT_LANGUAGE = "en"


def available() -> list[str]:
    return list(_available())


@cache
def _available() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (RESOURCE_ROOT / "i18n").glob("*.yaml")))


@cache
def catalog(language: str) -> dict[str, Any]:
    path = RESOURCE_ROOT / "i18n" / f"{language}.yaml"
    if not path.is_file():
        raise UsageError(f"no explanations in {language!r}; available: {', '.join(available())}")
    data = load_yaml(path)
    assert isinstance(data, dict)
    for part in sorted((RESOURCE_ROOT / "i18n").glob(f"*/{language}.yaml")):
        sub = load_yaml(part)
        assert isinstance(sub, dict)
        data[part.parent.name] = sub
    return data


READER_LANGUAGE = {"ary": "fr"}
"""Languages without a catalog of their own read another: Darija in Latin letters is written by
people who read French (Arabic-script Darija is detected as `ar` and gets Arabic)."""


def pick(language: str | None) -> str:
    """The catalog for a language when there is one (or for the language its readers read), else English."""
    language = READER_LANGUAGE.get(language or "", language)
    return language if language in available() else DEFAULT_LANGUAGE


def text(language: str, key: str, **values: object) -> str:
    """The catalog entry at dotted `key`, formatted; falls back to English for a missing key."""
    node: Any = catalog(language)
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if node is None and language != DEFAULT_LANGUAGE:
        return text(DEFAULT_LANGUAGE, key, **values)
    if not isinstance(node, str):
        raise KeyError(f"no catalog entry {key!r}")
    return node.format(**values)
