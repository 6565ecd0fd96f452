"""The stage timeline: when each step of a sextortion sequence first showed, and how long after
the first message. Counsellors read the pace (minutes from contact to threat) as much as the steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sextortion_flags.models import Conversation, Report

STAGES = ("contact", "escalation", "platform_migration", "image_request", "threat", "payment_demand")


@dataclass(frozen=True)
class Stage:
    stage: str
    message_index: int | None
    timestamp: datetime | None


def first_timestamp(conversation: Conversation | None) -> datetime | None:
    if conversation is None:
        return None
    return next((m.timestamp for m in conversation.messages if m.timestamp is not None), None)


def stages(report: Report, conversation: Conversation | None) -> list[Stage]:
    """Stages in sequence order: those the report names plus any stage category that was flagged.

    Each stage sits at the first message with evidence for it; first contact at message 0.
    """
    first_index: dict[str, int] = {}
    for flag in report.flags:
        for evidence in flag.evidence:
            known = first_index.get(flag.category)
            if known is None or evidence.message_index < known:
                first_index[flag.category] = evidence.message_index
    has_messages = conversation is not None and bool(conversation.messages)
    if report.stages or report.flags:
        first_index["contact"] = 0
    present = set(report.stages) | set(first_index)
    result = []
    for stage in STAGES:
        if stage not in present:
            continue
        index = first_index.get(stage)
        moment = None
        if has_messages and index is not None and index < len(conversation.messages):  # type: ignore[union-attr]
            moment = conversation.messages[index].timestamp  # type: ignore[union-attr]
        result.append(Stage(stage, index, moment))
    return result
