"""The HTML report: structure, highlighting, escaping, right-to-left text, no external loads, size."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sextortion_flags.fusion import LEVEL_ORDER
from sextortion_flags.html import HtmlReportWriter, render_html, strings, svg
from sextortion_flags.html.render import stylesheet
from sextortion_flags.html.sections import safe_url
from sextortion_flags.lexicon import load_yaml
from sextortion_flags.models import Conversation, Report

from .conftest import EXAMPLES

PAYLOADS = ('<script>document.title="pwned"</script>', '"><img src=x onerror=alert(1)>',
            "javascript:alert(1)", "'><svg onload=alert(1)>")
HOSTILE = "".join(PAYLOADS)


class Page(HTMLParser):
    """A small DOM: every element with its attributes, parent and text, for assertions."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "path", "rect", "circle"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        element = {"tag": tag, "attrs": dict(attrs), "text": [], "shown": [], "parents": list(self.stack)}
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": [], "shown": [], "parents": list(self.stack)})

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        in_tip = any("tip" in e["attrs"].get("class", "").split() for e in self.stack)
        for element in self.stack:
            element["text"].append(data)
            if not in_tip:
                element["shown"].append(data)

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[dict]:
        found = []
        for e in self.elements:
            if tag and e["tag"] != tag:
                continue
            if cls and cls not in e["attrs"].get("class", "").split():
                continue
            if any(e["attrs"].get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
                continue
            found.append(e)
        return found

    def by_id(self, ident: str) -> dict:
        (element,) = [e for e in self.elements if e["attrs"].get("id") == ident]
        return element


def text(element: dict) -> str:
    return "".join(element["text"])


def shown(element: dict) -> str:
    """The text outside the explanations that only show on hover and focus."""
    return "".join(element["shown"])


def within(element: dict, ancestor: dict) -> bool:
    return any(p is ancestor for p in element["parents"])


def inside(element: dict, tag: str, cls: str | None = None) -> bool:
    return any(p["tag"] == tag and (cls is None or cls in p["attrs"].get("class", "").split())
               for p in element["parents"])


@pytest.fixture(scope="module")
def examples(analyzer) -> list[tuple[Conversation, Report]]:
    conversations = [Conversation.model_validate_json(line)
                     for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(c, analyzer.analyze(c)) for c in conversations]


@pytest.fixture(scope="module")
def example_page(examples) -> Page:
    return Page(render_html(examples))


def two_party(*texts: str, cid: str = "t", start: datetime | None = None) -> Conversation:
    start = start or datetime(2025, 1, 1, 20, 0, tzinfo=UTC)
    return Conversation.model_validate({
        "id": cid, "user": "v", "platform": "instagram",
        "participants": [{"id": "s", "name": "Sam", "account": {"followers": 2, "following": 900, "posts": 0}},
                         {"id": "v", "name": "Vic"}],
        "messages": [{"sender": "v" if t.startswith(">") else "s", "text": t.lstrip(">"),
                      "timestamp": (start + timedelta(minutes=7 * i)).isoformat()} for i, t in enumerate(texts)]})


def flag(category: str, severity: str, score: float, *evidence: tuple, explanation: str = "why") -> dict:
    return {"category": category, "severity": severity, "score": score, "sender": "s", "explanation": explanation,
            "evidence": [{"message_index": i, "quote": q, "start": a, "end": b, "source": f"rule:test/{category}"}
                         for i, q, a, b in evidence]}


def report(*flags: dict, cid: str = "t", level: str = "critical", score: float = 0.95, **extra) -> Report:
    return Report.model_validate({"id": cid, "risk_score": score, "risk_level": level, "flags": list(flags),
                                  "stages": ["contact"] if flags else [], "summary": "summary text", **extra})


def span(text_: str, quote: str) -> tuple[str, int, int]:
    start = text_.index(quote)
    return quote, start, start + len(quote)


# ---------------------------------------------------------------- structure


def test_index_lists_conversations_by_risk_and_sections_follow_it(examples, example_page):
    rows = [e for e in example_page.find("tr") if inside(e, "section", "index") and e["parents"][-1]["tag"] == "tbody"]
    listed = [text([c for c in example_page.find("th") if c["parents"][-1] is row][0]).strip() for row in rows]
    expected = sorted(examples, key=lambda cr: (-LEVEL_ORDER.index(cr[1].risk_level), -cr[1].risk_score))
    assert listed == [r.id for _c, r in expected]
    sections = example_page.find("section", "conv")
    assert [text(example_page.by_id(s["attrs"]["id"] + "-h")).strip() for s in sections] == [
        f"Conversation {r.id}" for _c, r in expected]


def test_each_conversation_has_its_badge_summary_and_participants(examples, example_page):
    badges = [text(b) for b in example_page.find("span", "badge") if inside(b, "header", "conv-head")]
    levels = sorted((r for _c, r in examples), key=lambda r: (-LEVEL_ORDER.index(r.risk_level), -r.risk_score))
    assert len(badges) == len(levels)
    for badge, rep in zip(badges, levels, strict=True):
        assert badge.endswith(f"Risk: {strings.level_label('en', rep.risk_level)}")
    page_text = text(example_page.find("body")[0])
    for conversation, rep in examples:
        assert rep.summary in page_text
        for person in conversation.participants:
            assert person.id in page_text


@pytest.mark.parametrize("level", LEVEL_ORDER)
def test_badges_say_the_level_in_words_and_shape(level):
    page = Page(render_html([(None, report(level=level, score=0.5 if level != "none" else 0.0))]))
    (badge,) = [b for b in page.find("span", "badge") if inside(b, "header")]
    assert f"lvl-{level}" in badge["attrs"]["class"]
    assert f"Risk: {strings.level_label('en', level)}" in text(badge)
    assert page.find("span", "badge-icon")[0]["attrs"]["aria-hidden"] == "true"


def test_timeline_orders_stages_with_times_and_elapsed():
    conv = two_party("hi there", "add me on snap", ">ok", "turn on your cam", ">no", "I recorded you", "pay 200")
    rep = report(flag("payment_demand", "critical", 0.9, (6, *span("pay 200", "pay 200"))),
                 flag("threat", "critical", 0.9, (5, *span("I recorded you", "recorded"))),
                 flag("platform_migration", "medium", 0.8, (1, *span("add me on snap", "add me on snap"))),
                 flag("image_request", "high", 0.8, (3, *span("turn on your cam", "turn on your cam"))))
    page = Page(rep.to_html(conv))
    stages = page.find("li", "stage")
    names = [text(page.find("span", "stage-name")[i]) for i in range(len(stages))]
    assert names == ["First contact", "Platform move", "Image or camera pressure", "Threat", "Demand"]
    elapsed = [text(e) for e in page.find("span", "elapsed")]
    assert elapsed == ["start", "+7 min", "+21 min", "+35 min", "+42 min"]
    links = [e["attrs"]["href"] for e in page.elements if e["tag"] == "a" and inside(e, "li", "stage")]
    assert links == ["#c0-m0", "#c0-m1", "#c0-m3", "#c0-m5", "#c0-m6"]
    for href in links:
        page.by_id(href[1:])  # every timeline link lands on its message



@pytest.mark.parametrize(("delta", "expected"), [
    (timedelta(0), "start"), (timedelta(minutes=12), "+12 min"), (timedelta(hours=3, minutes=5), "+3 h 5 min"),
    (timedelta(days=2, hours=3, minutes=10), "+2 d 3 h"), (timedelta(minutes=-5), "start")])
def test_elapsed_time_is_written_briefly(delta, expected):
    first = datetime(2025, 1, 1, 10, 0, tzinfo=UTC)
    assert strings.elapsed("en", first, first + delta) == expected


@pytest.mark.parametrize(("first", "moment"), [
    (None, datetime(2025, 1, 1, tzinfo=UTC)), (datetime(2025, 1, 1), datetime(2025, 1, 1, 1, tzinfo=UTC))])
def test_elapsed_time_is_left_out_when_it_cannot_be_known(first, moment):
    assert strings.elapsed("en", first, moment) is None


@pytest.mark.parametrize(("moment", "shown"), [
    (datetime(2025, 8, 1, 21, 40, tzinfo=timezone(timedelta(hours=1))), "2025-08-01 21:40 +01:00"),
    (datetime(2025, 8, 1, 21, 40, tzinfo=timezone(-timedelta(hours=3, minutes=30))), "2025-08-01 21:40 -03:30"),
    (datetime(2025, 8, 1, 21, 40), "2025-08-01 21:40")])
def test_timestamps_are_shown_as_the_chat_gave_them(moment, shown):
    assert strings.timestamp(moment) == shown


# ---------------------------------------------------------------- evidence highlighting


def marks_with_tips(page: Page) -> list[tuple[str, str]]:
    return [(text(m), text(page.by_id(m["attrs"]["aria-describedby"]))) for m in page.find("mark", "ev")]


def test_each_evidence_span_is_marked_with_its_exact_quote_and_explanation():
    conv = two_party("hello", "add me on snap please", "send 300 euros tonight")
    rep = report(flag("platform_migration", "low", 0.7, (1, *span(conv.messages[1].text, "add me on snap")),
                      explanation="asks to move to snap"),
                 flag("payment_demand", "high", 0.8, (2, *span(conv.messages[2].text, "send 300 euros")),
                      explanation="demands money"))
    page = Page(rep.to_html(conv))
    marks = marks_with_tips(page)
    assert [m for m, _tip in marks] == ["add me on snap", "send 300 euros"]
    assert "asks to move to snap" in marks[0][1] and "Move to another app" in marks[0][1]
    assert "demands money" in marks[1][1] and "rule:test/payment_demand" in marks[1][1]
    for mark in page.find("mark", "ev"):
        assert mark["attrs"]["tabindex"] == "0"
        assert page.by_id(mark["attrs"]["aria-describedby"])["attrs"]["role"] == "tooltip"
    message = page.by_id("c0-m2")
    assert [shown(t) for t in page.find("div", "msg-text") if within(t, message)] == ["send 300 euros tonight"]
    chips = [text(c) for c in page.find("span", "chip") if within(c, message) and inside(c, "div", "msg-meta")]
    assert chips == ["Payment demand"]


def test_overlapping_spans_merge_into_one_mark_listing_every_flag():
    message = "pay 500 now or I publish the video everywhere"
    conv = two_party(message)
    rep = report(flag("payment_demand", "critical", 0.9, (0, *span(message, "pay 500 now or I publish")),
                      explanation="demand"),
                 flag("threat", "critical", 0.95, (0, *span(message, "I publish the video")),
                      (0, *span(message, "publish")), explanation="threat"))
    page = Page(rep.to_html(conv))
    ((mark_text, tip),) = marks_with_tips(page)
    assert mark_text == "pay 500 now or I publish the video"
    assert tip.index("Threat") < tip.index("Payment demand")  # most severe, then strongest first
    segments = page.find("span", "seg")
    assert "".join(text(s) for s in segments) == mark_text
    assert [s["attrs"]["class"] for s in segments] == [
        "seg c-payment_demand", "seg c-threat multi", "seg c-threat multi", "seg c-threat"]
    assert shown(page.find("div", "msg-text")[0]) == message


@pytest.mark.parametrize(("start", "end", "marked"), [
    (0, 5, "snap!"),            # offsets that do not fit the quote: found by its text
    (None, None, "snap!"),      # no offsets at all
    (40, 45, "snap!"),          # offsets beyond the text
])
def test_misplaced_offsets_fall_back_to_the_quote(start, end, marked):
    conv = two_party("add me on snap!")
    rep = report({"category": "platform_migration", "severity": "low", "score": 0.5, "explanation": "x",
                  "evidence": [{"message_index": 0, "quote": "snap!", "start": start, "end": end, "source": "rule:r"}]})
    assert [m for m, _ in marks_with_tips(Page(rep.to_html(conv)))] == [marked]


def test_evidence_without_a_place_becomes_a_note_under_its_message():
    conv = two_party("hello", "hi")
    rep = report(flag("escalation", "medium", 0.5, (1, None, None, None), explanation="pushed fast"),
                 flag("threat", "high", 0.7, (0, "not in the text", 0, 3), explanation="claims a video"),
                 level="high")
    page = Page(rep.to_html(conv))
    assert page.find("mark") == []
    notes = {e["parents"][-1]["attrs"]["id"]: text(e) for e in page.find("ul", "msg-notes")}
    assert "pushed fast" in notes["c0-m1"] and "claims a video" in notes["c0-m0"]
    assert "not in the text" in notes["c0-m0"]


def test_without_the_conversation_only_the_quoted_evidence_is_shown():
    rep = report(flag("threat", "critical", 0.9, (4, "I will send it to your family", 3, 31)),
                 flag("payment_demand", "critical", 0.8, (6, "pay 200 tonight", 0, 15)))
    page = Page(rep.to_html())
    assert [m for m, _ in marks_with_tips(page)] == ["I will send it to your family", "pay 200 tonight"]
    assert [e["attrs"]["id"] for e in page.find("li", "msg")] == ["c0-m4", "c0-m6"]
    assert "Quoted evidence" in text(page.find("body")[0])
    assert page.find("section", "participants") == []


# ---------------------------------------------------------------- participants, advice, identifiers


def test_participants_show_roles_account_signals_and_their_warning_signs():
    conv = two_party("hi")
    rep = report(flag("suspicious_account", "low", 0.6, (0, None, None, None), explanation="new empty account"),
                 level="low", score=0.2)
    page = Page(rep.to_html(conv))
    people = text(page.find("section", "participants")[0])
    assert "Sam (s)" in people and "Vic (v)" in people
    assert "the person who exported the chat" in people and "other party" in people
    assert "2 follower(s)" in people and "follows 900" in people and "0 post(s)" in people
    assert "new empty account" in text(page.find("p", "signal")[0])


def test_advice_and_identifiers_are_shown_when_the_report_has_them():
    rep = report(flag("payment_demand", "high", 0.8, (0, "pay", 0, 3)), level="high", advice=[
        {"id": "dont-pay", "text": "Do not pay.", "resources": [
            {"name": "Helpline", "url": "https://help.example.org/", "phone": "116 111", "country": "FR"},
            {"name": "Bad link", "url": "javascript:alert(1)"}]}],
        identifiers=[{"type": "crypto_address", "value": "bc1qexample", "message_index": 0,
                      "timestamp": "2025-01-20T23:10:00", "sender": "s"}])
    page = Page(rep.to_html(two_party("pay now")))
    advice = page.find("aside", "advice")[0]
    assert "Do not pay." in text(advice) and "Phone: 116 111" in text(advice) and "Country: FR" in text(advice)
    links = [e for e in page.find("a") if inside(e, "aside", "advice")]
    assert [a["attrs"]["href"] for a in links] == ["https://help.example.org/"]
    assert links[0]["attrs"]["rel"] == "noopener noreferrer"
    assert "Website: javascript:alert(1)" in text(advice)  # shown as text, never a link
    table = page.find("section", "identifiers")[0]
    assert all(w in text(table) for w in ("crypto_address", "bc1qexample", "2025-01-20 23:10"))
    assert page.find("div", "overview")[0] is advice["parents"][-1]  # beside the summary


@pytest.mark.parametrize(("url", "linked"), [
    ("https://example.org/a?b=1", True), ("http://example.org", True), ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False), ("data:text/html,x", False), ("https://", False), ("//example.org", False),
    ("https://exa mple.org", False), ("java\tscript:alert(1)", False), (None, False)])
def test_only_plain_web_addresses_become_links(url, linked):
    assert (safe_url(url) is not None) is linked


# ---------------------------------------------------------------- escaping


def hostile_pair() -> tuple[Conversation, Report]:
    message = f"hello {HOSTILE} pay now"
    conv = Conversation.model_validate({
        "id": HOSTILE, "platform": HOSTILE, "user": "v",
        "participants": [{"id": HOSTILE, "name": HOSTILE}, {"id": "v", "name": "<b>victim</b>"}],
        "messages": [{"sender": HOSTILE, "text": message, "timestamp": "2025-01-01T10:00:00+00:00"},
                     {"sender": "v", "text": HOSTILE}]})
    rep = Report.model_validate({
        "id": HOSTILE, "risk_score": 0.9, "risk_level": "critical", "language": '"><script>x</script>',
        "summary": HOSTILE, "notes": [HOSTILE], "stages": ["contact", "payment_demand"],
        "flags": [{"category": "payment_demand", "severity": "critical", "score": 0.9, "sender": HOSTILE,
                   "explanation": HOSTILE, "evidence": [
                       {"message_index": 0, "quote": PAYLOADS[0], "start": 6, "end": 6 + len(PAYLOADS[0]),
                        "source": f"rule:{HOSTILE}"},
                       {"message_index": 1, "quote": HOSTILE, "start": 0, "end": len(HOSTILE), "source": "rule:x"}]}],
        "advice": [{"id": HOSTILE, "text": HOSTILE, "resources": [{"name": HOSTILE, "url": PAYLOADS[2],
                                                                   "phone": HOSTILE, "country": HOSTILE}]}],
        "identifiers": [{"type": HOSTILE, "value": HOSTILE, "message_index": 0, "sender": HOSTILE}],
        "model_version": HOSTILE})
    return conv, rep


@pytest.mark.parametrize("with_conversation", [True, False])
def test_chat_text_is_escaped_everywhere(with_conversation):
    conv, rep = hostile_pair()
    html = render_html([(conv if with_conversation else None, rep)])
    page = Page(html)
    tags = {e["tag"] for e in page.elements}
    assert not tags & {"script", "img", "iframe", "object", "embed", "form", "link", "b", "base"}
    assert [e["tag"] for e in page.find("svg")] == ["svg"]  # only the risk curve
    for element in page.elements:
        for name, value in element["attrs"].items():
            assert not name.startswith("on"), (element["tag"], name)
            assert "javascript:" not in (value or "").lower()
            assert "<" not in (value or "") or name == "aria-label"
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert PAYLOADS[0] in text(page.find("body")[0])  # shown, as text
    if with_conversation:
        assert text(page.find("mark", "ev")[0]) == PAYLOADS[0]


def test_the_report_language_cannot_break_out_of_its_attribute():
    conv, rep = hostile_pair()
    page = Page(rep.to_html(conv))
    assert all("lang" not in e["attrs"] for e in page.find("div", "msg-text"))


# ---------------------------------------------------------------- direction, languages, self-containment


def test_arabic_chrome_is_right_to_left_and_every_message_sets_its_own_direction(examples):
    conv = two_party("سلام، زيدني فسناب", ">شكون نتا؟")
    rep = report(flag("platform_migration", "low", 0.6, (0, *span(conv.messages[0].text, "زيدني فسناب"))),
                 level="low", score=0.2, language="ar")
    page = Page(render_html([(conv, rep), *examples], language="ar"))
    root = page.find("html")[0]
    assert (root["attrs"]["lang"], root["attrs"]["dir"]) == ("ar", "rtl")
    texts = page.find("div", "msg-text")
    assert texts and all(t["attrs"]["dir"] == "auto" for t in texts)
    assert [t["attrs"]["lang"] for t in texts if within(t, page.by_id("c0"))] == ["ar", "ar"]
    assert [text(m) for m in page.find("mark", "ev") if within(m, page.by_id("c0"))] == ["زيدني فسناب"]
    assert "المحادثات، من الأعلى خطورة إلى الأدنى" in text(page.by_id("index-h"))
    assert all(t["attrs"]["dir"] == "ltr" for t in page.find("time"))


@pytest.mark.parametrize(("asked", "used", "direction"), [
    ("en", "en", "ltr"), ("fr", "fr", "ltr"), ("es", "es", "ltr"), ("ar", "ar", "rtl"), ("fr-CA", "fr", "ltr"),
    ("ary", "en", "ltr"), ("xx", "en", "ltr"), (None, "en", "ltr")])
def test_page_language_falls_back_to_english(asked, used, direction):
    page = Page(render_html([(None, report())], language=asked))
    root = page.find("html")[0]
    assert (root["attrs"]["lang"], root["attrs"]["dir"]) == (used, direction)
    assert text(page.find("title")[0]) == strings.ui(used, "title")


def _keys(node: dict, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in node.items():
        out |= _keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return out


def test_every_html_catalog_has_the_same_keys_and_placeholders():
    english = load_yaml(strings.HTML_CATALOGS / "en.yaml")
    assert strings.html_languages() == ["ar", "en", "es", "fr"]
    for language in strings.html_languages():
        catalog = load_yaml(strings.HTML_CATALOGS / f"{language}.yaml")
        assert _keys(catalog) == _keys(english), language
        for key in _keys(english):
            en_value, value = english, catalog
            for part in key.split("."):
                en_value, value = en_value[part], value[part]
            assert set(re.findall(r"{(\w+)}", value)) == set(re.findall(r"{(\w+)}", en_value)), (language, key)


def test_the_page_loads_nothing_and_runs_nothing(example_page):
    csp = example_page.find("meta", http_equiv="Content-Security-Policy")
    assert csp and "default-src 'none'" in csp[0]["attrs"]["content"] and "script" not in csp[0]["attrs"]["content"]
    for element in example_page.elements:
        assert "src" not in element["attrs"], element["tag"]
        if "href" in element["attrs"]:  # in-page anchors, or a helpline's https page the reader may open
            href = element["attrs"]["href"]
            assert href.startswith("#") or (href.startswith("https://") and "url" in element["attrs"].get("class", "")
                                           and "noopener" in element["attrs"].get("rel", "")), href
    css = stylesheet()
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert not example_page.find("script") and not example_page.find("link")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_meet_wcag_aa_contrast():
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", stylesheet()))
    badge_backgrounds = [v for k, v in variables.items() if k.startswith("lvl-")]
    category_backgrounds = [v for k, v in variables.items() if k.startswith("c-") and k.endswith("-bg")]
    assert len(badge_backgrounds) == 5 and len(category_backgrounds) >= 7
    for background in badge_backgrounds:
        assert _contrast(background, variables["badge-fg"]) >= 4.5, background
    for background in [*category_backgrounds, variables["soft"]]:
        assert _contrast(background, variables["ink"]) >= 4.5, background
        assert _contrast(background, variables["muted"]) >= 4.5, background
        assert _contrast(background, variables["link"]) >= 4.5, background


def test_print_css_keeps_explanations_and_breaks_pages_per_conversation():
    css = stylesheet()
    print_css = css[css.index("@media print"):]
    assert ".conv { break-before: page" in print_css
    assert re.search(r"\.tip[^{]*\{[^}]*display: block; position: static", print_css)


# ---------------------------------------------------------------- the risk curve


def test_risk_curve_rises_with_the_evidence_and_stops_at_the_report_score():
    conv = two_party("hi", "add me on snap", "turn on your cam", "I recorded you", "pay 200")
    rep = report(flag("platform_migration", "medium", 0.8, (1, "add me on snap", 0, 14)),
                 flag("image_request", "high", 0.8, (2, "turn on your cam", 0, 16)),
                 flag("threat", "critical", 0.9, (3, "recorded", 2, 10)),
                 flag("payment_demand", "critical", 0.9, (4, "pay 200", 0, 7)), score=0.93)
    curve = svg.risk_curve(rep, len(conv.messages))
    values = [v for _i, v, _l in curve.steps]
    assert [i for i, _v, _l in curve.steps] == [0, 1, 2, 3, 4]
    assert values == sorted(values) and values[-1] == pytest.approx(0.93)
    assert [lvl for _i, _v, lvl in curve.steps] == ["none", "low", "high", "high", "critical"]
    page = Page(rep.to_html(conv))
    (graphic,) = page.find("svg", "curve")
    assert graphic["attrs"]["role"] == "img"
    assert "rises to 0.93 (Critical), reached at message 4" in graphic["attrs"]["aria-label"]
    assert page.find("title") and page.find("desc") and len(page.find("circle", "marker")) == 4
    assert len(page.find("rect", "band")) == 5


def test_a_quiet_conversation_has_a_flat_curve():
    page = Page(report(level="none", score=0.0).to_html(two_party("hi", ">hello")))
    assert "stays at none" in page.find("svg", "curve")[0]["attrs"]["aria-label"]
    assert page.find("circle") == []


# ---------------------------------------------------------------- size and the batch writer


def big_pair(count: int = 10_000) -> tuple[Conversation, Report]:
    texts = [f"message {i}: send money now" for i in range(count)]
    conv = Conversation.model_validate({"id": "big", "messages": [
        {"sender": "ab"[i % 2], "text": t, "timestamp": f"2025-01-01T10:{i % 60:02d}:00+00:00"}
        for i, t in enumerate(texts)]})
    evidence = [(i, *span(texts[i], "send money")) for i in range(0, count, 4)]
    return conv, report(flag("payment_demand", "critical", 0.9, *evidence), score=0.9)


def test_ten_thousand_messages_render_completely():
    conv, rep = big_pair()
    html = render_html([(conv, rep)])
    assert html.rstrip().endswith("</html>")
    assert html.count('<li class="msg') == 10_000 and html.count('<mark class="ev') == 2_500
    assert 'id="c0-m9999"' in html and "message 9999: send money now" in html
    page = Page(html)
    assert len(page.find("circle", "marker")) <= svg.RIGHT - svg.LEFT + 1  # thinned to one per pixel
    assert len(page.find("path")[0]["attrs"]["d"]) < 200


def test_the_batch_writer_writes_the_same_page_as_render_html(tmp_path, examples):
    path = tmp_path / "out" / "report.html"
    with HtmlReportWriter(path, "fr") as writer:
        for conversation, rep in examples:
            writer.add(conversation, rep)
    assert path.read_text(encoding="utf-8") == render_html(examples, language="fr")


def test_the_batch_writer_counts_skipped_inputs_and_writes_nothing_on_failure(tmp_path):
    path = tmp_path / "report.html"
    writer = HtmlReportWriter(path)
    writer.add(None, report())
    writer.add_skipped()
    writer.close()
    assert "1 input(s) could not be analysed" in path.read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    with pytest.raises(RuntimeError), HtmlReportWriter(broken) as failing:
        failing.add(None, report())
        raise RuntimeError("interrupted")
    assert not broken.exists()


# ---------------------------------------------------------------- the command line


def test_scan_writes_the_html_report_after_the_jsonl(tmp_path, example_conversations):
    out, page_path = tmp_path / "report.jsonl", tmp_path / "report.html"
    bad = tmp_path / "in.jsonl"
    bad.write_text(EXAMPLES.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sextortion_flags", "scan", str(bad), "-o", str(out), "--html",
                             str(page_path), "--explain-lang", "en", "--min-level", "low"],
                            capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
                            timeout=300)
    assert result.returncode == 1, result.stderr  # the bad line
    reports = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    shown = [r for r in reports if "error" not in r]
    page = Page(page_path.read_text(encoding="utf-8"))
    assert len(page.find("section", "conv")) == len(shown) == len(example_conversations) - 1  # `none` left out
    assert "1 input(s) could not be analysed" in text(page.find("p", "skipped")[0])
    assert len(page.find("li", "msg")) == sum(len(c["messages"]) for c in example_conversations
                                              if c["id"] in {r["id"] for r in shown})
    assert page.find("html")[0]["attrs"]["lang"] == "en"


def test_readme_shows_the_committed_screenshot():
    root = Path(__file__).resolve().parent.parent
    assert "docs/report.png" in (root / "README.md").read_text(encoding="utf-8")
    shot = root / "docs" / "report.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and 20_000 < shot.stat().st_size < 400_000


@pytest.mark.parametrize("conversation", [
    {"id": "x", "messages": "zqxcanary"}, {"id": "x", "messages": [{"text": 5, "x": "zqxcanary"}]}, "zqxcanary", 5, [1]])
def test_a_wrong_conversation_for_the_page_is_the_librarys_error_without_its_text(conversation):
    """render_html and Report.to_html raised pydantic's ValidationError quoting the input
    (`input_value='zqxcanary'`), or an AttributeError for a string or a list."""
    from sextortion_flags.errors import InputError

    report = Report(id="x", risk_score=0.0, risk_level="none")
    for render in (lambda: report.to_html(conversation), lambda: render_html([(conversation, report)])):
        with pytest.raises(InputError) as caught:
            render()
        assert "zqxcanary" not in str(caught.value)


@pytest.mark.parametrize("report", [None, "zqxcanary", {"id": "zqxcanary"}])
def test_a_wrong_report_for_the_page_is_the_librarys_error(report):
    from sextortion_flags.errors import InputError

    with pytest.raises(InputError) as caught:
        render_html([(None, report)])
    assert "zqxcanary" not in str(caught.value) and "report" in str(caught.value)
