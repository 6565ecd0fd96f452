"""Language of a message and of a conversation: function words, script and arabizi digits."""

import pytest

from sextortion_flags import Analyzer
from sextortion_flags.lang import conversation_language, detect
from sextortion_flags.normalize import normalize
from sextortion_flags.rules.engine import Words


def _detect(text: str) -> str | None:
    return detect(text, Words.of(normalize(text).text).words)


@pytest.mark.parametrize(("text", "expected"), [
    ("je suis chez moi, tu viens ?", "fr"),
    ("where are you now", "en"),
    ("no sé qué hacer con esto", "es"),
    ("wach nta mzyan, 3afak jawbni", "ary"),
    ("واش نتا مزيان", "ar"),
    ("😂😂", None),
    ("06 00 00 00 12", None),
    ("+44 7700 900123 left", None),  # Latin letters but no evidence: not Darija by default
    ("xptdr 2024 !!", None),
])
def test_message_language(text, expected):
    assert _detect(text) == expected


def test_a_tie_between_french_and_darija_is_darija():
    assert conversation_language(["fr", "ary", None]) == "ary"
    assert conversation_language([None, None]) is None


def test_short_spanish_messages_make_a_spanish_conversation():
    """Messages without evidence do not vote (they used to count for Darija)."""
    analyzer = Analyzer(model=False)
    texts = ["buen día ☀️", "venga va", "hasta luego", "para cuándo era el trabajo de historia"]
    report = analyzer.analyze({"id": "c", "messages": [{"sender": "a", "text": t} for t in texts]})
    assert report.language == "es"


def test_a_spanish_joke_is_read_as_spanish_and_its_laughter_counts():
    """Only "la" was a known word here (French and Spanish), so the message was French, the
    Spanish joke cue ("jaja") was never applied and a dinner bill read as extortion (critical)."""
    text = "paga la cena o todos lo sabrán jaja"
    assert _detect(text) == "es"
    report = Analyzer().analyze({"id": "c", "messages": [{"sender": "b", "text": text}]})
    assert (report.language, report.risk_level) == ("es", "none")
