"""Rule descriptions in French, Spanish and Arabic: every packaged rule's English description has a
translation in `resources/i18n/rules/<lang>.yaml`, and explanations in those languages name the
specific sign instead of falling back to the stage."""

from __future__ import annotations

import re
from functools import cache

import pytest

from sextortion_flags import Analyzer, i18n
from sextortion_flags.explain import rule_description
from sextortion_flags.rules.engine import RuleEngine

from .conftest import conversation

TRANSLATIONS = ("fr", "es", "ar")
ENGLISH_WORDS = re.compile(r"\b(the|asks|and|with|their|victim|person|says|threatens|claims|demands|or else)\b",
                           re.IGNORECASE)
MIGRATION_CHAT = ("ajoute moi sur snap", "> ok", "envoie moi une photo de toi", "> non")
MIGRATION_EN = "asks to continue the conversation on another app"


@cache
def packaged_rules() -> tuple:
    return tuple(RuleEngine().rules)


def table(lang: str) -> dict:
    rules = i18n.catalog(lang)["rules"]
    assert isinstance(rules, dict)
    return rules


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_every_packaged_rule_description_is_translated(lang):
    missing = sorted({rule.id for rule in packaged_rules()
                      if not isinstance(table(lang).get(rule.description), str)
                      or not table(lang)[rule.description].strip()})
    assert missing == [], f"rules without a {lang} description: {missing}"


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_no_stale_entries(lang):
    """A key no rule uses any more is a description that was reworded without its translation."""
    descriptions = {rule.description for rule in packaged_rules()}
    assert sorted(set(table(lang)) - descriptions) == []


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translations_are_not_left_in_english(lang):
    english = {key: value for key, value in table(lang).items() if ENGLISH_WORDS.search(value)}
    assert english == {}
    assert [key for key, value in table(lang).items() if value == key] == []


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translations_have_no_format_fields_and_no_trailing_period(lang):
    """Descriptions are inserted into a sentence of the main catalog, which adds its own punctuation."""
    bad = [v for v in table(lang).values() if "{" in v or "}" in v or v.rstrip().endswith(".") and
           not v.endswith("...")]
    assert bad == []


def test_arabic_descriptions_follow_the_present_tense_verb_convention():
    """The ar table's header comment: each starts with a third-person masculine present verb (ي...)."""
    assert [v for v in table("ar").values() if not v.startswith("ي")] == []
    assert [v for v in table("ar").values() if not re.search(r"[\u0600-\u06FF]", v)] == []


@pytest.mark.parametrize(("lang", "english", "expected"), [
    ("fr", MIGRATION_EN, "demande de poursuivre la conversation sur une autre application"),
    ("es", MIGRATION_EN, "pide continuar la conversación en otra aplicación"),
    ("ar", MIGRATION_EN, "يطلب مواصلة المحادثة على تطبيق آخر"),
    ("en", MIGRATION_EN, None),
    ("fr", "a description no catalog translates", None),
])
def test_rule_description_lookup(lang, english, expected):
    assert rule_description(lang, english) == expected


@pytest.fixture(scope="module")
def explained() -> dict:
    return {lang: Analyzer(explain_language=lang, model=False).analyze(conversation(*MIGRATION_CHAT))
            for lang in ("en", *TRANSLATIONS)}


def migration(report):
    return next(f for f in report.flags if f.category == "platform_migration")


def test_english_explanation_still_uses_the_english_description(explained):
    assert f"s {MIGRATION_EN} (message 0:" in migration(explained["en"]).explanation


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_explanation_names_the_specific_sign_in_the_chosen_language(explained, lang):
    explanation = migration(explained[lang]).explanation
    assert explanation.startswith(f"s {table(lang)[MIGRATION_EN]} (")
    assert i18n.text(lang, "categories.platform_migration.stage") not in explanation
    assert MIGRATION_EN not in explanation


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_a_description_without_translation_falls_back_to_the_stage(monkeypatch, lang):
    monkeypatch.setitem(i18n.catalog(lang), "rules", {})
    report = Analyzer(explain_language=lang, model=False).analyze(conversation(*MIGRATION_CHAT))
    explanation = migration(report).explanation
    assert explanation.startswith(f"s {i18n.text(lang, 'categories.platform_migration.stage')} (")
    assert MIGRATION_EN not in explanation


def test_the_html_page_shows_the_translated_description(explained):
    page = explained["ar"].to_html(conversation(*MIGRATION_CHAT))
    assert table("ar")[MIGRATION_EN] in page
