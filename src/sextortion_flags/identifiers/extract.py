"""The other party's identifiers in a conversation, for a police or platform report.

Whose identifiers: the messages of the reported senders only (everyone but `exclude_senders`
and the protected `user`; only `only_senders` when given). An identifier whose *first* mention
comes from someone not reported (typically the victim giving their own number, which the
blackmailer later repeats as a threat) is never reported: a report must not expose the victim.

Each identifier is reported once, at its first mention (message index, timestamp, sender).
A wallet split over two consecutive messages of the same sender is rejoined when the halves
together pass the checksum, and is dated by its first half. Partially masked values
("06 xx xx xx 45") are not identifiers and produce nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sextortion_flags import models
from sextortion_flags.identifiers.scan import Found, crypto_address, scan_message

_SKIPPED_KINDS = frozenset({"system", "deleted"})


def extract_identifiers(
    conversation: models.Conversation | Mapping[str, Any],
    *,
    exclude_senders: set[str] | None = None,
    only_senders: set[str] | None = None,
) -> list[models.Identifier]:
    """Identifiers the reported senders wrote, first mention each, in conversation order."""
    conv = conversation if isinstance(conversation, models.Conversation) else \
        models.Conversation.model_validate(conversation)
    excluded = set(exclude_senders or ())
    if conv.user is not None:
        excluded.add(conv.user)

    def reported(sender: str | None) -> bool:
        return sender not in excluded and (only_senders is None or sender in only_senders)

    first: dict[tuple[str, str], tuple[int, int, Found]] = {}

    def remember(found: Found, index: int) -> None:
        key = (found.type, found.key)
        if key not in first:
            first[key] = (index, found.start, found)

    named_transfer: dict[str | None, bool] = {}
    previous: tuple[int, str | None, str | None] | None = None  # (index, sender, tail fragment)
    for index, message in enumerate(conv.messages):
        if message.kind in _SKIPPED_KINDS or not message.text:
            previous = None
            continue
        scan = scan_message(message.text, transfer_context=named_transfer.get(message.sender, False))
        named_transfer[message.sender] = scan.names_transfer
        if previous is not None and previous[2] and previous[1] == message.sender:
            joined = _join_wallet(previous[2], scan.head_tokens)
            if joined is not None:
                remember(joined, previous[0])
        for found in scan.found:
            remember(found, index)
        previous = (index, message.sender, scan.tail_fragment)

    identifiers = []
    for index, _start, found in sorted(first.values(), key=lambda item: (item[0], item[1])):
        message = conv.messages[index]
        if not reported(message.sender):
            continue
        identifiers.append(models.Identifier(
            type=found.type, value=found.value, message_index=index, timestamp=message.timestamp,
            sender=message.sender, network=found.network,
        ))
    return identifiers


def _join_wallet(fragment: str, heads: tuple[str, ...]) -> Found | None:
    """The wallet made of a message's last token and the next message's first token(s), if valid."""
    joined = fragment
    for head in heads:
        joined += head
        found = crypto_address(joined)
        if found is not None:
            network, value = found
            return Found("crypto_address", value, value.lower(), network, 10**9)
    return None
