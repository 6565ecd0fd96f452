"""Plain-language explanations and summaries, built from findings and the message catalogs.

An explanation names the sender, quotes what was said (message index and exact words), says why
it matters, and says when context lowered the score: a counsellor can read it without knowing
how the scores were computed.
"""

from __future__ import annotations

from collections.abc import Sequence

from sextortion_flags import i18n
from sextortion_flags.findings import Finding
from sextortion_flags.models import Conversation
from sextortion_flags.rules.engine import Adjustment

MAX_QUOTE = 160
RULE_LANGUAGE = "en"
"""The language rule descriptions and cue explanations are written in (the catalogs translate the rest;
rule descriptions through the `rules/<lang>.yaml` sub-catalogs)."""


def who(conversation: Conversation, sender: str | None, lang: str) -> str:
    if sender is None:
        return i18n.text(lang, "who.unknown")
    participant = conversation.participant(sender)
    if participant is not None and participant.name and participant.name != sender:
        return i18n.text(lang, "who.named", id=sender, name=participant.name)
    return i18n.text(lang, "who.anonymous", id=sender)


def _short(quote: str) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= MAX_QUOTE else quote[: MAX_QUOTE - 1] + "…"


def duration(minutes: float, lang: str) -> str:
    if minutes < 90:
        return i18n.text(lang, "duration.minutes", n=max(round(minutes), 0))
    if minutes < 48 * 60:
        return i18n.text(lang, "duration.hours", n=round(minutes / 60))
    return i18n.text(lang, "duration.days", n=round(minutes / 1440))


def rule_description(lang: str, english: str) -> str | None:
    """A rule's English description in `lang`, from the `rules` sub-catalog, or None when it has none.

    Looked up in the table directly, not as a dotted key: descriptions contain dots and spaces.
    User rule files bring their own English descriptions, which no catalog translates.
    """
    table = i18n.catalog(lang).get("rules")
    translated = table.get(english) if isinstance(table, dict) else None
    return translated if isinstance(translated, str) and translated.strip() else None


def finding_sentence(finding: Finding, conversation: Conversation, lang: str) -> str:
    name = who(conversation, finding.sender, lang)
    facts = finding.facts
    source = finding.source
    if source == "timing:fast_escalation":
        minutes = facts.get("minutes")
        elapsed = (i18n.text(lang, "evidence.elapsed", duration=duration(float(minutes), lang))
                   if isinstance(minutes, float) and minutes >= 0 else "")
        return i18n.text(lang, "evidence.fast_escalation", who=name, messages=facts["messages"], elapsed=elapsed,
                         index=finding.message_index)
    if source == "timing:repeated_after_refusal":
        return i18n.text(lang, "evidence.repeated_after_refusal", who=name, index=finding.message_index,
                         refusal_index=facts["refusal_index"])
    if finding.kind == "account":
        field = source.split(":", 1)[1]
        values = dict(facts)
        if "days" in values:
            values["duration"] = duration(float(values.pop("days")) * 1440, lang)  # type: ignore[arg-type]
        return i18n.text(lang, f"evidence.account_{field}", who=name, **values)
    if source == "rule:age/minor-claim":
        key = "evidence.minor_claim" if facts.get("age") is not None else "evidence.minor_claim_school"
        return i18n.text(lang, key, who=name, age=facts.get("age"), index=finding.message_index,
                         quote=_short(finding.quote or ""))
    if source == "rule:age/contradicting-ages":
        ages = ", ".join(str(a) for a in facts.get("ages", []))  # type: ignore[union-attr]
        return i18n.text(lang, "evidence.contradicting_ages", who=name, ages=ages)
    if finding.kind == "model":
        ngrams = ", ".join(f"“{g}”" for g in facts.get("ngrams", [])) or "—"  # type: ignore[union-attr]
        return i18n.text(lang, "evidence.model", who=name, name=i18n.text(lang, f"categories.{finding.category}.name"),
                         index=finding.message_index, quote=_short(finding.quote or ""), ngrams=ngrams)
    description = finding.description if lang == RULE_LANGUAGE else rule_description(lang, finding.description)
    if finding.quote and description is None:  # a rule without a translated description: name its stage
        return i18n.text(lang, "evidence.described", who=name, index=finding.message_index,
                         stage=i18n.text(lang, f"categories.{finding.category}.stage"), quote=_short(finding.quote))
    if finding.quote:
        return i18n.text(lang, "evidence.quoted", who=name, description=description,
                         index=finding.message_index, quote=_short(finding.quote))
    return i18n.text(lang, "evidence.unquoted", who=name, description=description or finding.description,
                     index=finding.message_index)


def _reason(adjustment: Adjustment, lang: str) -> str:
    """Why context lowered a score: the cue's own words in English, its kind's catalog entry otherwise."""
    if lang == RULE_LANGUAGE:
        return adjustment.explanation
    return i18n.text(lang, f"context.reasons.{adjustment.kind}")


def _adjustment_sentences(finding: Finding, lang: str) -> list[str]:
    return [i18n.text(lang, "context.lowered", reason=_reason(a, lang), quote=_short(a.quote))
            for a in finding.adjustments]


def flag_explanation(category: str, findings: Sequence[Finding], conversation: Conversation, lang: str) -> str:
    """findings: this flag's evidence, strongest first."""
    rules = [f for f in findings if f.kind == "rule" and f.score >= findings[0].score / 2]
    primary = rules[0] if rules else findings[0]  # a quoted rule hit reads better than a model score
    parts = [finding_sentence(primary, conversation, lang)]
    others = [f for f in findings if (f.source, f.message_index) != (primary.source, primary.message_index)]
    signals = [f for f in others if f.kind in ("timing", "account") or f.source.startswith("rule:age/")]
    parts.extend(finding_sentence(f, conversation, lang) for f in signals[:3])
    quoted = sorted({f.message_index for f in others if f not in signals} - {primary.message_index})
    if quoted:
        parts.append(i18n.text(lang, "evidence.more", count=len(quoted), indices=", ".join(map(str, quoted[:8]))))
    parts.append(i18n.text(lang, f"categories.{category}.why"))
    if all(f.kind == "model" for f in findings if f.kind in ("rule", "model")) and primary.kind == "model":
        parts.append(i18n.text(lang, "evidence.model_only"))
    parts.extend(_adjustment_sentences(primary, lang))
    return " ".join(parts)


def set_aside_note(finding: Finding, lang: str) -> str:
    adjustment = min(finding.adjustments, key=lambda a: a.factor)
    name = i18n.text(lang, f"categories.{finding.category}.name")
    return i18n.text(lang, "context.set_aside", category=name, index=finding.message_index,
                     reason=_reason(adjustment, lang), quote=_short(adjustment.quote))


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return i18n.text(lang, "summary.join").join(items[:-1]) + i18n.text(lang, "summary.last") + items[-1]


def summary(level: str, categories: Sequence[str], stage_categories: Sequence[str], actor: str | None,
            conversation: Conversation, lang: str) -> str:
    if level == "none":
        return i18n.text(lang, "summary.none")
    if level == "low":
        signs = _join([i18n.text(lang, f"categories.{c}.name") for c in categories], lang)
        return i18n.text(lang, "summary.low", signs=signs)
    stages = _join([i18n.text(lang, f"categories.{c}.stage") for c in stage_categories], lang)
    key = "summary.critical_minor" if level == "critical" and "minor_involved" in categories else f"summary.{level}"
    return i18n.text(lang, key, who=who(conversation, actor, lang), stages=stages)
