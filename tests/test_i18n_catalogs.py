"""Explanation catalogs (issue 7): every language has English's keys and placeholders, and an
analysis explained in that language reads in that language."""

from __future__ import annotations

import pytest

from sextortion_flags import Analyzer, i18n
from sextortion_flags.lexicon import RESOURCE_ROOT, load_yaml

from .conftest import conversation, leaves, placeholders

TRANSLATIONS = ("fr", "es", "ar")


def main_catalog(lang: str) -> dict[str, str]:
    return dict(leaves(load_yaml(RESOURCE_ROOT / "i18n" / f"{lang}.yaml")))


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_catalog_is_available(lang):
    assert lang in i18n.available()


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_same_keys_as_english(lang):
    assert set(main_catalog(lang)) == set(main_catalog("en"))


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_same_placeholders_as_english_and_no_empty_text(lang):
    english = main_catalog("en")
    for key, value in main_catalog(lang).items():
        assert isinstance(value, str), key
        assert value.strip() or key in ("summary.join", "summary.last", "evidence.elapsed"), key
        assert placeholders(value) == placeholders(english[key]), key


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translations_differ_from_english(lang):
    english = main_catalog("en")
    translated = main_catalog(lang)
    same = [k for k in english if k.endswith(".why") and translated[k] == english[k]]
    assert same == []


CHATS = {
    "fr": ("ajoute moi sur snap", "> ok", "envoie moi une photo de toi", "> non",
           "si tu ne paies pas 200 euros, j'envoie la vidéo à ta famille"),
    "es": ("agrégame en whatsapp", "> vale", "mándame una foto tuya", "> no",
           "si no pagas 200 euros, mando el vídeo a tu familia"),
    "ar": ("أضفني على واتساب", "> حسنا", "أرسل لي صورة لك", "> لا",
           "إذا لم تدفع 200 دولار سأرسل الفيديو إلى عائلتك"),
}
# words of the catalog's own sentences, which an English explanation would not contain
WORDS = {
    "fr": {"summary": "Extorsion en cours", "threat": "chantage", "message": "(message 4 : «"},
    "es": {"summary": "Extorsión en curso", "threat": "chantaje", "message": "(mensaje 4: «"},
    "ar": {"summary": "ابتزاز جارٍ", "threat": "ابتزاز", "message": "(الرسالة 4: «"},
}


@pytest.fixture(scope="module")
def explained() -> dict:
    return {lang: Analyzer(explain_language=lang, model=False).analyze(conversation(*CHATS[lang]))
            for lang in TRANSLATIONS}


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_explanation_and_summary_in_the_chosen_language(explained, lang):
    report = explained[lang]
    assert report.risk_level == "critical"
    assert report.summary.startswith(WORDS[lang]["summary"])
    threat = next(f for f in report.flags if f.category == "threat")
    assert WORDS[lang]["threat"] in threat.explanation
    assert WORDS[lang]["message"] in threat.explanation
    english_why = i18n.text("en", "categories.threat.why")
    assert english_why not in threat.explanation


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_a_benign_chat_is_summarised_in_the_chosen_language(lang):
    report = Analyzer(explain_language=lang, model=False).analyze(conversation("bonjour", "> salut"))
    assert report.risk_level == "none"
    assert report.summary == i18n.text(lang, "summary.none") != i18n.text("en", "summary.none")
