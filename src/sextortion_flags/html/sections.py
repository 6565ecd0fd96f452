"""One conversation's section of the HTML report: what happened, in which order, and why it was flagged.

Every chat-derived string (ids, names, texts, quotes, explanations, URLs) goes through `escape`;
element ids and class names are built only from ordinals and known names, never from chat text.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import urlsplit

from sextortion_flags.fusion import LEVEL_ORDER
from sextortion_flags.html import highlight, strings, svg, timeline
from sextortion_flags.models import Advice, Conversation, Flag, Identifier, Message, Participant, Report

LEVEL_ICONS = {"none": "○", "low": "◔", "medium": "◑", "high": "◕", "critical": "●"}
"""A filling circle per level, so the badge does not rely on colour alone."""
MAX_MESSAGE_LINKS = 12


def badge(language: str, level: str) -> str:
    label = strings.ui(language, "badge", level=strings.level_label(language, level))
    return (f'<span class="badge lvl-{level}"><span class="badge-icon" aria-hidden="true">{LEVEL_ICONS[level]}</span>'
            f"{escape(label)}</span>")


def chip(language: str, category: str) -> str:
    return (f'<span class="chip c-{highlight.css_category(category)}"><span class="key" aria-hidden="true"></span>'
            f"{escape(strings.category_label(language, category))}</span>")


def safe_url(url: str | None) -> str | None:
    """A link target only for plain http(s) URLs; anything else (javascript:, data:) stays text."""
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _time(moment) -> str:  # noqa: ANN001 - a datetime
    return f'<time dir="ltr" datetime="{escape(moment.isoformat())}">{escape(strings.timestamp(moment))}</time>'


class SectionRenderer:
    """Renders the section of conversation number `ordinal` (its ids start with `c<ordinal>`)."""

    def __init__(self, ordinal: int, conversation: Conversation | None, report: Report, language: str) -> None:
        self.ordinal = ordinal
        self.prefix = f"c{ordinal}"
        self.conversation = conversation
        self.report = report
        self.lang = language
        self.names: dict[str, str] = {}
        if conversation is not None:
            for p in conversation.participants:
                self.names[p.id] = f"{p.name} ({p.id})" if p.name and p.name != p.id else p.id
        texts = [m.text or "" for m in conversation.messages] if conversation is not None else None
        self.marks = highlight.collect(report.flags, texts)
        self.tips: dict[tuple, str] = {}

    def ui(self, key: str, **values: object) -> str:
        return escape(strings.ui(self.lang, key, **values))

    def with_value(self, key: str, name: str, markup: str) -> str:
        """A catalog sentence with ready markup in place of `{name}` (the rest escaped)."""
        before, _, after = strings.ui(self.lang, key, **{name: "\x00"}).partition("\x00")
        return escape(before) + markup + escape(after)

    def anchor(self, index: int) -> str:
        return f"{self.prefix}-m{index}"

    def message_link(self, index: int) -> str:
        return f'<a href="#{self.anchor(index)}">{self.ui("timeline.at_message", index=index)}</a>'

    def sender(self, sender: str | None) -> str:
        return f'<bdi class="sender">{escape(self.names.get(sender, sender) if sender else "?")}</bdi>'

    # ------------------------------------------------------------------ the whole section

    def render(self) -> str:
        r, p = self.report, self.prefix
        heading = self.with_value("section.conversation", "id", f'<bdi class="conv-id">{escape(r.id)}</bdi>')
        out = [f'<section class="conv" id="{p}" aria-labelledby="{p}-h">', '<header class="conv-head">',
               f'<h2 id="{p}-h">{heading}</h2>',
               f'<p class="conv-meta">{badge(self.lang, r.risk_level)} '
               f'<span class="score">{self.ui("score", score=strings.score(r.risk_score))}</span>']
        if self.conversation is not None:
            if self.conversation.platform:
                out.append(f' · <span>{self.ui("section.platform", platform=self.conversation.platform)}</span>')
            out.append(f' · <span>{self.ui("section.message_count", count=len(self.conversation.messages))}</span>')
        out.append("</p>")
        if r.flags:
            out.append('<p class="chips">' + " ".join(chip(self.lang, f.category) for f in r.flags) + "</p>")
        out.append("</header>")
        out.append(self.overview())
        out.append(self.timeline())
        out.append(self.curve())
        if self.conversation is not None:
            out.append(self.participants(self.conversation.participants))
        out.append(self.flags())
        if r.identifiers:
            out.append(self.identifiers(r.identifiers))
        out.append(self.messages() if self.conversation is not None else self.evidence_only())
        out.append(f'<p class="back"><a href="#index">{self.ui("section.back")}</a></p></section>\n')
        return "".join(out)

    def overview(self) -> str:
        p = self.prefix
        out = ['<div class="overview">', f'<section class="summary" aria-labelledby="{p}-sum">',
               f'<h3 id="{p}-sum">{self.ui("section.summary")}</h3>',
               f'<p dir="auto">{escape(self.report.summary)}</p>']
        if self.report.notes:
            out.append(f'<h4>{self.ui("section.notes")}</h4><ul class="notes">')
            out.extend(f'<li dir="auto">{escape(note)}</li>' for note in self.report.notes)
            out.append("</ul>")
        out.append("</section>")
        if self.report.advice:
            out.append(self.advice(self.report.advice))
        out.append("</div>")
        return "".join(out)

    def advice(self, advice: list[Advice]) -> str:
        p = self.prefix
        out = [f'<aside class="advice" aria-labelledby="{p}-adv"><h3 id="{p}-adv">{self.ui("section.advice")}</h3>',
               "<ul>"]
        for item in advice:
            out.append(f'<li><p dir="auto">{escape(item.text)}</p>')
            if item.resources:
                out.append('<ul class="resources">')
                for res in item.resources:
                    bits = [f"<strong>{escape(res.name)}</strong>"]
                    if res.phone:
                        bits.append(f'<span class="phone">{self.ui("advice.phone", phone=res.phone)}</span>')
                    if res.url:
                        target = safe_url(res.url)
                        label = self.ui("advice.link", url=res.url)
                        bits.append(f'<a class="url" href="{escape(target)}" rel="noopener noreferrer">{label}</a>'
                                    if target else f'<span class="url">{label}</span>')
                    if res.country:
                        bits.append(f'<span class="country">{self.ui("advice.country", country=res.country)}</span>')
                    out.append("<li>" + " · ".join(bits) + "</li>")
                out.append("</ul>")
            out.append("</li>")
        out.append("</ul></aside>")
        return "".join(out)

    def timeline(self) -> str:
        p = self.prefix
        out = [f'<section class="timeline" aria-labelledby="{p}-tl"><h3 id="{p}-tl">{self.ui("section.timeline")}</h3>']
        entries = timeline.stages(self.report, self.conversation)
        if not entries:
            out.append(f'<p>{self.ui("section.timeline_empty")}</p></section>')
            return "".join(out)
        first = timeline.first_timestamp(self.conversation)
        out.append('<ol class="stages">')
        for entry in entries:
            out.append(f'<li class="stage st-{entry.stage}"><span class="stage-name">'
                       f'{self.ui("stages." + entry.stage)}</span>')
            if entry.message_index is not None:
                out.append(" " + self.message_link(entry.message_index))
            if entry.timestamp is not None:
                out.append(" " + _time(entry.timestamp))
                since = strings.elapsed(self.lang, first, entry.timestamp)
                if since:
                    out.append(f' <span class="elapsed">{escape(since)}</span>')
            elif self.conversation is not None:
                out.append(f' <span class="elapsed">{self.ui("timeline.no_time")}</span>')
            out.append("</li>")
        out.append("</ol></section>")
        return "".join(out)

    def curve(self) -> str:
        count = len(self.conversation.messages) if self.conversation is not None else None
        curve = svg.risk_curve(self.report, count)
        return (f'<figure class="risk"><figcaption aria-hidden="true">{self.ui("section.curve")}: '
                f"{escape(svg.summary(curve, self.lang))}</figcaption>{svg.render_svg(curve, self.lang)}</figure>")

    def participants(self, participants: list[Participant]) -> str:
        p = self.prefix
        signals: dict[str | None, list[Flag]] = {}
        for flag in self.report.flags:
            if flag.category == "suspicious_account":
                signals.setdefault(flag.sender, []).append(flag)
        out = [f'<section class="participants" aria-labelledby="{p}-pt"><h3 id="{p}-pt">'
               f'{self.ui("section.participants")}</h3><ul class="people">']
        user = self.conversation.user if self.conversation is not None else None
        for person in participants:
            role = self.ui("participants.user") if person.id == user else self.ui("participants.other")
            out.append(f'<li>{self.sender(person.id)} <span class="role">({role})</span>')
            out.append(f'<p class="account">{self.account(person)}</p>')
            for flag in signals.get(person.id, []):
                out.append(f'<p class="signal">{chip(self.lang, flag.category)} '
                           f'<span dir="auto">{escape(flag.explanation)}</span></p>')
            out.append("</li>")
        out.append("</ul></section>")
        return "".join(out)

    def account(self, person: Participant) -> str:
        a = person.account
        if a is None:
            return self.ui("participants.no_account")
        facts = []
        if a.created_at is not None:
            facts.append(self.ui("participants.created_at", date=strings.timestamp(a.created_at)))
        for key in ("followers", "following", "posts"):
            if getattr(a, key) is not None:
                facts.append(self.ui(f"participants.{key}", n=getattr(a, key)))
        if a.has_profile_photo is not None:
            facts.append(self.ui("participants.photo_yes" if a.has_profile_photo else "participants.photo_no"))
        if a.verified is not None:
            facts.append(self.ui("participants.verified_yes" if a.verified else "participants.verified_no"))
        return f'{self.ui("participants.account")}: ' + (" · ".join(facts) or self.ui("participants.no_account"))

    def _message_links(self, indices: Iterable[int]) -> str:
        distinct = sorted(set(indices))
        links = [f'<a href="#{self.anchor(i)}">{i}</a>' for i in distinct[:MAX_MESSAGE_LINKS]]
        return ", ".join(links) + (", …" if len(distinct) > MAX_MESSAGE_LINKS else "")

    def flags(self) -> str:
        p = self.prefix
        out = [f'<section class="flags" aria-labelledby="{p}-fl"><h3 id="{p}-fl">{self.ui("section.flags")}</h3>']
        if not self.report.flags:
            out.append(f'<p>{self.ui("flags.empty")}</p></section>')
            return "".join(out)
        out.append('<table><thead><tr>' + "".join(f'<th scope="col">{self.ui("flags." + k)}</th>' for k in (
            "category", "severity", "score", "sender", "explanation", "messages")) + "</tr></thead><tbody>")
        for flag in self.report.flags:
            out.append(f"<tr><td>{chip(self.lang, flag.category)}</td>"
                       f'<td>{escape(strings.level_label(self.lang, flag.severity))}</td>'
                       f"<td>{strings.score(flag.score)}</td><td>{self.sender(flag.sender)}</td>"
                       f'<td dir="auto">{escape(flag.explanation)}</td>'
                       f"<td>{self._message_links(e.message_index for e in flag.evidence)}</td></tr>")
        out.append("</tbody></table></section>")
        return "".join(out)

    def identifiers(self, identifiers: list[Identifier]) -> str:
        p = self.prefix
        out = [f'<section class="identifiers" aria-labelledby="{p}-id"><h3 id="{p}-id">'
               f'{self.ui("section.identifiers")}</h3><table><thead><tr>']
        out.extend(f'<th scope="col">{self.ui("identifiers." + k)}</th>'
                   for k in ("type", "value", "message", "time", "sender"))
        out.append("</tr></thead><tbody>")
        for item in identifiers:
            moment = _time(item.timestamp) if item.timestamp is not None else ""
            out.append(f"<tr><td>{escape(item.type)}</td><td><bdi><code>{escape(item.value)}</code></bdi></td>"
                       f"<td>{self._message_links([item.message_index])}</td><td>{moment}</td>"
                       f"<td>{self.sender(item.sender)}</td></tr>")
        out.append("</tbody></table></section>")
        return "".join(out)

    # ------------------------------------------------------------------ messages

    def _text_lang(self) -> str:
        language = self.report.language or ""
        ok = 2 <= len(language) <= 12 and all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in language)
        return f' lang="{escape(language)}"' if ok else ""

    def _notes(self, notes: list) -> str:  # noqa: ANN001 - (Flag, Evidence) pairs
        if not notes:
            return ""
        seen: dict[int, Flag] = {id(flag): flag for flag, _evidence in notes}
        items = []
        for flag in sorted(seen.values(), key=lambda f: LEVEL_ORDER.index(f.severity), reverse=True):
            quotes = [e.quote for f, e in notes if f is flag and e.quote]
            quoted = f' <q dir="auto">{escape(quotes[0])}</q>' if quotes else ""
            items.append(f'<li>{chip(self.lang, flag.category)} '
                         f'<span dir="auto">{escape(flag.explanation)}</span>{quoted}</li>')
        return '<ul class="msg-notes">' + "".join(items) + "</ul>"

    def _message(self, index: int, message: Message, user: str | None, text_lang: str) -> str:
        marks = self.marks.get(index)
        anchor = self.anchor(index)
        classes = "msg"
        if message.sender is not None and message.sender == user:
            classes += " from-user"
        if marks is not None:
            classes += " flagged"
        out = [f'<li class="{classes}" id="{anchor}"><div class="msg-meta"><span class="msg-no">'
               f'<span class="vh">{self.ui("message.label", index=index)}</span><span aria-hidden="true">#{index}'
               f"</span></span> {self.sender(message.sender)}"]
        if message.timestamp is not None:
            out.append(" " + _time(message.timestamp))
        if message.kind != "text":
            out.append(f' <span class="kind">{self.ui("message.kinds." + message.kind)}</span>')
        if marks is not None:
            out.append(f' <span class="chips"><span class="vh">{self.ui("message.flagged")} </span>'
                       + " ".join(chip(self.lang, c) for c in marks.categories) + "</span>")
        out.append("</div>")
        text = message.text or ""
        if marks is not None and marks.spans:
            body = highlight.highlight(text, marks.spans, self.lang, anchor, self.tips)
        else:
            body = escape(text) if text else f'<span class="empty">{self.ui("message.empty")}</span>'
        out.append(f'<div class="msg-text" dir="auto"{text_lang}>{body}</div>')
        if marks is not None:
            out.append(self._notes(marks.notes))
        out.append("</li>")
        return "".join(out)

    def messages(self) -> str:
        assert self.conversation is not None
        p = self.prefix
        user, text_lang = self.conversation.user, self._text_lang()
        out = [f'<section class="messages" aria-labelledby="{p}-ms"><h3 id="{p}-ms">{self.ui("section.messages")}</h3>'
               '<ol class="msgs" start="0">']
        out.extend(self._message(i, m, user, text_lang) for i, m in enumerate(self.conversation.messages))
        out.append("</ol></section>")
        return "".join(out)

    def evidence_only(self) -> str:
        """Without the conversation: the quoted evidence, grouped by message."""
        p = self.prefix
        out = [f'<section class="messages" aria-labelledby="{p}-ms"><h3 id="{p}-ms">{self.ui("section.evidence")}</h3>',
               f'<p class="hint">{self.ui("section.no_messages")}</p>']
        if not self.marks:
            return "".join(out) + "</section>"
        out.append('<ol class="msgs evidence">')
        text_lang = self._text_lang()
        for index in sorted(self.marks):
            marks = self.marks[index]
            anchor = self.anchor(index)
            out.append(f'<li class="msg flagged" id="{anchor}"><div class="msg-meta"><span class="msg-no">'
                       f'{self.ui("message.label", index=index)}</span> <span class="chips">'
                       + " ".join(chip(self.lang, c) for c in marks.categories) + "</span></div>")
            by_quote: dict[str, list] = {}
            for flag, evidence in marks.notes:
                if evidence.quote:
                    by_quote.setdefault(evidence.quote, []).append((0, len(evidence.quote), flag, evidence))
            for number, (quote, spans) in enumerate(by_quote.items()):
                body = highlight.highlight(quote, spans, self.lang, f"{anchor}-q{number}", self.tips)
                out.append(f'<div class="msg-text" dir="auto"{text_lang}>{body}</div>')
            out.append(self._notes([(f, e) for f, e in marks.notes if not e.quote]))
            out.append("</li>")
        out.append("</ol></section>")
        return "".join(out)
