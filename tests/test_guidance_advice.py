"""Advice selection (issue 10): per level, category, minor, platform, language and country.

Reports are built by hand so these tests do not depend on the rules. Most tests replace the
services directory with a fake that names what was asked for, so they check the selection alone;
the last ones read the packaged directory and analyse real chats.
"""

from __future__ import annotations

import re

import pytest

from sextortion_flags import Analyzer, i18n
from sextortion_flags.errors import UsageError
from sextortion_flags.guidance import advice as advice_module
from sextortion_flags.guidance import services
from sextortion_flags.guidance.advice import platform_words, select_advice
from sextortion_flags.lexicon import RESOURCE_ROOT, load_yaml
from sextortion_flags.models import Conversation, Evidence, Flag, Report, Resource

from .conftest import conversation, leaves, placeholders

LANGUAGES = ("en", "fr", "es", "ar")
CATALOG_DIR = RESOURCE_ROOT / "i18n" / "advice"
BLAMING = {
    "en": ["your fault for", "you should have", "you shouldn't have", "careless", "stupid", "naive", "why did you"],
    "fr": ["aurais dû", "aurais pas dû", "imprudent", "naïf", "naïve", "bête", "pourquoi as-tu"],
    "es": ["deberías haber", "no deberías", "imprudente", "ingenuo", "ingenua", "tonto", "por qué"],
    "ar": ["كان عليك", "ما كان ينبغي", "غبي", "ساذج", "لماذا"],
}


def flag(category: str, quote: str = "…", sender: str = "s") -> Flag:
    return Flag(category=category, score=0.9, severity="high", sender=sender, explanation="x",  # type: ignore[arg-type]
                evidence=[Evidence(message_index=0, quote=quote, start=0, end=len(quote), source="rule:test")])


def report(level: str, *flags: Flag) -> Report:
    return Report(id="c", risk_score=0.5, risk_level=level, flags=list(flags))  # type: ignore[arg-type]


def chat(platform: str | None) -> Conversation:
    return Conversation(id="c", platform=platform, messages=[])


def ids(items) -> list[str]:
    return [a.id for a in items]


@pytest.fixture
def fake_services(monkeypatch):
    """Every resource lookup answers with one resource naming its query: kind|platform|country|language."""
    asked: list[tuple[str, str | None, str | None, str]] = []

    def fake(kind, *, language, country, platform=None):
        asked.append((kind, platform, country, language))
        return [Resource(name=f"{kind}|{platform}|{country}|{language}", country=country)]

    monkeypatch.setattr(advice_module, "_resources", fake)
    return asked


def kinds(item) -> list[str]:
    return [r.name.split("|")[0] for r in item.resources]


def by_id(items, advice_id):
    return next(a for a in items if a.id == advice_id)


# ------------------------------------------------------------------ catalogs


@pytest.fixture(scope="module")
def catalogs() -> dict[str, dict[str, str]]:
    return {lang: dict(leaves(load_yaml(CATALOG_DIR / f"{lang}.yaml"))) for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_catalog_has_the_english_keys(catalogs, lang):
    assert set(catalogs[lang]) == set(catalogs["en"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_entries_are_non_empty_text_with_the_english_placeholders(catalogs, lang):
    for key, value in catalogs[lang].items():
        assert isinstance(value, str) and (value.strip() or key in ("join", "last")), key
        assert placeholders(value) == placeholders(catalogs["en"][key]), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_never_blames(catalogs, lang):
    for key, value in catalogs[lang].items():
        for phrase in BLAMING[lang]:
            assert phrase not in value.lower(), (key, phrase)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_advice_is_reachable_through_i18n(lang):
    assert i18n.text(lang, "advice.dont_pay") == load_yaml(CATALOG_DIR / f"{lang}.yaml")["dont_pay"]


def test_every_advice_id_selected_has_a_catalog_entry(fake_services, catalogs):
    everything = report("critical", flag("threat"), flag("payment_demand"), flag("platform_migration", "snap"))
    minor = report("critical", flag("image_request"), flag("minor_involved"), flag("threat"))
    grooming = report("medium", flag("escalation"))
    seen = {a.id for r in (everything, minor, grooming) for a in select_advice(r, chat("instagram"))}
    seen |= {a.id for a in select_advice(report("low", flag("platform_migration")))}
    keys = {k.split(".")[0] for k in catalogs["en"]}
    assert {i.replace("-", "_") for i in seen} <= keys
    assert len(seen) == 12


# ------------------------------------------------------------------ levels


def test_none_gives_no_advice(fake_services):
    assert select_advice(report("none")) == []
    assert fake_services == []


@pytest.mark.parametrize("category", ["platform_migration", "suspicious_account", "threat"])
def test_low_gives_one_gentle_note(fake_services, category):
    items = select_advice(report("low", flag(category)), chat("whatsapp"))
    assert ids(items) == ["keep-watch"]
    assert items[0].resources == []


def test_medium_grooming_says_no_images_and_reports_without_police(fake_services):
    items = select_advice(report("medium", flag("escalation")), chat("instagram"))
    assert ids(items)[:2] == ["stop-answering", "no-images"]
    assert "report-platform" in ids(items) and "talk-to-someone" in ids(items)
    assert "report-police" not in ids(items) and "dont-pay" not in ids(items)


@pytest.mark.parametrize("level", ["high", "critical"])
def test_high_and_critical_report_to_the_police(fake_services, level):
    items = select_advice(report(level, flag("image_request")))
    assert kinds(by_id(items, "report-police")) == ["police_report"]
    assert "not-your-fault" in ids(items)


# ------------------------------------------------------------------ categories


@pytest.mark.parametrize("categories", [("payment_demand",), ("threat",), ("threat", "payment_demand")])
def test_payment_or_threat_says_dont_pay_right_after_stop_answering(fake_services, categories):
    items = select_advice(report("critical", *(flag(c) for c in categories)))
    assert ids(items)[:2] == ["stop-answering", "dont-pay"]
    assert ids(items).index("keep-evidence") > 1
    assert "no-images" not in ids(items)


def test_threat_gives_takedown_services_for_adults_and_minors(fake_services):
    item = by_id(select_advice(report("high", flag("threat"))), "takedown")
    assert kinds(item) == ["takedown_adults", "takedown_minors"]
    assert item.text == i18n.text("en", "advice.takedown.any")


@pytest.mark.parametrize("categories", [("image_request",), ("payment_demand",), ("escalation",)])
def test_no_threat_no_takedown(fake_services, categories):
    assert "takedown" not in ids(select_advice(report("high", *(flag(c) for c in categories))))


def test_migration_reports_the_first_account_too(fake_services):
    items = select_advice(report("medium", flag("platform_migration", "ajoute moi sur snp"), flag("escalation")),
                          chat("instagram"))
    assert ids(items).index("report-platform") < ids(items).index("report-first-account")
    assert [r.name for r in by_id(items, "report-platform").resources] == ["platform_report|snapchat|None|en"]
    first = by_id(items, "report-first-account")
    assert [r.name for r in first.resources] == ["platform_report|instagram|None|en"]
    assert "Instagram" in first.text
    assert "Snapchat" in by_id(items, "report-platform").text


def test_migration_on_an_unknown_app_still_asks_to_report_the_first_account(fake_services):
    items = select_advice(report("medium", flag("platform_migration", "give me your number"), flag("escalation")))
    first = by_id(items, "report-first-account")
    assert first.text == i18n.text("en", "advice.report_first_account.unnamed")
    assert first.resources == []
    assert by_id(items, "report-platform").text == i18n.text("en", "advice.report_platform.unnamed")


def test_no_migration_no_first_account(fake_services):
    assert "report-first-account" not in ids(select_advice(report("high", flag("image_request")), chat("snapchat")))


def test_advice_ids_are_unique_kebab_case(fake_services):
    items = select_advice(report("critical", flag("threat"), flag("payment_demand"), flag("platform_migration")))
    assert len(ids(items)) == len(set(ids(items)))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", i) for i in ids(items))


# ------------------------------------------------------------------ a self-declared minor


@pytest.fixture
def minor_report() -> Report:
    return report("critical", flag("image_request"), flag("minor_involved", "j'ai 14 ans", sender="u"),
                  flag("threat"))


def test_minor_is_told_to_tell_a_trusted_adult_early_with_child_services(fake_services, minor_report):
    items = select_advice(minor_report, chat("snapchat"))
    trusted = by_id(items, "tell-trusted-adult")
    assert ids(items).index("tell-trusted-adult") <= 3
    assert kinds(trusted) == ["child_helpline"]
    assert kinds(by_id(items, "takedown")) == ["takedown_minors"]
    assert by_id(items, "takedown").text == i18n.text("en", "advice.takedown.minor")
    assert "talk-to-someone" not in ids(items)
    assert "not-your-fault" in ids(items)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_minor_advice_never_blames(fake_services, minor_report, lang):
    for item in select_advice(minor_report, language=lang):
        for phrase in BLAMING[lang]:
            assert phrase not in item.text.lower(), (item.id, phrase)


def test_minor_in_a_medium_chat_still_gets_the_police(fake_services):
    items = select_advice(report("medium", flag("platform_migration", "add me on snap"), flag("minor_involved")))
    assert "report-police" in ids(items) and "tell-trusted-adult" in ids(items)


# ------------------------------------------------------------------ platform, language, country


@pytest.mark.parametrize(("platform", "expected"), [("instagram", "instagram"), ("Instagram", "instagram"),
                                                    ("whatsapp", "whatsapp"), ("messenger", "facebook")])
def test_the_chats_app_gets_its_report_resource(fake_services, platform, expected):
    item = by_id(select_advice(report("high", flag("image_request")), chat(platform)), "report-platform")
    assert [r.name for r in item.resources] == [f"platform_report|{expected}|None|en"]


def test_unknown_app_gives_the_generic_report_text(fake_services):
    item = by_id(select_advice(report("high", flag("image_request")), chat("myspace")), "report-platform")
    assert item.text == i18n.text("en", "advice.report_platform.unnamed")
    assert item.resources == []


@pytest.mark.parametrize(("text", "apps"), [("ajoute moi sur snp", ["snapchat"]), ("viens sur wtsp ou insta",
                                            ["whatsapp", "instagram"]), ("زيدني فالواتساب", ["whatsapp"]),
                                            ("add me on Telegram!", ["telegram"]), ("send me a photo", [])])
def test_platform_words(text, apps):
    assert platform_words(text) == apps


@pytest.mark.parametrize(("lang", "word"), [("fr", "paie"), ("es", "pagues"), ("ar", "تدفع"), ("en", "pay")])
def test_advice_follows_the_language(fake_services, lang, word):
    items = select_advice(report("critical", flag("threat"), flag("payment_demand")), language=lang)
    assert word in by_id(items, "dont-pay").text
    assert by_id(items, "dont-pay").text == i18n.text(lang, "advice.dont_pay")
    assert {q[3] for q in fake_services} == {lang}


def test_arabic_names_the_app_in_arabic(fake_services):
    item = by_id(select_advice(report("high", flag("image_request")), chat("instagram"), language="ar"),
                 "report-platform")
    assert "إنستغرام" in item.text


def test_a_language_without_catalog_falls_back_to_english(fake_services):
    items = select_advice(report("high", flag("threat")), language="de")
    assert by_id(items, "dont-pay").text == i18n.text("en", "advice.dont_pay")


def test_country_is_passed_to_the_directory(fake_services):
    select_advice(report("high", flag("threat")), language="fr", country="FR")
    assert fake_services and {q[2] for q in fake_services} == {"FR"}


def test_a_service_appears_once_per_advice(monkeypatch):
    same = Resource(name="Helpline", phone="123")
    monkeypatch.setattr(advice_module, "_resources", lambda kind, **kw: [same])
    items = select_advice(report("critical", flag("threat")))
    assert by_id(items, "takedown").resources == [same]
    assert by_id(items, "talk-to-someone").resources == [same]


def test_an_unknown_country_is_a_usage_error_naming_the_known_ones():
    with pytest.raises(UsageError, match="FR"):
        select_advice(report("high", flag("threat")), country="ZZ")


# ------------------------------------------------------------------ with the packaged services directory


def resources_of(item, kind: str) -> list[Resource]:
    return [r for r in item.resources if r.kind == kind]


@pytest.mark.parametrize("platform", ["instagram", "whatsapp", "snapchat", "telegram", "discord", "facebook"])
def test_packaged_report_resource_for_the_chats_app(platform):
    item = by_id(select_advice(report("high", flag("image_request")), chat(platform)), "report-platform")
    expected = [services.to_resource(s, "en") for s in services.find("platform_report", language="en",
                                                                       platform=platform)]
    assert expected and item.resources == expected


def test_packaged_french_reader_in_france_gets_french_police_and_child_services():
    minor = report("critical", flag("image_request"), flag("minor_involved"), flag("threat"))
    items = select_advice(minor, chat("snapchat"), language="fr", country="FR")
    police = resources_of(by_id(items, "report-police"), "police_report")
    assert police and {r.country for r in police} == {"FR"}
    assert any(r.name == "PHAROS" for r in police)
    child = resources_of(by_id(items, "tell-trusted-adult"), "child_helpline")
    assert child[0].country == "FR"
    assert {r.kind for r in by_id(items, "takedown").resources} == {"takedown_minors"}
    assert by_id(items, "dont-pay").text.startswith("Ne paie pas")


def test_packaged_services_without_country_follow_the_language():
    items = select_advice(report("high", flag("threat")), language="es")
    national = [r for a in items for r in a.resources if r.country != "INT"]
    assert national and {r.country for r in national} <= {"ES"}
    assert {r.kind for r in by_id(items, "takedown").resources} == {"takedown_adults", "takedown_minors"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_packaged_resources_carry_a_purpose(lang):
    items = select_advice(report("critical", flag("threat"), flag("payment_demand")), chat("whatsapp"), language=lang)
    assert all(r.purpose for a in items for r in a.resources)


def dumped(items) -> list[dict]:
    return [a.model_dump() for a in items]


@pytest.mark.parametrize(("lang", "country"), [("en", None), ("fr", "FR"), ("ar", None)])
def test_repeated_advice_is_equal_but_never_shared(lang, country):
    """Resources are read once per query, but every report gets its own objects: editing one report's
    advice (a reader striking a service out) must not change the next report's."""
    chosen = report("critical", flag("threat"), flag("payment_demand"), flag("platform_migration", "add me on snap"))
    first = select_advice(chosen, chat("instagram"), language=lang, country=country)
    expected = dumped(first)
    second = select_advice(chosen, chat("instagram"), language=lang, country=country)
    assert dumped(second) == expected
    pairs = [(a, b) for x, y in zip(first, second, strict=True) for a, b in zip(x.resources, y.resources, strict=True)]
    assert pairs and all(a is not b for a, b in pairs)
    assert all(x is not y and x.resources is not y.resources for x, y in zip(first, second, strict=True))
    for item in second:
        item.text = "edited"
        for resource in item.resources:
            resource.name = "edited"
        item.resources.clear()
    assert dumped(select_advice(chosen, chat("instagram"), language=lang, country=country)) == expected


def test_platform_words_gives_a_fresh_list_each_time():
    words = platform_words("viens sur wtsp ou insta")
    words.append("myspace")
    assert platform_words("viens sur wtsp ou insta") == ["whatsapp", "instagram"]


# ------------------------------------------------------------------ on real reports


CHATS = {
    "fr": ("ajoute moi sur snap", "> ok", "envoie moi une photo de toi", "> non",
           "si tu ne paies pas 200 euros, j'envoie la vidéo à ta famille"),
    "es": ("agrégame en whatsapp", "> vale", "mándame una foto tuya", "> no",
           "si no pagas 200 euros, mando el vídeo a tu familia"),
    "ar": ("أضفني على واتساب", "> حسنا", "أرسل لي صورة لك", "> لا",
           "إذا لم تدفع 200 دولار سأرسل الفيديو إلى عائلتك"),
}


@pytest.fixture(scope="module")
def rules_only() -> Analyzer:
    return Analyzer(model=False)


@pytest.mark.parametrize("lang", sorted(CHATS))
def test_an_extortion_report_gets_advice_in_its_language(rules_only, lang):
    conv = Conversation.model_validate({**conversation(*CHATS[lang]), "platform": "instagram"})
    found = rules_only.analyze(conv)
    assert found.risk_level == "critical"
    items = select_advice(found, conv, language=i18n.pick(found.language))
    assert {"dont-pay", "takedown", "report-police", "report-first-account"} <= set(ids(items))
    assert by_id(items, "dont-pay").text == i18n.text(lang, "advice.dont_pay")
    first = by_id(items, "report-first-account").resources
    assert [r.url for r in first] == [s.url for s in services.find("platform_report", language=lang,
                                                                     platform="instagram")]


def test_a_benign_report_gets_no_advice(rules_only):
    conv = Conversation.model_validate(conversation("bonjour, tu viens demain ?", "> oui, à demain"))
    assert select_advice(rules_only.analyze(conv), conv, language="fr") == []
