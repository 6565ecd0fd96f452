"""Escalation speed and repeated pressure: when and how fast the pushes came.

- fast escalation: how many messages and how much time passed between the other party's first
  message and their first push toward intimate content (an escalation or image/camera request).
  Minutes or a handful of messages is the sextortion script; weeks is slow grooming, which the
  rules flag on their own.
- repeated pressure: an image request made again after the protected person refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sextortion_flags.findings import Finding
from sextortion_flags.signals.view import MessageView

PUSH_CATEGORIES = ("escalation", "image_request")
PUSH_MIN_SCORE = 0.4
"""A push is a request strong enough to count on its own, not flattery (rules with stage: false)."""
FAST_SCORE, QUICK_SCORE = 0.35, 0.25
"""Below the escalation threshold: speed amplifies a push, it is not a sign by itself."""
FAST_MESSAGES, FAST_MINUTES = 12, 60
QUICK_MESSAGES, QUICK_MINUTES = 30, 24 * 60


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    try:
        return (b - a).total_seconds() / 60.0
    except TypeError:  # one aware, one naive: compare wall clocks
        return (b.replace(tzinfo=None) - a.replace(tzinfo=None)).total_seconds() / 60.0


def fast_escalation(views: Sequence[MessageView], findings: Sequence[Finding]) -> list[Finding]:
    pushes = [f for f in findings if f.category in PUSH_CATEGORIES and f.kind == "rule" and f.stage
              and f.score >= PUSH_MIN_SCORE]
    if not pushes:
        return []
    first_push = min(pushes, key=lambda f: f.message_index)
    sender = first_push.sender
    first = next((v for v in views if v.sender == sender), None)
    if first is None:
        return []
    n_messages = sum(1 for v in views[first.index:first_push.message_index] if v.kind != "system")
    minutes = _minutes(first.timestamp, views[first_push.message_index].timestamp)
    if n_messages <= FAST_MESSAGES or (minutes is not None and 0 <= minutes <= FAST_MINUTES):
        score = FAST_SCORE
    elif n_messages <= QUICK_MESSAGES or (minutes is not None and 0 <= minutes <= QUICK_MINUTES):
        score = QUICK_SCORE
    else:
        return []
    return [Finding(
        category="escalation", score=score, message_index=first_push.message_index, sender=sender,
        source="timing:fast_escalation",
        description="pushed toward intimate content soon after first contact",
        facts={"messages": n_messages, "minutes": minutes, "first_index": first.index},
    )]


def repeated_after_refusal(views: Sequence[MessageView], findings: Sequence[Finding],
                           refuses: Callable[[MessageView], bool]) -> list[Finding]:
    """An image request repeated after the other person refused: pressure, not a question."""
    requests = sorted((f for f in findings if f.category == "image_request" and f.kind == "rule"
                       and f.score >= PUSH_MIN_SCORE), key=lambda f: f.message_index)
    for earlier, later in zip(requests, requests[1:], strict=False):
        if later.message_index == earlier.message_index or later.sender != earlier.sender:
            continue
        refusals = [v for v in views[earlier.message_index + 1:later.message_index]
                    if v.sender != later.sender and refuses(v)]
        if refusals:
            return [Finding(
                category="image_request", score=0.5, message_index=later.message_index, sender=later.sender,
                source="timing:repeated_after_refusal",
                description="asked again for images after being told no",
                facts={"refusal_index": refusals[0].index, "first_request_index": earlier.message_index},
            )]
    return []
