"""The directory of reporting services and helplines that advice points to (issue 10).

The services are data (`resources/guidance/services.yaml`), each entry with the public page it was
verified on and the date, so that a reviewer can re-check them and a test can refuse stale ones.
`find` picks the entries for one need (a kind of service, a platform) and one reader: the national
services of their country when it is known, else the international ones plus the national ones that
serve the reader's language, so a French-speaking reader is not sent to an English-only helpline.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sextortion_flags.errors import ServiceFileError, UsageError, describe_validation_error
from sextortion_flags.lexicon import RESOURCE_ROOT, load_yaml
from sextortion_flags.models import Resource

SERVICES_PATH = RESOURCE_ROOT / "guidance" / "services.yaml"

Kind = Literal[
    "police_report",
    "helpline",
    "child_helpline",
    "takedown_minors",
    "takedown_adults",
    "platform_report",
    "victim_support",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
INTERNATIONAL = "INT"

_LANGUAGE = re.compile(r"^[a-z]{2}$")
_COUNTRY = re.compile(r"^(?:[A-Z]{2}|INT)$")


def _https(value: str) -> str:
    if not re.match(r"^https://[^\s/]+\.[^\s/]+", value):
        raise ValueError("must be an https:// address")
    return value


class Service(BaseModel):
    """One reporting service or helpline, as verified on its `source` page on `checked`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^(?:int|[a-z]{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
    name: str = Field(min_length=1)
    country: str
    kind: Kind
    platform: str | None = Field(default=None, pattern=r"^[a-z]+$")
    purpose: dict[str, str]
    url: str | None = None
    phone: str | None = None
    languages: list[str] = Field(min_length=1)
    source: str
    checked: date

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str) -> str:
        if not _COUNTRY.match(value):
            raise ValueError("must be an ISO 3166-1 alpha-2 code in capitals, or INT")
        return value

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, value: list[str]) -> list[str]:
        if any(not _LANGUAGE.match(code) for code in value):
            raise ValueError("must be ISO 639-1 codes such as 'fr'")
        return value

    @field_validator("purpose")
    @classmethod
    def _purpose_in_english(cls, value: dict[str, str]) -> dict[str, str]:
        if not value.get("en", "").strip():
            raise ValueError("needs an English sentence under 'en'")
        if any(not _LANGUAGE.match(code) or not text.strip() for code, text in value.items()):
            raise ValueError("keys must be ISO 639-1 codes and sentences must not be empty")
        return value

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        return None if value is None else _https(value)

    @field_validator("source")
    @classmethod
    def _source_is_https(cls, value: str) -> str:
        return _https(value)

    @model_validator(mode="after")
    def _consistent(self) -> Service:
        if self.url is None and self.phone is None:
            raise ValueError("needs a url or a phone number")
        prefix = self.id.split("-", 1)[0]
        expected = "int" if self.country == INTERNATIONAL else self.country.lower()
        if prefix != expected:
            raise ValueError(f"id must start with {expected!r}- for country {self.country}")
        if (self.kind == "platform_report") != (self.platform is not None):
            raise ValueError("platform is given exactly for kind platform_report")
        return self

    def purpose_in(self, language: str) -> str:
        """The purpose sentence in `language`, else in English."""
        return self.purpose.get(language) or self.purpose["en"]


class ServiceDirectory(BaseModel):
    """The whole services file: a review date and the verified entries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    review_date: date
    services: list[Service]


def load_services(path: Path | None = None) -> ServiceDirectory:
    """Read and validate a services file (the packaged one, read once, when `path` is None)."""
    if path is None:
        return _packaged()
    return _read(Path(path))


@cache
def _packaged() -> ServiceDirectory:
    return _read(SERVICES_PATH)


def _read(path: Path) -> ServiceDirectory:
    where = str(path)
    try:
        data: Any = load_yaml(path)
    except OSError as exc:
        raise ServiceFileError(f"cannot be read ({exc.strerror or type(exc).__name__})", path=where) from None
    except Exception as exc:  # yaml.YAMLError and friends: say where, not the content
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise ServiceFileError(f"is not valid YAML{at}", path=where) from None
    if not isinstance(data, dict) or not isinstance(data.get("services"), list):
        raise ServiceFileError("expected a mapping with 'review_date' and a 'services' list", path=where)
    unknown = sorted(set(data) - {"review_date", "services"})
    if unknown:
        raise ServiceFileError(f"unknown top-level keys: {', '.join(map(str, unknown))}", path=where)
    try:
        review_date = ServiceDirectory.model_validate({"review_date": data.get("review_date"), "services": []})
    except ValidationError as exc:
        raise ServiceFileError(describe_validation_error(exc), path=where) from None

    services: list[Service] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["services"]):
        service_id = str(entry.get("id")) if isinstance(entry, dict) and entry.get("id") else f"#{index + 1}"
        try:
            service = Service.model_validate(entry)
        except ValidationError as exc:
            raise ServiceFileError(describe_validation_error(exc), path=where, service_id=service_id) from None
        if service.id in seen:
            raise ServiceFileError("duplicate id", path=where, service_id=service.id)
        if service.checked < review_date.review_date:
            raise ServiceFileError(
                f"checked {service.checked} is older than the review date {review_date.review_date}; re-verify it",
                path=where, service_id=service.id)
        seen.add(service.id)
        services.append(service)
    return ServiceDirectory(review_date=review_date.review_date, services=services)


def __getattr__(name: str) -> object:
    # COUNTRIES is computed on first use so that importing this module reads no file
    if name == "COUNTRIES":
        return _countries()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _countries() -> frozenset[str]:
    return frozenset(s.country for s in _packaged().services if s.country != INTERNATIONAL)


def check_country(country: str | None) -> str | None:
    """`country` in capitals when the packaged directory covers it (None stays None); else a UsageError."""
    if country is None:
        return None
    code = country.strip().upper()
    if code not in _countries():
        raise UsageError(f"no services for country {country!r}; known countries: {', '.join(sorted(_countries()))}")
    return code


def find(kind: str, *, language: str, country: str | None = None, platform: str | None = None,
         directory: ServiceDirectory | None = None) -> list[Service]:
    """The services of one kind for one reader, national ones first, then in file order.

    country given: that country's services plus the international ones. country None: the
    international services plus the national ones whose `languages` include `language`.
    platform: for `platform_report`, only that app's entries (an app with none gives []).
    directory: another directory than the packaged one (tests, custom deployments).
    """
    if kind not in KINDS:
        raise UsageError(f"unknown service kind {kind!r}; expected one of: {', '.join(KINDS)}")
    services = (directory or _packaged()).services
    code = check_country(country) if directory is None else (country.strip().upper() if country else None)
    lang = (language or "").strip().lower()
    wanted_platform = platform.strip().lower() if platform else None

    def matches(service: Service) -> bool:
        if service.kind != kind:
            return False
        return wanted_platform is None or service.platform == wanted_platform

    def national(service: Service) -> bool:
        if service.country == INTERNATIONAL:
            return False
        return service.country == code if code is not None else lang in service.languages

    chosen = [s for s in services if matches(s)]
    return [s for s in chosen if national(s)] + [s for s in chosen if s.country == INTERNATIONAL]


def to_resource(service: Service, language: str) -> Resource:
    """A report's `Resource` for a service, its purpose in `language` (English when not written)."""
    return Resource(name=service.name, url=service.url, phone=service.phone, country=service.country,
                    purpose=service.purpose_in(language), kind=service.kind)
