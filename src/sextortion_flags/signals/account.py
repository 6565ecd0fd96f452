"""Account signals from profile metadata: age at first message, followers, posts, photo."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from sextortion_flags.findings import Finding
from sextortion_flags.models import Conversation
from sextortion_flags.signals.view import MessageView

NEW_DAYS, RECENT_DAYS = 7, 30


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def account_findings(conversation: Conversation, views: Sequence[MessageView]) -> list[Finding]:
    findings: list[Finding] = []
    for participant in conversation.participants:
        account = participant.account
        if account is None or participant.id == conversation.user:
            continue
        own = [v for v in views if v.sender == participant.id]
        if not own:
            continue
        index = own[0].index
        first_time = next((v.timestamp for v in views if v.timestamp is not None), None)
        damp = 0.3 if account.verified else 1.0

        def add(field: str, score: float, description: str, **facts: object) -> None:
            findings.append(Finding(
                category="suspicious_account", score=score * damp, message_index=index, sender=participant.id,
                source=f"account:{field}", description=description, facts=facts,
            ))

        if account.created_at is not None and first_time is not None:
            days = (_aware(first_time) - _aware(account.created_at)).total_seconds() / 86400
            if 0 <= days < NEW_DAYS:
                add("created_at", 0.6, "writes from an account created days before the first message", days=days)
            elif 0 <= days < RECENT_DAYS:
                add("created_at", 0.4, "writes from an account created weeks before the first message", days=days)
        if account.followers is not None and account.following is not None:
            if account.following >= 200 and account.followers * 10 <= account.following:
                add("followers", 0.35, "follows many accounts but has few followers",
                    followers=account.followers, following=account.following)
        if account.posts == 0:
            add("posts", 0.3, "has an account with no posts")
        if account.has_profile_photo is False:
            add("has_profile_photo", 0.2, "has no profile photo")
    return findings
