import pytest

from sextortion_flags import Analyzer, Conversation
from sextortion_flags.analyzer import to_conversation
from sextortion_flags.errors import InputError, SextortionFlagsError


def test_dict_with_unknown_keys_is_accepted():
    conv = to_conversation({"id": "a", "label": "x", "lang": "fr",
                            "messages": [{"sender": "p", "text": "hi", "extra": 1}]})
    assert isinstance(conv, Conversation)
    assert conv.messages[0].kind == "text"


def test_participants_are_derived_from_senders():
    conv = to_conversation({"id": "a", "messages": [{"sender": "p", "text": "x"}, {"sender": "q", "text": "y"},
                                                    {"sender": "p", "text": "z"}]})
    assert [p.id for p in conv.participants] == ["p", "q"]


def test_null_text_and_timestamps_are_accepted():
    conv = to_conversation({"id": "a", "messages": [{"sender": "p", "text": None, "timestamp": None},
                                                    {"sender": "p", "text": "x", "timestamp": "2025-01-01T10:00:00"}]})
    assert conv.messages[0].text == ""
    assert conv.messages[1].timestamp.year == 2025


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"messages": []}, "id"),
        ({"id": "a"}, "messages"),
        ({"id": "a", "messages": [{"sender": "p", "text": "x", "kind": "sticker"}]}, "messages.0.kind"),
        ({"id": "a", "messages": [{"sender": "p", "text": "x", "timestamp": "yesterday"}]}, "messages.0.timestamp"),
        ({"id": "a", "messages": "hello"}, "messages"),
        ({"id": "a", "participants": [{"id": "p", "account": {"followers": -3}}], "messages": []},
         "participants.0.account.followers"),
    ],
)
def test_validation_errors_name_the_field(payload, field):
    with pytest.raises(InputError) as info:
        to_conversation(payload)
    assert field in str(info.value)
    assert isinstance(info.value, SextortionFlagsError)


def test_validation_error_never_echoes_message_text():
    secret = "my-private-words-123"
    with pytest.raises(InputError) as info:
        to_conversation({"id": "a", "messages": [{"sender": "p", "text": secret, "kind": secret}]})
    assert secret not in str(info.value)


def test_non_object_is_refused():
    with pytest.raises(InputError):
        to_conversation(["not", "a", "dict"])  # type: ignore[arg-type]


def test_empty_conversation_scores_none(analyzer: Analyzer):
    report = analyzer.analyze({"id": "empty", "messages": []})
    assert report.risk_level == "none"
    assert report.flags == []
    assert report.risk_score == 0.0
