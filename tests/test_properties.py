"""Property-based tests (Hypothesis): parsers never crash, the analyzer keeps its promises.

Normalization offsets (a quote always equals text[start:end]) are covered in test_normalize.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sextortion_flags import Analyzer
from sextortion_flags.errors import InputError
from sextortion_flags.models import RISK_LEVELS, ErrorReport, Report
from sextortion_flags.parsers.registry import formats, parse_file

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SUFFIX = {"jsonl": ".jsonl", "messages_jsonl": ".jsonl", "csv": ".csv", "discord_csv": ".csv", "discord": ".json",
          "meta": ".json", "snapchat": ".json", "telegram": ".json", "telegram_html": ".html", "whatsapp": ".txt"}
LINE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(['{"id": "x", "messages": []}', '{"messages": [{"text": 1}]}', "1/14/25, 8:02 PM - A: hi",
                     "timestamp,sender,text", '{"conversation_id": 1, "sender": "a", "text": "b"}', "[[[[", "<div>",
                     '"a","b","c","d"', "\x00", "\ufeff{", '{"sender_name": "a", "timestamp_ms": 1}']),
)


def _parse(content: bytes, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{SUFFIX.get(fmt, '.txt')}"
        path.write_bytes(content)
        try:
            for item in parse_file(path, fmt):
                assert isinstance(item, (dict, ErrorReport))
        except InputError:
            pass


def test_every_registered_format_is_covered():
    assert set(formats()) <= set(SUFFIX)


@pytest.mark.parametrize("fmt", ["auto", *sorted(SUFFIX)])
@SETTINGS
@given(content=st.binary(max_size=2048))
def test_parsers_never_crash_on_random_bytes(fmt, content):
    _parse(content, fmt)


@pytest.mark.parametrize("fmt", ["auto", *sorted(SUFFIX)])
@SETTINGS
@given(lines=st.lists(LINE, max_size=12))
def test_parsers_never_crash_on_random_lines(fmt, lines):
    _parse("\n".join(lines).encode("utf-8", "surrogatepass"), fmt)


@pytest.fixture(scope="module")
def rules_only() -> Analyzer:
    return Analyzer(model=False)


WORDS = st.sampled_from(["hi", "add", "me", "on", "whatsapp", "send", "photo", "pay", "500", "euros", "or", "I",
                         "post", "video", "family", "snap", "tu", "es", "belle", "envoie", "\u200b", "😀", "!", "ok"])
MESSAGE = st.fixed_dictionaries({"sender": st.sampled_from(["a", "b"]),
                                 "text": st.one_of(st.lists(WORDS, max_size=12).map(" ".join), st.text(max_size=40))})
CONVERSATION = st.lists(MESSAGE, max_size=8)


@SETTINGS
@given(conversations=st.lists(CONVERSATION, min_size=1, max_size=5))
def test_analyze_many_keeps_order_scores_in_range_and_quotes_exact(rules_only, conversations):
    items = [{"id": f"c{i}", "user": "b", "messages": msgs} for i, msgs in enumerate(conversations)]
    reports = list(rules_only.analyze_many(items))
    assert [r.id for r in reports] == [item["id"] for item in items]
    for report, item in zip(reports, items, strict=True):
        assert isinstance(report, Report)
        assert 0.0 <= report.risk_score <= 1.0 and report.risk_level in RISK_LEVELS
        scores = [f.score for f in report.flags]
        assert scores == sorted(scores, reverse=True)
        for flag in report.flags:
            assert 0.0 <= flag.score <= 1.0 and flag.severity in RISK_LEVELS
            for ev in flag.evidence:
                if ev.quote is not None:
                    assert item["messages"][ev.message_index]["text"][ev.start:ev.end] == ev.quote
