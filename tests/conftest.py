from __future__ import annotations

import ipaddress
import json
import socket
import string
from pathlib import Path

import pytest

from sextortion_flags import Analyzer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "conversations.jsonl"


class NetworkUsed(RuntimeError):
    """Raised when a test (or the library under test) tries to reach a non-loopback address."""


def _allowed(sock: socket.socket, address: object) -> bool:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """The library never uses the network: any connection beyond loopback fails the test loudly.

    Loopback stays open (local Spark or worker tests use 127.0.0.1), and so do Unix sockets.
    """
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):  # noqa: ANN001, ANN202
        if not _allowed(self, address):
            raise NetworkUsed(f"network access attempted in a test: {address!r}")
        return real_connect(self, address)

    def connect_ex(self, address):  # noqa: ANN001, ANN202
        if not _allowed(self, address):
            raise NetworkUsed(f"network access attempted in a test: {address!r}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="session")
def example_conversations() -> list[dict]:
    return [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def assert_contract(report: dict, conversation: dict) -> None:
    """The contract's report checks (CONTRACT.md §2), as ../shared/tools/check_report.py does them."""
    texts = [m.get("text") or "" for m in conversation.get("messages", [])]
    assert report["id"] == conversation["id"]
    assert 0.0 <= report["risk_score"] <= 1.0
    assert report["risk_level"] in ("none", "low", "medium", "high", "critical")
    scores = [f["score"] for f in report["flags"]]
    assert scores == sorted(scores, reverse=True)
    for flag in report["flags"]:
        assert 0.0 <= flag["score"] <= 1.0
        assert flag["severity"] in ("none", "low", "medium", "high", "critical")
        assert flag["explanation"].strip()
        assert flag["evidence"]
        for ev in flag["evidence"]:
            assert 0 <= ev["message_index"] < max(len(texts), 1)
            assert ev["source"].split(":")[0] in ("rule", "model", "timing", "account")
            if ev["quote"] is not None:
                assert texts[ev["message_index"]][ev["start"]:ev["end"]] == ev["quote"]


def conversation(*texts: str, user: str | None = "v", cid: str = "t", minutes: int = 2) -> dict:
    """A two-party conversation alternating scammer 's' (first) and victim 'v'; `>` prefix = victim."""
    messages = []
    for i, text in enumerate(texts):
        sender = "v" if text.startswith(">") else "s"
        messages.append({"sender": sender, "text": text.lstrip(">").strip(),
                         "timestamp": f"2025-01-01T20:{min(i * minutes, 59):02d}:00+00:00"})
    return {"id": cid, "user": user, "messages": messages}


def leaves(node, prefix=""):
    """(dotted key, value) for every leaf of a nested message catalog."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{prefix}{key}.")
    else:
        yield prefix[:-1], node


def placeholders(text: str) -> set[str]:
    """The `{names}` a catalog text fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
