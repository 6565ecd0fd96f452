"""Identifier extraction: golden conversations per language, validators, sender rules, bounded time."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sextortion_flags import models
from sextortion_flags.identifiers import checksums, extract_identifiers, phone
from sextortion_flags.identifiers.scan import scan_message

GOLDEN = Path(__file__).parent / "golden" / "identifiers"
CASES = [
    pytest.param(json.loads(line), id=f"{path.stem}:{json.loads(line)['conversation']['id']}")
    for path in sorted(GOLDEN.glob("*.jsonl"))
    for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
]


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.type, f.value) for f in scan_message(text).found]


@pytest.mark.parametrize("case", CASES)
def test_golden(case: dict) -> None:
    conversation = models.Conversation.model_validate(case["conversation"])
    only = set(case["only_senders"]) if "only_senders" in case else None
    got = [{"type": i.type, "value": i.value, "message_index": i.message_index, "sender": i.sender}
           for i in extract_identifiers(conversation, only_senders=only)]
    assert got == case["expected"]


@pytest.mark.parametrize("case", CASES)
def test_golden_values_are_valid(case: dict) -> None:
    """The golden data's fake wallets and IBANs pass their checksums (else the test proves nothing)."""
    for expected in case["expected"]:
        if expected["type"] == "iban":
            assert checksums.iban_checksum_ok(expected["value"])


@pytest.mark.parametrize(("text", "expected"), [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", ("crypto_address", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")),
    ("pay 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 now", ("crypto_address", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")),
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", ("crypto_address", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")),
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", ("crypto_address", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")),
    ("iban GB82 WEST 1234 5698 7654 32 merci", ("iban", "GB82WEST12345698765432")),
    ("+33 (0)6 12 34 56 78", ("phone", "+33612345678")),
    ("0033 6 12 34 56 78", ("phone", "+33612345678")),
    ("wa.me/212661234567", ("profile_link", "https://wa.me/212661234567")),
    ("chat.whatsapp.com/AbCdEfGhIjKlMn", ("invite_link", "https://chat.whatsapp.com/AbCdEfGhIjKlMn")),
    ("discord.gg/abc123", ("invite_link", "https://discord.gg/abc123")),
    ("snapchat.com/add/lina_k", ("profile_link", "https://snapchat.com/add/lina_k")),
    ("lina arobase gmail point com", ("email", "lina@gmail.com")),
    ("lina[at]proton[dot]me", ("email", "lina@proton.me")),
    ("ton portable ٠٦١٢٣٤٥٦٧٨", ("phone", "0612345678")),
])
def test_positive_forms(text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(text)


@pytest.mark.parametrize("text", [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T5",  # bad bech32 checksum
    "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",  # bad base58check checksum
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  # bad EIP-55 case checksum
    "GB83 WEST 1234 5698 7654 32",  # bad mod-97
    "le 12.05.2024 à 18.45",
    "2025-01-20 23:10:00",
    "ça fait 1 500 000 dh",
    "commande n° 0612345678",
    "#0712345678",
    "mot de passe wifi 0698765432",
    "06 xx xx xx 45",
    "06 12 xx xx 45",
    "en 2024 et 2025",
    "wh@tsapp moi",
    "rendez-vous at home dot now",
    "instagram.com/p/Cx12345",
    "https://www.lemonde.fr/societe/article/2025/01/20/arnaques_123.html",
    "ajoute moi sur snap stp",
    "parler sur snap c'est mieux",
    "my insta is better",
    "f3a1c0d2e4b5a6978877665544332211ffeeddcc",
])
def test_hard_negatives(text: str) -> None:
    assert _found(text) == []


def test_sender_rules() -> None:
    conversation = models.Conversation.model_validate({"id": "c", "messages": [
        {"sender": "a", "text": "mon num 0611223344"},
        {"sender": "b", "text": "je vais envoyer à tous, j'ai ton num 0611223344. paie sur FR76 ..."},
        {"sender": "b", "text": "snap: bad_guy77"},
        {"sender": "a", "text": "snap: bad_guy77 ?? c'est toi ?"},
    ]})
    everyone = [(i.type, i.value, i.sender) for i in extract_identifiers(conversation)]
    assert everyone == [("phone", "0611223344", "a"), ("handle", "@bad_guy77", "b")]
    assert [i.value for i in extract_identifiers(conversation, exclude_senders={"a"})] == ["@bad_guy77"]
    assert [i.value for i in extract_identifiers(conversation, only_senders={"a"})] == ["0611223344"]
    conversation.user = "a"
    assert [i.value for i in extract_identifiers(conversation)] == ["@bad_guy77"]


def test_identifier_fields_and_network() -> None:
    found = extract_identifiers({"id": "c", "messages": [
        {"sender": "x", "text": "snap: lina_k22", "timestamp": "2025-01-20T23:10:00"}]})
    assert found[0].model_dump() == {"type": "handle", "value": "@lina_k22", "message_index": 0,
                                     "timestamp": found[0].timestamp, "sender": "x", "network": "snapchat"}
    assert found[0].timestamp is not None and found[0].timestamp.hour == 23


def test_split_wallet_needs_same_sender() -> None:
    wallet = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    def messages(second: str) -> dict:
        return {"id": "c", "messages": [{"sender": "x", "text": f"wallet {wallet[:21]}"},
                                        {"sender": second, "text": wallet[21:]}]}
    assert [i.value for i in extract_identifiers(messages("x"))] == [wallet]
    assert extract_identifiers(messages("y")) == []


@pytest.mark.parametrize("alphabet", ["0123456789 .-", "0123456789", "13abcT0x \n", "a@ .", " ", "zero six "])
def test_huge_message_is_bounded(alphabet: str) -> None:
    rng = random.Random(7)
    text = "".join(rng.choice(alphabet) for _ in range(2_000_000)) if len(alphabet) > 1 else alphabet * 2_000_000
    started = time.perf_counter()
    extract_identifiers({"id": "big", "messages": [{"sender": "x", "text": text}]})
    assert time.perf_counter() - started < 5.0


def test_keccak_and_helpers_match_reference_vectors() -> None:
    assert checksums.keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert checksums.iban_with_checksum("GB", "WEST12345698765432") == "GB82WEST12345698765432"
    assert checksums.eip55_checksum_address("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == \
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def test_fast_fold_is_the_per_character_fold() -> None:
    import string

    from sextortion_flags.identifiers.text import _fold_char, fold_text

    rng = random.Random(7)
    alphabet = string.printable + "éàçÉßﬁ٠١٢٣٤٥٦٧٨٩۰۱أإآىةؤئکیـ\u200b\u200d\u202e\ufeff＠’‘`ｗｈａｔ😀🙏"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        pairs = [_fold_char(c) for c in text]
        assert fold_text(text) == ("".join(r for r, _ in pairs), "".join(f for _, f in pairs))


# ------------------------------------------------------------------ fast paths keep the same answers


@pytest.mark.parametrize(("first", "expected"), [
    ("je passe par western union ce soir", [("transfer_reference", "4125589031", 1)]),
    ("je passe par la poste ce soir", []),
])
def test_a_service_named_without_any_identifier_gives_the_next_code_its_meaning(first, expected) -> None:
    """The first message holds nothing to extract (no digit, no link): it still tells the next one
    that "code" is a transfer code."""
    found = extract_identifiers({"id": "c", "messages": [{"sender": "x", "text": first},
                                                         {"sender": "x", "text": "le code c'est 4125589031"}]})
    assert [(i.type, i.value, i.message_index) for i in found] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("cash plus code 123456", [("transfer_reference", "123456")]),  # the shortest code any service uses
    ("cash plus code 12345", []),
    ("cash plus code 1 2 3", []),
    ("mon num 0612345678", [("phone", "0612345678")]),
    ("mon num 061234567", []),
])
def test_short_digit_runs_are_skipped_only_below_every_minimum(text, expected) -> None:
    assert _found(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=1, max_size=4), min_size=1, max_size=4),
       st.booleans(), st.booleans())
def test_no_phone_has_fewer_than_min_digits(groups: list[str], international: bool, announced: bool) -> None:
    """`numbers` skips runs shorter than phone.MIN_DIGITS unread: phone_value must refuse them all."""
    digits = "".join(groups)[:phone.MIN_DIGITS - 1]
    candidate = phone.PhoneCandidate(digits, international, (len(digits),), 0, len(digits))
    assert phone.phone_value(candidate, announced) is None
    assert phone.international_value(digits) is None


def _legacy_wallet_with_letters_tail(tail: int) -> str:
    rng = random.Random(11)
    while True:
        address = checksums.base58check_encode(bytes([0]) + rng.randbytes(20))
        if address[-tail:].isalpha():
            return address


def test_wallet_split_before_a_tail_without_digits() -> None:
    """The second half holds nothing any pass can match on its own: its head tokens still rejoin the wallet."""
    wallet = _legacy_wallet_with_letters_tail(6)
    found = extract_identifiers({"id": "c", "messages": [{"sender": "x", "text": f"wallet {wallet[:-6]}"},
                                                         {"sender": "x", "text": wallet[-6:]}]})
    assert [(i.type, i.value, i.message_index) for i in found] == [("crypto_address", wallet, 0)]
