"""Zero-width characters and bidi overrides inside a keyword do not hide it from the rules."""

from __future__ import annotations

import pytest

from sextortion_flags import Analyzer


@pytest.fixture(scope="module")
def rules_only() -> Analyzer:
    return Analyzer(model=False)


@pytest.mark.parametrize("text", [
    "add me on what\u200bsapp", "add me on tele\u200dgram", "add me on snap\u2060chat", "add me on wh\u202eatsapp",
    "add me on what\u200c\u200bs\ufeffapp", "ajoute moi sur snap\u2060chat", "add me on \u2066whatsapp\u2069",
])
def test_platform_migration_survives_invisible_characters(rules_only, text):
    report = rules_only.analyze({"id": "z", "messages": [{"sender": "s", "text": text}]})
    flags = {f.category: f for f in report.flags}
    assert "platform_migration" in flags
    for evidence in flags["platform_migration"].evidence:
        assert evidence.quote == text[evidence.start:evidence.end]
