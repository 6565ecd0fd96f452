"""The verified services directory: its data, its checks on bad files, and how `find` picks entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from sextortion_flags.errors import UsageError
from sextortion_flags.guidance import services as svc
from sextortion_flags.guidance.services import ServiceFileError, find, load_services, to_resource
from sextortion_flags.models import Advice, Resource

PACKAGED = load_services()
REQUIRED_COUNTRIES = ("MA", "FR", "BE", "ES", "CA", "GB", "US")
PLATFORMS = ("whatsapp", "instagram", "facebook", "snapchat", "telegram", "discord")
ADVICE_LANGUAGES = ("en", "fr", "es", "ar")

# ------------------------------------------------------------------ the packaged data


def test_packaged_file_is_the_cached_directory():
    assert load_services() is PACKAGED
    assert len(PACKAGED.services) >= 20


def test_review_date_is_not_in_the_future():
    assert PACKAGED.review_date <= date.today()


@pytest.mark.parametrize("service", PACKAGED.services, ids=lambda s: s.id)
def test_every_entry_is_sourced_and_fresh(service):
    assert service.source.startswith("https://")
    assert PACKAGED.review_date <= service.checked <= date.today()
    assert service.url or service.phone
    assert service.url is None or service.url.startswith("https://")


@pytest.mark.parametrize("service", PACKAGED.services, ids=lambda s: s.id)
def test_every_purpose_is_written_in_the_four_advice_languages(service):
    assert set(ADVICE_LANGUAGES) <= set(service.purpose)
    assert all(len(service.purpose[lang]) <= 200 for lang in ADVICE_LANGUAGES)


def test_ids_are_unique_in_the_raw_file():
    raw = yaml.safe_load(svc.SERVICES_PATH.read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in raw["services"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("country", REQUIRED_COUNTRIES)
def test_each_required_country_has_services(country):
    assert [s for s in PACKAGED.services if s.country == country]
    assert country in svc.COUNTRIES


def test_countries_are_exactly_the_national_ones():
    assert frozenset(s.country for s in PACKAGED.services) - {"INT"} == svc.COUNTRIES
    assert "INT" not in svc.COUNTRIES


@pytest.mark.parametrize("kind", ["takedown_minors", "takedown_adults", "child_helpline"])
def test_international_services_cover_the_takedowns(kind):
    assert [s for s in PACKAGED.services if s.country == "INT" and s.kind == kind]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_platform_has_a_reporting_entry(platform):
    found = find("platform_report", language="en", platform=platform)
    assert [s.platform for s in found] == [platform]


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_a_reader_without_a_country_gets_a_national_police_service_in_their_language(language):
    found = find("police_report", language=language)
    assert found and all(language in s.languages for s in found if s.country != "INT")
    assert found[0].country != "INT"


# ------------------------------------------------------------------ find() on a small directory


def _entry(service_id: str, country: str, kind: str = "helpline", languages=("fr",), platform=None, **extra) -> dict:
    entry = {
        "id": service_id, "name": service_id.upper(), "country": country, "kind": kind, "platform": platform,
        "purpose": {"en": f"{service_id} in English", "fr": f"{service_id} en français"},
        "url": f"https://{service_id}.example.org", "phone": None, "languages": list(languages),
        "source": f"https://{service_id}.example.org/about", "checked": date(2026, 11, 23),
    }
    entry.update(extra)
    return entry


def _write(tmp_path: Path, services: list[dict], review_date=date(2026, 11, 1), **top) -> Path:
    path = tmp_path / "services.yaml"
    path.write_text(yaml.safe_dump({"review_date": review_date, "services": services, **top}, allow_unicode=True),
                    encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path):
    return load_services(_write(tmp_path, [
        _entry("int-global", "INT"),
        _entry("fr-one", "FR"),
        _entry("ma-one", "MA", languages=("ar", "fr")),
        _entry("es-one", "ES", languages=("es",)),
        _entry("fr-two", "FR"),
        _entry("fr-police", "FR", kind="police_report"),
        _entry("int-wa", "INT", kind="platform_report", platform="whatsapp", languages=("en",)),
        _entry("int-ig", "INT", kind="platform_report", platform="instagram", languages=("en",)),
    ]))


@pytest.mark.parametrize(("country", "language", "expected"), [
    ("FR", "en", ["fr-one", "fr-two", "int-global"]),        # the country's own, whatever the language
    ("fr", "ar", ["fr-one", "fr-two", "int-global"]),        # codes are case-insensitive
    ("MA", "fr", ["ma-one", "int-global"]),
    (None, "fr", ["fr-one", "ma-one", "fr-two", "int-global"]),  # language match, file order, national first
    (None, "ar", ["ma-one", "int-global"]),
    (None, "es", ["es-one", "int-global"]),
    (None, "en", ["int-global"]),                             # no national service in English here
])
def test_find_by_country_or_language(small, country, language, expected):
    assert [s.id for s in find("helpline", language=language, country=country, directory=small)] == expected


def test_find_keeps_to_the_kind(small):
    assert [s.id for s in find("police_report", language="fr", directory=small)] == ["fr-police"]
    assert find("victim_support", language="fr", directory=small) == []


@pytest.mark.parametrize(("platform", "expected"), [
    ("whatsapp", ["int-wa"]), ("Instagram", ["int-ig"]), ("tiktok", []), (None, ["int-wa", "int-ig"]),
])
def test_find_filters_platform_reports_by_app(small, platform, expected):
    assert [s.id for s in find("platform_report", language="en", platform=platform, directory=small)] == expected


def test_find_rejects_an_unknown_kind():
    with pytest.raises(UsageError, match="police_report"):
        find("hotline", language="en")


def test_an_unknown_country_lists_the_known_ones():
    with pytest.raises(UsageError) as caught:
        find("helpline", language="fr", country="ZZ")
    assert all(code in str(caught.value) for code in REQUIRED_COUNTRIES)
    assert svc.check_country(" gb ") == "GB"
    assert svc.check_country(None) is None


# ------------------------------------------------------------------ to_resource()


def test_to_resource_speaks_the_reader_language_and_falls_back_to_english(small):
    fr_one = small.services[1]
    assert to_resource(fr_one, "fr").purpose == "fr-one en français"
    assert to_resource(fr_one, "ar").purpose == "fr-one in English"
    resource = to_resource(fr_one, "fr")
    assert (resource.name, resource.url, resource.phone, resource.country, resource.kind) == (
        "FR-ONE", "https://fr-one.example.org", None, "FR", "helpline")


def test_resources_carry_purpose_and_kind_through_a_report_advice():
    service = find("takedown_minors", language="ar")[0]
    advice = Advice(id="takedown", text="...", resources=[to_resource(service, "ar")])
    dumped = advice.model_dump()["resources"][0]
    assert dumped["kind"] == "takedown_minors"
    assert dumped["purpose"] == service.purpose["ar"]
    assert Resource(name="x").purpose is None  # both fields stay optional


# ------------------------------------------------------------------ bad files


@pytest.mark.parametrize(("change", "service_id", "reason"), [
    ({"source": None}, "fr-bad", "source"),
    ({"source": "http://fr-bad.example.org"}, "fr-bad", "https"),
    ({"checked": date(2026, 10, 1)}, "fr-bad", "review date"),
    ({"checked": "yesterday"}, "fr-bad", "checked"),
    ({"url": None, "phone": None}, "fr-bad", "url or a phone"),
    ({"kind": "hotline"}, "fr-bad", "kind"),
    ({"kind": "platform_report"}, "fr-bad", "platform"),
    ({"purpose": {"fr": "seulement en français"}}, "fr-bad", "English"),
    ({"languages": ["french"]}, "fr-bad", "ISO 639-1"),
    ({"country": "ES"}, "fr-bad", "start with 'es'"),
    ({"colour": "blue"}, "fr-bad", "colour"),
])
def test_a_bad_entry_names_the_file_and_the_entry(tmp_path, change, service_id, reason):
    bad = _entry("fr-bad", "FR")
    bad.update(change)
    path = _write(tmp_path, [_entry("fr-good", "FR"), bad])
    with pytest.raises(ServiceFileError) as caught:
        load_services(path)
    message = str(caught.value)
    assert str(path) in message and repr(service_id) in message and reason in message
    assert caught.value.service_id == service_id


def test_a_duplicate_id_is_named(tmp_path):
    path = _write(tmp_path, [_entry("fr-twice", "FR"), _entry("fr-twice", "FR")])
    with pytest.raises(ServiceFileError, match=r"'fr-twice'.*duplicate"):
        load_services(path)


def test_an_entry_without_id_is_named_by_position(tmp_path):
    bad = _entry("fr-x", "FR")
    del bad["id"]
    with pytest.raises(ServiceFileError, match=r"\(service '#2'\).*id"):
        load_services(_write(tmp_path, [_entry("fr-ok", "FR"), bad]))


@pytest.mark.parametrize(("text", "reason"), [
    ("review_date: 2026-11-01\nservices: [\n  - id: fr-x\n", "not valid YAML"),
    ("- just\n- a list\n", "'services' list"),
    ("review_date: soon\nservices: []\n", "review_date"),
    ("review_date: 2026-11-01\nservices: []\nextra: 1\n", "extra"),
])
def test_a_bad_file_names_the_file(tmp_path, text, reason):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ServiceFileError) as caught:
        load_services(path)
    assert str(path) in str(caught.value) and reason in str(caught.value)


def test_a_missing_file_names_the_file(tmp_path):
    with pytest.raises(ServiceFileError, match="missing.yaml"):
        load_services(tmp_path / "missing.yaml")
