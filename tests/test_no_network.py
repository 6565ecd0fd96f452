"""The network guard of conftest.py works, and the analyzer and the CLI run with it on."""

from __future__ import annotations

import json
import socket

import pytest

from sextortion_flags import Analyzer, cli

from .conftest import NetworkUsed


@pytest.mark.parametrize("address", [("93.184.216.34", 80), ("2606:2800:220:1:248:1893:25c8:1946", 443),
                                     ("example.com", 80)])
def test_connections_beyond_loopback_fail_loudly(address):
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock, pytest.raises(NetworkUsed):
        sock.connect(address)
    with socket.socket(family, socket.SOCK_STREAM) as sock, pytest.raises(NetworkUsed):
        sock.connect_ex(address)


def test_loopback_is_allowed():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(server.getsockname())


def test_analyzer_and_scan_work_with_the_guard_on(tmp_path, monkeypatch):
    import sextortion_flags.analyzer as analyzer_module

    analyzer = Analyzer()  # packaged rules and model
    report = analyzer.analyze({"id": "n", "messages": [{"sender": "s", "text": "add me on telegram"}]})
    assert report.id == "n"
    path, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    path.write_text(json.dumps({"id": "n", "messages": [{"sender": "s", "text": "hi"}]}) + "\n", encoding="utf-8")
    monkeypatch.setattr(analyzer_module, "Analyzer", lambda **_: analyzer)
    assert cli.main(["scan", str(path), "-o", str(out), "--no-progress"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "n"
