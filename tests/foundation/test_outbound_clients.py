"""Every client that leaves the machine is the guarded one (issue 17): no bare ``httpx.Client(`` in
``src/elshi``, the apps' factories guarded with their allow-lists, DNS rebinding refused in a real poll."""

from __future__ import annotations

import ast
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from elshi.common import http as common_http
from elshi.connectors._http import send
from elshi.connectors.errors import NotSent
from elshi.content import studio
from elshi.creative.openai_images import OpenAIImages
from elshi.monitoring import alerting
from elshi.monitoring.ingest import ProfileAnalyzer
from elshi.monitoring.models import Document, Source
from elshi.monitoring.polling import run_source
from elshi.publishing import accounts
from elshi.publishing.accounts import http_client
from elshi.sources.transport import AddressRefused, GuardedTransport

SRC = Path(__file__).resolve().parents[2] / "src" / "elshi"
FACTORY = SRC / "sources" / "http.py"


def _bare_clients(path: Path) -> list[int]:
    """Lines calling ``httpx.Client(``/``httpx.AsyncClient(`` or a ``Client`` imported from httpx."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "httpx"
        for alias in node.names
        if alias.name in ("Client", "AsyncClient")
    }
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("Client", "AsyncClient"):
            if isinstance(func.value, ast.Name) and func.value.id == "httpx":
                lines.append(node.lineno)
        elif isinstance(func, ast.Name) and func.id in imported:
            lines.append(node.lineno)
    return lines


def test_no_client_is_built_outside_the_factory() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}"
        for path in sorted(SRC.rglob("*.py"))
        if path != FACTORY
        for line in _bare_clients(path)
    ]
    assert found == [], f"build clients with elshi.common.http / elshi.sources.http, not: {found}"
    assert _bare_clients(FACTORY), "the scan must see the one call it allows"


def _guarded(client: httpx.Client) -> GuardedTransport:
    transport = client._transport
    assert isinstance(transport, GuardedTransport) and client.trust_env is False
    return transport


def test_every_app_client_is_guarded(settings: Any) -> None:
    settings.ELSHI_OUTBOUND_ALLOWED_HOSTS = ["Intranet.Example"]
    settings.ELSHI_FETCH_ALLOWED_HOSTS = ["feeds.intranet"]
    settings.ELSHI_IMAGE_BASE_URL = "http://10.1.2.3:8080/v1"
    allowed = lambda c: _guarded(c)._pool._network_backend.allowed  # noqa: E731
    assert allowed(common_http.fetch_client()) == {"feeds.intranet"}
    assert allowed(common_http.outbound_client()) == {"intranet.example"}
    with accounts.http_client() as publishing:
        assert _guarded(publishing)._pool._ssl_context is accounts.tls_context()  # one per process
        assert allowed(publishing) == {"intranet.example"}
    assert allowed(studio.image_client()) == {"intranet.example", "10.1.2.3"}  # the configured server
    _guarded(OpenAIImages("https://api.openai.com/v1", "gpt-image-1").client)


def test_a_channel_host_on_a_private_address_is_not_sent(settings: Any) -> None:
    settings.ELSHI_OUTBOUND_ALLOWED_HOSTS = []
    with http_client() as client:
        request = client.build_request("POST", "http://127.0.0.1:9/api/v1/statuses", json={"status": "x"})
        with pytest.raises(NotSent, match="AddressRefused"):
            send(client, request, platform="mastodon")
        with pytest.raises(AddressRefused, match="ELSHI_OUTBOUND_ALLOWED_HOSTS"):
            client.send(request)


def test_an_alert_webhook_to_a_private_host_is_refused(settings: Any, caplog: Any) -> None:
    settings.ELSHI_OUTBOUND_ALLOWED_HOSTS = []
    settings.ELSHI_ALERT_WEBHOOKS = []
    with caplog.at_level(logging.ERROR, logger="elshi.monitoring.alerting"):
        alerting._post("http://169.254.169.254/latest/meta-data/", {"text": "x"})
    assert "refused" in caplog.text and "169.254.169.254" in caplog.text


FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Internal</title>'
    b"<item><title>Kazakhstan internal memo</title><link>https://intranet.example/memo</link>"
    b"<description>Kazakhstan</description></item></channel></rss>"
)


@pytest.fixture
def internal_feed() -> Iterator[tuple[int, list[str]]]:
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server.server_address[1], requests
    server.shutdown()
    server.server_close()


def test_dns_rebinding_poll_is_refused_and_nothing_is_stored(
    db: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, internal_feed: tuple[int, list[str]]
) -> None:
    settings.ELSHI_FETCH_ALLOWED_HOSTS = []
    port, requests = internal_feed
    answered: dict[str, int] = {}

    def rebinding(host: str, port: int) -> list[str]:
        """TTL 0: a public answer to the first question, the internal server's to the next."""
        answered[host] = answered.get(host, 0) + 1
        return ["93.184.216.34"] if answered[host] == 1 else ["127.0.0.1"]

    monkeypatch.setattr(common_http, "resolve", rebinding)
    source = Source.objects.create(name="Rebinding", url=f"http://rebind.example:{port}/feed.xml")
    run_source(source, analyse=ProfileAnalyzer("kz", "lexicon"))
    source.refresh_from_db()
    assert "refused" in source.last_error and "at connect time" in source.last_error, source.last_error
    assert source.consecutive_failures == 1 and answered["rebind.example"] == 2
    assert requests == [] and not Document.objects.exists()
