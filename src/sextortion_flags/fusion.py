"""Per-category scores, the conversation's risk level and score: the one place they are decided.

Fusion v1 combines evidence scores (rule hits after context, timing and account signals) with a
noisy-OR per category, then maps the set of flagged categories to the contract's risk levels:

- critical: a threat together with a payment demand, or sexual pressure (image request or
  escalation) on someone who says they are a minor;
- high: pressure for images or camera, or a threat without a demand, or a coercive payment
  demand with other signs;
- medium: grooming under way: escalation, a minor approached (moving apps, a suspicious
  account), or moving apps together with another sign;
- low: one isolated sign that ordinary chats also show;
- none: nothing at or above its threshold.

`risk_score` lies inside the band of its level, placed by the strongest flag, so sorting by
score and sorting by level agree.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

DEFAULT_THRESHOLDS: dict[str, float] = {
    "escalation": 0.45,
    "platform_migration": 0.4,
    "image_request": 0.4,
    "threat": 0.4,
    "payment_demand": 0.4,
    "suspicious_account": 0.4,
    "minor_involved": 0.5,
}

@dataclass(frozen=True)
class ModelWeights:
    """How classifier probabilities enter the fusion (fitted by benchmarks/fit_fusion.py).

    A message's probability p for a category becomes evidence of score `weight * p` when
    p >= `min_probability`; it combines with rule hits by noisy-OR as a separate piece of
    evidence, so a rule and the model agreeing reinforce each other. With the defaults, one
    confident message alone (0.4 x p < 0.4, p < 1) never raises a flag: the model confirms rules,
    or raises a flag from several messages that agree. 0.4 from 0.6 scored best on the labelled
    conversations and on ordinary chat (README, "How well it works").
    """

    weight: float = 0.4
    min_probability: float = 0.6


LEVEL_BANDS: dict[str, tuple[float, float]] = {
    "none": (0.0, 0.1),
    "low": (0.1, 0.35),
    "medium": (0.35, 0.6),
    "high": (0.6, 0.85),
    "critical": (0.85, 1.0),
}
LEVEL_ORDER = ("none", "low", "medium", "high", "critical")
SEXUAL_PRESSURE = ("image_request", "escalation")


def noisy_or(scores: Iterable[float]) -> float:
    """1 - Π(1 - s): independent pieces of evidence for the same sign reinforce each other."""
    remaining = 1.0
    for s in scores:
        remaining *= 1.0 - min(max(s, 0.0), 1.0)
    return 1.0 - remaining


def category_score(scored: Iterable[tuple[Hashable, float]], max_messages: int = 6) -> float:
    """Noisy-OR across pieces of evidence, each piece the strongest score under its key.

    `scored` holds (key, score) pairs; the key is the message (and the kind of detector).
    Within one message only the strongest rule hit counts, so overlapping rules (the same phrase
    matched by two languages' rules, or two wordings of one request) do not add up; separate
    messages, and a timing or account signal beside a hit, do reinforce each other. Only the
    strongest few count, so one repeated phrase cannot spam a score.
    """
    best: dict[Hashable, float] = {}
    for key, score in scored:
        if score > best.get(key, 0.0):
            best[key] = score
    top = sorted(best.values(), reverse=True)[:max_messages]
    return round(noisy_or(top), 4)


CORROBORATING = ("platform_migration", "image_request", "threat", "payment_demand", "suspicious_account")


def needs_corroboration(category: str, stage_evidence: bool, flagged: Mapping[str, float]) -> bool:
    """Flattery and affection alone (rules with `stage: false`) are what couples and friends say:
    they count as escalation only beside another sign or a fast push."""
    return category == "escalation" and not stage_evidence and not any(c in flagged for c in CORROBORATING)


def risk_level(flagged: Mapping[str, float]) -> str:
    """The contract's risk level from the categories at or above threshold and their scores."""
    has = flagged.__contains__
    sexual = any(has(c) for c in SEXUAL_PRESSURE)
    if (has("threat") and has("payment_demand")) or (has("minor_involved") and sexual):
        return "critical"
    if has("image_request") or has("threat"):
        return "high"
    if has("payment_demand") and (sexual or has("platform_migration") or has("suspicious_account")):
        return "high"
    if has("escalation") or has("minor_involved"):
        return "medium"
    if has("platform_migration") and (has("suspicious_account") or has("payment_demand")):
        return "medium"
    if flagged:
        return "low"
    return "none"


def risk_score(level: str, flagged: Mapping[str, float]) -> float:
    low, high = LEVEL_BANDS[level]
    strongest = max(flagged.values(), default=0.0)
    return round(low + (high - low) * min(max(strongest, 0.0), 0.999), 4)


def category_severity(category: str, level: str) -> str:
    """A flag's severity: what the category contributes, capped by the conversation's level."""
    contribution = {
        "threat": "high",
        "image_request": "high",
        "payment_demand": "medium",
        "escalation": "medium",
        "platform_migration": "low",
        "suspicious_account": "low",
        "minor_involved": "high",
    }.get(category, "low")
    if level == "critical" and category in ("threat", "payment_demand", "minor_involved", *SEXUAL_PRESSURE):
        contribution = "critical"
    elif level in ("medium", "high") and category == "platform_migration":
        contribution = "medium"
    elif level == "high" and category == "payment_demand":
        contribution = "high"
    return min(contribution, level, key=LEVEL_ORDER.index)
