"""Claimed ages: a self-declared minor, and ages that contradict each other.

Patterns are data (`resources/lexicon/age_claims.yaml`); only first-person statements count
("j'ai 15 ans", "I'm 14", "tengo 15 años", "3andi 15 3am", "عندي 15 سنة", school levels),
so "my brother is 12" is not read as the speaker's age.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sextortion_flags.findings import Finding
from sextortion_flags.lexicon import RESOURCE_ROOT, load_yaml
from sextortion_flags.rules.prefilter import RegexPrefilter
from sextortion_flags.signals.view import MessageView

ADULT_AGE = 18
MIN_PLAUSIBLE_AGE = 9


@dataclass(frozen=True, slots=True)
class AgeClaim:
    message_index: int
    sender: str | None
    age: int | None  # None: a school level that implies a minor
    quote: str
    start: int
    end: int

    @property
    def minor(self) -> bool:
        return self.age is None or MIN_PLAUSIBLE_AGE <= self.age < ADULT_AGE


@cache
def claim_patterns() -> tuple[list[re.Pattern[str]], list[re.Pattern[str]], RegexPrefilter]:
    """Age patterns, school-level patterns, and the prefilter that tells which of them may match."""
    data = load_yaml(RESOURCE_ROOT / "lexicon" / "age_claims.yaml")
    ages = [re.compile(p) for p in data["ages"]]
    schools = [re.compile(p) for p in data["school"]]
    return ages, schools, RegexPrefilter(ages + schools)


def age_claims(views: Sequence[MessageView]) -> list[AgeClaim]:
    ages, schools, prefilter = claim_patterns()
    claims = []
    for view in views:
        if view.norm is None:
            continue
        text = view.norm.text
        candidates = prefilter.candidates(text)
        if not candidates:  # most messages: no literal any claim needs
            continue
        n_ages = len(ages)
        for index in candidates:  # the first age pattern that matches gives all its claims
            if index >= n_ages:
                break
            found = list(ages[index].finditer(text))
            for m in found:
                quote, start, end = view.norm.quote(m.start(), m.end())
                claims.append(AgeClaim(view.index, view.sender, int(m.group("age")), quote, start, end))
            if found:
                break
        for index in candidates:  # then the first school level
            if index < n_ages:
                continue
            m = schools[index - n_ages].search(text)
            if m:
                quote, start, end = view.norm.quote(m.start(), m.end())
                claims.append(AgeClaim(view.index, view.sender, None, quote, start, end))
                break
    return claims


def age_findings(claims: Sequence[AgeClaim], pressuring: set[str | None]) -> list[Finding]:
    """A minor's claim (when someone else is pressuring) and a sender's contradicting ages."""
    findings = []
    for claim in claims:
        if claim.minor and (claim.sender not in pressuring or not pressuring):
            findings.append(Finding(
                category="minor_involved", score=0.9, message_index=claim.message_index, sender=claim.sender,
                source="rule:age/minor-claim", description="says they are a minor",
                quote=claim.quote, start=claim.start, end=claim.end, base=0.9, stage=False,
                facts={"age": claim.age},
            ))
    by_sender: dict[str | None, list[AgeClaim]] = {}
    for claim in claims:
        if claim.age is not None:
            by_sender.setdefault(claim.sender, []).append(claim)
    for sender, own in by_sender.items():
        ages = sorted({c.age for c in own if c.age is not None})
        if len(ages) > 1 and ages[-1] - ages[0] >= 2:
            later = max(own, key=lambda c: c.message_index)
            findings.append(Finding(
                category="suspicious_account", score=0.5, message_index=later.message_index, sender=sender,
                source="rule:age/contradicting-ages", description="gives ages that contradict each other",
                quote=later.quote, start=later.start, end=later.end, base=0.5, stage=False,
                facts={"ages": ages},
            ))
    return findings
