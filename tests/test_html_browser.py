"""The HTML report in a real browser: headless Chromium opens it offline, renders it, runs nothing
from the chats and requests nothing from the network.

Skipped when Debian's `chromium` is not installed (`.ci/run` installs it). Chromium itself makes
background requests (time sync, account checks) even with background networking disabled; they
have no page as initiator, so the test looks at what the *page* asked for, and a positive control
(a deliberately unsafe page) proves the net log catches a page's request.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from sextortion_flags.html import render_html, strings
from sextortion_flags.models import Conversation, Report

from .conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")

CANARY = "sextortion-flags-canary.invalid"
PAYLOAD = (f'<script>document.title="pwned";document.documentElement.setAttribute("data-pwned","1")</script>'
           f'<img src="http://{CANARY}/pixel.png" onerror="document.title=\'pwned\'">'
           f'<link rel="stylesheet" href="https://{CANARY}/style.css">')
WINDOW = (1000, 1400)
CRITICAL_BADGE = (0xA3, 0x16, 0x1A)


def chromium(tmp_path: Path, page: Path, *mode: str, name: str) -> tuple[str, list[dict]]:
    """Run headless Chromium on `page`; return its stdout and the URL requests of its net log."""
    net_log = tmp_path / f"{name}-netlog.json"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-default-apps", "--disable-extensions", f"--user-data-dir={tmp_path / f'{name}-profile'}",
               f"--log-net-log={net_log}", "--net-log-capture-mode=Default", *mode, page.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, url_requests(net_log)


def url_requests(net_log: Path) -> list[dict]:
    """The URL requests started in a Chromium net log, each with its `initiator` and isolation key."""
    data = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [event["params"] for event in data["events"]
            if event["type"] == start_job and "url" in (event.get("params") or {})]


def page_requests(requests: list[dict], page: Path) -> list[str]:
    """Requests a document made (file pages have the origin `null`); the browser's own background
    requests have the initiator `not an origin` and no file:// isolation key."""
    return [r["url"] for r in requests if r["url"] != page.as_uri() and (
        r.get("initiator") != "not an origin" or "file://" in r.get("network_isolation_key", ""))]


def png_pixels(path: Path) -> tuple[int, int, bytes, int]:
    """Width, height, raw pixel bytes and bytes per pixel of an 8-bit non-interlaced PNG (stdlib only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert header is not None
    width, height, depth, colour, _c, _f, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray(height * stride)
    previous = bytearray(stride)
    for y in range(height):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b, c = previous[i], previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        out[y * stride:(y + 1) * stride] = row
        previous = row
    return width, height, bytes(out), bpp


@pytest.fixture(scope="module")
def report_page(tmp_path_factory, analyzer) -> Path:
    conversations = [Conversation.model_validate_json(line)
                     for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    hostile = Conversation.model_validate({"id": "hostile", "user": "v", "messages": [
        {"sender": "s", "text": f"hello {PAYLOAD} send 200 euros tonight or I publish the video"},
        {"sender": "v", "text": PAYLOAD}]})
    pairs = [(c, analyzer.analyze(c)) for c in [*conversations, hostile]]
    quote = PAYLOAD
    start = hostile.messages[0].text.index(quote)
    report = Report.model_validate({
        "id": f"hostile {PAYLOAD}", "risk_score": 0.9, "risk_level": "critical", "summary": PAYLOAD,
        "flags": [{"category": "threat", "score": 0.9, "severity": "critical", "sender": "s", "explanation": PAYLOAD,
                   "evidence": [{"message_index": 0, "quote": quote, "start": start, "end": start + len(quote),
                                 "source": "rule:test"}]}],
        "advice": [{"id": "a", "text": "Keep the evidence.", "resources": [
            {"name": "Helpline", "url": f"https://{CANARY}/help"}]}]})
    pairs.append((hostile, report))
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(pairs), encoding="utf-8")
    return path


def test_the_report_renders_its_elements_and_runs_nothing_from_the_chats(tmp_path, report_page):
    dom, requests = chromium(tmp_path, report_page, "--dump-dom", "--virtual-time-budget=3000", name="dom")
    assert f"<title>{strings.ui('en', 'title')}</title>" in dom  # the script payload would have changed it
    assert "pwned" not in dom.split("</title>")[0] and "data-pwned" not in dom.split(">")[1]
    assert dom.count('<section class="conv"') == 6
    assert dom.count('<mark class="ev') >= 10 and '<svg class="curve"' in dom
    assert "<img" not in dom and "&lt;img src=" in dom and "&lt;script&gt;" in dom
    assert dom.count("<script") == 0
    assert page_requests(requests, report_page) == []
    assert not [r["url"] for r in requests if CANARY in r["url"]]


def test_the_screenshot_shows_a_rendered_page(tmp_path, report_page):
    shot = tmp_path / "shot.png"
    _out, requests = chromium(tmp_path, report_page, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                              "--hide-scrollbars", name="shot")
    assert shot.stat().st_size > 30_000  # a blank page of this size compresses to about 10 KB
    width, height, pixels, bpp = png_pixels(shot)
    assert (width, height) == WINDOW
    colours = {pixels[i:i + 3] for i in range(0, len(pixels), bpp * 7)}
    assert len(colours) > 50
    white = sum(1 for i in range(0, len(pixels), bpp * 7) if pixels[i:i + 3] == b"\xff\xff\xff")
    assert white < 0.97 * len(pixels) / (bpp * 7)
    assert bytes(CRITICAL_BADGE) in colours  # the critical badges were painted with the packaged CSS
    assert page_requests(requests, report_page) == []


def test_the_net_log_does_catch_a_page_that_loads_something(tmp_path):
    """Positive control: without escaping and CSP the same payload runs and calls out."""
    unsafe = tmp_path / "unsafe.html"
    unsafe.write_text(f"<!DOCTYPE html><html><head><title>ok</title></head><body>{PAYLOAD}</body></html>",
                      encoding="utf-8")
    dom, requests = chromium(tmp_path, unsafe, "--dump-dom", "--virtual-time-budget=3000", name="control")
    assert "<title>pwned</title>" in dom
    assert any(CANARY in url for url in page_requests(requests, unsafe))


def test_a_huge_word_from_the_chat_does_not_widen_the_page(tmp_path, analyzer):
    """A 3,000-letter id, sender name or word in a quote made the page 95,000 pixels wide: tables,
    headings and quotes took the word's width. The page's CSS must wrap it; a measuring script is
    added to a copy of the page without its CSP (layout is the stylesheet's alone)."""
    import re

    word = "W" * 3000
    conversation = Conversation.model_validate({
        "id": f"id{word}", "user": "v", "participants": [{"id": f"p{word}", "name": f"n{word}"}, {"id": "v"}],
        "messages": [{"sender": f"p{word}", "text": f"send me a photo or I publish the video {word} pay 500 euros "
                      f"to lina{word}@gmail.com"}, {"sender": "v", "text": "no"}]})
    page = render_html([(conversation, analyzer.analyze(conversation))])
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    page = page.replace("</body>", "<script>var d = document.documentElement;"
                        "document.body.setAttribute('data-width', d.scrollWidth + 'x' + d.clientWidth);</script></body>")
    measured = tmp_path / "wide.html"
    measured.write_text(page, encoding="utf-8")
    dom, _requests = chromium(tmp_path, measured, "--dump-dom", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                              name="wide")
    scroll, client = map(int, re.search(r'data-width="(\d+)x(\d+)"', dom).groups())
    assert scroll <= client
