"""Evidence highlighting inside one message: exact spans, overlaps merged, every piece escaped.

Evidence offsets point into the original message text. Spans that overlap (two rules on the same
words, a threat inside a demand) are merged into one focusable `<mark>` so a keyboard user meets
each passage once; inside it, each stretch of text is coloured by the most severe category that
covers it, and the explanation lists every flag the passage belongs to. Evidence whose offsets do
not fit the text (or that has no quote: timing, account) is returned as a note instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from sextortion_flags.fusion import LEVEL_ORDER
from sextortion_flags.html import strings
from sextortion_flags.models import Evidence, Flag

KNOWN_CATEGORIES = frozenset({"escalation", "platform_migration", "image_request", "threat", "payment_demand",
                              "suspicious_account", "minor_involved"})


def css_category(category: str) -> str:
    """A class-name-safe category: only known names reach an attribute."""
    return category if category in KNOWN_CATEGORIES else "other"


def _rank(flag: Flag) -> tuple[int, float]:
    return LEVEL_ORDER.index(flag.severity), flag.score


@dataclass
class MessageMarks:
    """What a message carries: the quoted spans, the notes without a place, its categories."""

    spans: list[tuple[int, int, Flag, Evidence]] = field(default_factory=list)
    notes: list[tuple[Flag, Evidence]] = field(default_factory=list)
    categories: dict[str, Flag] = field(default_factory=dict)


def place(text: str, flag: Flag, evidence: Evidence) -> tuple[int, int] | None:
    """The evidence's span in `text`: its own offsets when they fit, else the first occurrence."""
    quote = evidence.quote
    if not quote:
        return None
    start, end = evidence.start, evidence.end
    if start is not None and end is not None and 0 <= start < end <= len(text) and text[start:end] == quote:
        return start, end
    found = text.find(quote)
    return (found, found + len(quote)) if found >= 0 else None


def collect(flags: list[Flag], texts: list[str] | None) -> dict[int, MessageMarks]:
    """Evidence grouped by message index, placed in the texts when they are known."""
    marks: dict[int, MessageMarks] = {}
    for flag in flags:
        for evidence in flag.evidence:
            entry = marks.setdefault(evidence.message_index, MessageMarks())
            current = entry.categories.get(flag.category)
            if current is None or _rank(flag) > _rank(current):
                entry.categories[flag.category] = flag
            text = texts[evidence.message_index] if texts is not None and evidence.message_index < len(texts) else None
            span = place(text, flag, evidence) if text is not None else None
            if span is None:
                entry.notes.append((flag, evidence))
            else:
                entry.spans.append((span[0], span[1], flag, evidence))
    return marks


def _clusters(spans: list[tuple[int, int, Flag, Evidence]]) -> list[list[tuple[int, int, Flag, Evidence]]]:
    clusters: list[list[tuple[int, int, Flag, Evidence]]] = []
    end = -1
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if clusters and span[0] < end:
            clusters[-1].append(span)
            end = max(end, span[1])
        else:
            clusters.append([span])
            end = span[1]
    return clusters


def tip_html(language: str, flags: list[Flag], evidence: list[Evidence]) -> str:
    """The explanation of a passage: each flag it belongs to, then the detectors that saw it."""
    parts = []
    for flag in flags:
        parts.append('<span class="tip-item" dir="auto">' + escape(strings.ui(
            language, "message.evidence", category=strings.category_label(language, flag.category),
            severity=strings.level_label(language, flag.severity), explanation=flag.explanation)) + "</span>")
    sources = ", ".join(dict.fromkeys(e.source for e in evidence))
    parts.append('<span class="tip-source">' + escape(strings.ui(language, "message.source", sources=sources))
                 + "</span>")
    return "".join(parts)


def highlight(text: str, spans: list[tuple[int, int, Flag, Evidence]], language: str, id_prefix: str,
              tips: dict[tuple, str] | None = None) -> str:
    """The message text as HTML, with one `<mark>` (and its explanation) per merged passage.

    `tips` caches explanations across the messages of one conversation (they repeat a lot).
    """
    tips = {} if tips is None else tips
    out: list[str] = []
    cursor = 0
    for number, cluster in enumerate(_clusters(spans)):
        start = cluster[0][0]
        end = max(s[1] for s in cluster)
        out.append(escape(text[cursor:start]))
        flags = sorted({id(s[2]): s[2] for s in cluster}.values(), key=_rank, reverse=True)
        tip_id = f"{id_prefix}-t{number}"
        out.append(f'<mark class="ev c-{css_category(flags[0].category)}" tabindex="0" aria-describedby="{tip_id}">')
        cuts = sorted({start, end, *(s[0] for s in cluster), *(s[1] for s in cluster)})
        for a, b in zip(cuts, cuts[1:], strict=False):
            covering = [s[2] for s in cluster if s[0] <= a and s[1] >= b]
            top = max(covering, key=_rank)
            several = " multi" if len({f.category for f in covering}) > 1 else ""
            out.append(f'<span class="seg c-{css_category(top.category)}{several}">{escape(text[a:b])}</span>')
        out.append("</mark>")
        key = (*(id(f) for f in flags), *dict.fromkeys(s[3].source for s in cluster))
        tip = tips.get(key)
        if tip is None:
            tip = tips[key] = tip_html(language, flags, [s[3] for s in cluster])
        out.append(f'<span class="tip" role="tooltip" id="{tip_id}">{tip}</span>')
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)
