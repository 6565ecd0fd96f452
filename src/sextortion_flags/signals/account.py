"""Account signals from profile metadata: age at first message, followers, posts, photo."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sextortion_flags.findings import Finding
from sextortion_flags.models import Account, Conversation
from sextortion_flags.signals.view import MessageView

NEW_DAYS, RECENT_DAYS = 7, 30
VERIFIED_DAMPING = 0.3


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _signals(account: Account, first_time: datetime | None) -> list[tuple[str, float, str, dict[str, object]]]:
    """(field, score, description, facts) for each sign the profile shows."""
    out: list[tuple[str, float, str, dict[str, object]]] = []
    if account.created_at is not None and first_time is not None:
        days = (_aware(first_time) - _aware(account.created_at)).total_seconds() / 86400
        if 0 <= days < NEW_DAYS:
            out.append(("created_at", 0.6, "writes from an account created days before the first message",
                        {"days": days}))
        elif 0 <= days < RECENT_DAYS:
            out.append(("created_at", 0.4, "writes from an account created weeks before the first message",
                        {"days": days}))
    following, followers = account.following, account.followers
    if following is not None and followers is not None and following >= 200 and followers * 10 <= following:
        out.append(("followers", 0.35, "follows many accounts but has few followers",
                    {"followers": followers, "following": following}))
    if account.posts == 0:
        out.append(("posts", 0.3, "has an account with no posts", {}))
    if account.has_profile_photo is False:
        out.append(("has_profile_photo", 0.2, "has no profile photo", {}))
    return out


def account_findings(conversation: Conversation, views: Sequence[MessageView]) -> list[Finding]:
    first_time = next((v.timestamp for v in views if v.timestamp is not None), None)
    findings: list[Finding] = []
    for participant in conversation.participants:
        account = participant.account
        if account is None or participant.id == conversation.user:
            continue
        index = next((v.index for v in views if v.sender == participant.id), None)
        if index is None:
            continue
        damp = VERIFIED_DAMPING if account.verified else 1.0
        for field, score, description, facts in _signals(account, first_time):
            findings.append(Finding(
                category="suspicious_account", score=score * damp, message_index=index, sender=participant.id,
                source=f"account:{field}", description=description, facts=facts,
            ))
    return findings
