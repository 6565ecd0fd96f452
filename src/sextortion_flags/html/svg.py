"""The risk curve: how the conversation's risk builds up message by message, as inline SVG.

At message i the curve shows the risk the flags seen so far would give on their own (the same
fusion as the report: levels from the categories present, score within the level's band), capped
at the report's risk score. It is a step function, so it is drawn from its change points only and
stays small for 10,000 messages; evidence markers are thinned to one per horizontal pixel.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from sextortion_flags import fusion
from sextortion_flags.html import strings
from sextortion_flags.models import Report

WIDTH, HEIGHT = 600, 120
LEFT, RIGHT, TOP, BOTTOM = 8, 592, 6, 100
"""The plot area inside the 600x120 view box; the rest holds the axis labels."""


@dataclass(frozen=True)
class Curve:
    count: int
    steps: list[tuple[int, float, str]]  # (message index, value from there on, level)
    markers: dict[int, list[str]]  # message index -> categories with evidence there


def risk_curve(report: Report, message_count: int | None) -> Curve:
    activation: dict[str, tuple[int, float]] = {}
    markers: dict[int, list[str]] = {}
    for flag in report.flags:
        for evidence in flag.evidence:
            index = evidence.message_index
            known = activation.get(flag.category)
            if known is None or index < known[0]:
                activation[flag.category] = (index, flag.score)
            at = markers.setdefault(index, [])
            if flag.category not in at:
                at.append(flag.category)
    count = message_count if message_count else max([i + 1 for i in markers] or [1])
    count = max(count, max(markers, default=0) + 1)
    flagged: dict[str, float] = {}
    steps: list[tuple[int, float, str]] = [(0, 0.0, "none")]
    for category, (index, score) in sorted(activation.items(), key=lambda item: item[1][0]):
        flagged[category] = score
        level = fusion.risk_level(flagged)
        value = min(fusion.risk_score(level, flagged), report.risk_score)
        if steps[-1][0] == index:
            steps[-1] = (index, value, level)
        else:
            steps.append((index, value, level))
    return Curve(count, steps, markers)


def _x(index: int, count: int) -> float:
    return (LEFT + RIGHT) / 2 if count <= 1 else LEFT + (RIGHT - LEFT) * index / (count - 1)


def _y(value: float) -> float:
    return BOTTOM - (BOTTOM - TOP) * value


def _value_at(steps: list[tuple[int, float, str]], index: int) -> float:
    value = 0.0
    for at, v, _level in steps:
        if at > index:
            break
        value = v
    return value


def summary(curve: Curve, language: str) -> str:
    top = max(curve.steps, key=lambda s: s[1])
    if top[1] <= 0:
        return strings.ui(language, "curve.flat", count=curve.count)
    return strings.ui(language, "curve.rises", count=curve.count, score=strings.score(top[1]),
                      level=strings.level_label(language, top[2]), index=top[0])


def render_svg(curve: Curve, language: str) -> str:
    """The curve as an `<svg role="img">` with a title, a description and a summary label."""
    described = summary(curve, language)
    title = strings.ui(language, "curve.title")
    out = [f'<svg class="curve" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
           f'aria-label="{escape(title)}. {escape(described)}">',
           f"<title>{escape(title)}</title><desc>{escape(described)}</desc>"]
    for level in fusion.LEVEL_ORDER:
        low, high = fusion.LEVEL_BANDS[level]
        out.append(f'<rect class="band band-{level}" x="{LEFT}" y="{_y(high):.1f}" width="{RIGHT - LEFT}" '
                   f'height="{_y(low) - _y(high):.1f}"/>')
        if level != "none":
            out.append(f'<text class="band-label" x="{RIGHT - 4}" y="{_y(high) + 10:.1f}" text-anchor="end">'
                       f"{escape(strings.level_label(language, level))}</text>")
    path = [f"M{_x(0, curve.count):.1f} {_y(curve.steps[0][1]):.1f}"]
    for index, value, _level in curve.steps[1:]:
        path.append(f"H{_x(index, curve.count):.1f}V{_y(value):.1f}")
    path.append(f"H{_x(curve.count - 1, curve.count):.1f}")
    out.append(f'<path class="line" d="{"".join(path)}"/>')
    seen_pixels: set[int] = set()
    for index in sorted(curve.markers):
        x = _x(index, curve.count)
        if round(x) in seen_pixels:
            continue
        seen_pixels.add(round(x))
        labels = ", ".join(strings.category_label(language, c) for c in curve.markers[index])
        out.append(f'<circle class="marker" cx="{x:.1f}" cy="{_y(_value_at(curve.steps, index)):.1f}" r="3">'
                   f"<title>{escape(strings.ui(language, 'curve.marker', index=index, categories=labels))}</title>"
                   "</circle>")
    out.append(f'<text class="axis" x="{LEFT}" y="{HEIGHT - 6}">{escape(strings.ui(language, "curve.axis_start"))}'
               "</text>")
    end_label = strings.ui(language, "curve.axis_end", index=curve.count - 1)
    out.append(f'<text class="axis" x="{RIGHT}" y="{HEIGHT - 6}" text-anchor="end">{escape(end_label)}</text>')
    out.append("</svg>")
    return "".join(out)
