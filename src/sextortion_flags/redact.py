"""Masking of contact and payment details in a report (`scan --redact`, `redact_report`).

A report quotes the chat, so it carries phone numbers, e-mail addresses, IBANs, Moroccan RIBs, card numbers and
crypto wallet addresses of real people; a report that is shared (with a school, a helpline) may
need them hidden. Each value keeps its first two and last two characters and every character in
between becomes "•", so the masked value has the original length (evidence offsets still point at
the right span of the chat) and a reader holding the chat can still tell which value it was.

Candidates are found by bounded regexes, then checked (Luhn for cards, mod-97 for IBANs, a digit
count for phones), so dates, times and prices are left alone.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

from sextortion_flags import i18n
from sextortion_flags.identifiers.checksums import iban_checksum_ok
from sextortion_flags.identifiers.patterns import EMAIL_OBFUSCATED, spelled_out_domain
from sextortion_flags.models import Conversation, ErrorReport, Report, to_conversation, to_report

MASK = "•"
KEEP = 2

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}(?![\w-])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]{4}){2,7}(?:[ -]?[A-Za-z0-9]{1,3})?"
                   r"(?![A-Za-z0-9])")
_ETH = re.compile(r"(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![A-Za-z0-9])")
_BTC = re.compile(r"(?<![A-Za-z0-9])(?:[13][a-km-zA-HJ-NP-Z1-9]{25,34}|(?:bc1|BC1)[ac-hj-np-zAC-HJ-NP-Z02-9]{11,71})"
                  r"(?![A-Za-z0-9])")
_TRON = re.compile(r"(?<![A-Za-z0-9])T[1-9A-HJ-NP-Za-km-z]{33}(?![A-Za-z0-9])")
# A Moroccan RIB (bank, town, account and key: 24 digits, "007 780 0001234567890123 45"), the form
# in which Moroccans give a bank account; no other value masked here has exactly 24 digits.
_RIB = re.compile(r"(?<![\w+.-])\d(?:[ .-]?\d){23}(?![\w]|[.-]\d)")
_CARD = re.compile(r"(?<![\d.-])\d(?:[ .-]?\d){12,18}(?![\d-]|\.\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ .\-]?\(?\d{1,4}\)?){3,10}(?![\w])")
_SLASHED_PHONE = re.compile(r"(?<![\w/])0\d(?:/\d\d){4}(?![\w]|/\d)")  # "06/12/34/56/78", never a date
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")


def _without_word_after(iban: str) -> str:
    """The IBAN regex takes 4-letter groups (bank codes: "GB82 WEST …"), so it also swallows the word
    after an IBAN ("… 1332 maintenant"); a trailing run of letters is cut off with the space or dash
    before it (Seychelles' "…1497USD" keeps its currency visible, nothing else)."""
    kept = iban.rstrip(string.ascii_letters)
    return kept[:-1] if kept != iban and kept.endswith((" ", "-")) else kept


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _iban_ok(value: str) -> bool:
    """A valid checksum, or (a quote may cut an IBAN short) the shape with ten digits or more."""
    compact = value.replace(" ", "").replace("-", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    return iban_checksum_ok(compact) or sum(c.isdigit() for c in compact) >= 10


def _card_ok(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return 13 <= len(digits) <= 19 and _luhn(digits)


def _phone_ok(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    if _DATE_LIKE.match(value.strip()):
        return False
    international = value.startswith(("+", "00"))
    return (8 if international else 9) <= len(digits) <= 15


def _spelled_email_ok(value: str) -> bool:
    """"lina at gmail dot com", as the identifiers read it (a domain people use, not "home dot now")."""
    match = EMAIL_OBFUSCATED.fullmatch(value)
    return match is not None and spelled_out_domain(match) is not None


def _btc_ok(value: str) -> bool:
    return value[:3].lower() == "bc1" or any(c.isdigit() for c in value[1:]) and any(c.isupper() for c in value)


KINDS: tuple[tuple[str, re.Pattern[str], Callable[[str], bool]], ...] = (
    ("email", _EMAIL, lambda v: True),
    ("email", EMAIL_OBFUSCATED, _spelled_email_ok),
    ("crypto_address", _ETH, lambda v: True),
    ("crypto_address", _BTC, _btc_ok),
    ("crypto_address", _TRON, lambda v: any(c.isdigit() for c in v)),
    ("iban", _IBAN, _iban_ok),
    ("iban", _RIB, lambda v: True),
    ("card", _CARD, _card_ok),
    ("phone", _PHONE, _phone_ok),
    ("phone", _SLASHED_PHONE, lambda v: True),
)
"""What is masked, in order of precedence (an e-mail's digits are not also a phone number)."""


def find_sensitive(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) spans of the values to mask, in text order."""
    taken: list[tuple[int, int, str]] = []
    for kind, pattern, valid in KINDS:
        for m in pattern.finditer(text):
            start, end = m.span()
            value = m.group(0).rstrip(" .-")
            if kind == "iban":
                value = _without_word_after(value)
            end = start + len(value)
            if not valid(value) or any(s < end and start < e for s, e, _ in taken):
                continue
            taken.append((start, end, kind))
    return sorted(taken)


def mask(value: str) -> str:
    """'+212612345678' -> '+2•••••••••78': first and last two characters kept, same length."""
    if len(value) <= 2 * KEEP + 1:
        return MASK * len(value)
    return value[:KEEP] + MASK * (len(value) - 2 * KEEP) + value[-KEEP:]


def redact_text(text: str) -> str:
    """`text` with every phone, e-mail, IBAN or RIB, card number and wallet address masked (same length)."""
    spans = find_sensitive(text)
    if not spans:
        return text
    out, pos = [], 0
    for start, end, _ in spans:
        out += [text[pos:start], mask(text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _redact_optional(text: str | None) -> str | None:
    return None if text is None else redact_text(text)


def _quote_redactor(conversation: Conversation | None) -> Callable[[dict[str, Any]], str | None]:
    """Masks an evidence quote. With the conversation, the quote is cut from its masked message, so a
    value the quote only partly holds ("… 3456 7890 189 or I publish") is masked too: on its own the
    quote's piece of it may no longer look like a phone or an IBAN."""
    texts = [m.text or "" for m in conversation.messages] if conversation is not None else []
    masked: dict[int, str] = {}

    def redact_quote(evidence: dict[str, Any]) -> str | None:
        quote, index, start, end = evidence["quote"], evidence["message_index"], evidence["start"], evidence["end"]
        if quote is None:
            return None
        if index < len(texts) and start is not None and end is not None and texts[index][start:end] == quote:
            if index not in masked:
                masked[index] = redact_text(texts[index])
            return masked[index][start:end]
        return redact_text(quote)

    return redact_quote


def redact_report(report: Report | dict[str, Any], language: str | None = None,
                  conversation: Conversation | dict[str, Any] | None = None) -> Report:
    """A copy of `report` with its id, quotes, explanations, senders, summary, notes and identifiers
    masked. Give the `conversation` when you have it: a quote that cuts a value short is then masked
    as its message is (see `_quote_redactor`).

    A note (in `language`, else the report's language when a catalog exists, else English) says
    the quotes were redacted: they no longer equal `text[start:end]` of the chat, only in length.
    """
    data = to_report(report).model_dump()
    data["id"] = redact_text(data["id"])  # an export's file name can be the other party's number
    redact_quote = _quote_redactor(None if conversation is None else to_conversation(conversation))
    for flag in data["flags"]:
        flag["explanation"] = redact_text(flag["explanation"])
        flag["sender"] = _redact_optional(flag["sender"])
        for evidence in flag["evidence"]:
            evidence["quote"] = redact_quote(evidence)
    for identifier in data["identifiers"]:
        identifier["value"] = redact_text(identifier["value"]) if find_sensitive(identifier["value"]) \
            else mask(identifier["value"])
        identifier["sender"] = _redact_optional(identifier["sender"])
    data["summary"] = redact_text(data["summary"])
    lang = i18n.pick(language or data["language"])
    data["notes"] = [redact_text(note) for note in data["notes"]] + [i18n.text(lang, "redact.note")]
    return Report.model_validate(data)


def redact_conversation(conversation: Conversation) -> Conversation:
    """A copy of `conversation` (for the HTML page) with its id, participants, senders and texts
    masked as `redact_report` masks them; texts keep their length, so evidence offsets still fit."""
    return conversation.model_copy(update={
        "id": redact_text(conversation.id),
        "user": _redact_optional(conversation.user),
        "participants": [p.model_copy(update={"id": redact_text(p.id), "name": _redact_optional(p.name)})
                         for p in conversation.participants],
        "messages": [m.model_copy(update={"sender": _redact_optional(m.sender), "text": _redact_optional(m.text)})
                     for m in conversation.messages],
    })


def redact_error(error: ErrorReport) -> ErrorReport:
    """A copy of an error line with its id and message masked (they name files, which can be numbers)."""
    return error.model_copy(update={
        "id": _redact_optional(error.id),
        "error": error.error.model_copy(update={"message": redact_text(error.error.message)}),
    })


__all__ = ["MASK", "find_sensitive", "mask", "redact_conversation", "redact_error", "redact_report", "redact_text"]
