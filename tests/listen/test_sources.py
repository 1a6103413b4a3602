"""A feed source polled from a real HTTP server on 127.0.0.1: stored, conditional, refused, failed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from elshi.monitoring.models import Document, Source
from elshi.monitoring.polling import run_source

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Daily Example</title><link>http://127.0.0.1/</link>
<item><title>Kazakhstan opens new rail link to Europe</title><link>https://daily.example.com/rail</link>
<description>Kazakhstan celebrated a successful new rail link on the Middle Corridor.</description>
<pubDate>Fri, 20 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>Weather in Paris</title><link>https://daily.example.com/weather</link>
<description>Rain expected.</description><pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>"""


class _Feed(BaseHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(self.path)
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(FEED)))
        self.end_headers()
        self.wfile.write(FEED)


@pytest.fixture
def feed_server() -> Iterator[str]:
    _Feed.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_feed_is_polled_stored_and_then_not_modified(
    db: Any, settings: Any, feed_server: str, lexicon: Any
) -> None:
    settings.ELSHI_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    source = Source.objects.create(name="Daily Example", url=f"{feed_server}/feed.xml")
    first = run_source(source, analyse=lexicon)
    assert (first.parsed, first.new) == (2, 2)
    source.refresh_from_db()
    assert (
        source.last_success_at is not None
        and source.consecutive_failures == 0
        and source.documents_stored == 2
    )
    assert source.state["etag"] == '"v1"'
    rail = Document.objects.get(canonical_url="https://daily.example.com/rail")
    assert list(rail.mentions.values_list("country", flat=True)) == ["KZ"]
    second = run_source(source, analyse=lexicon)  # conditional GET: 304, nothing new, nothing duplicated
    assert second.parsed == 0 and Document.objects.count() == 2
    assert _Feed.requests.count("/feed.xml") == 2


def test_private_address_is_refused_unless_allowed(
    db: Any, settings: Any, feed_server: str, lexicon: Any
) -> None:
    settings.ELSHI_FETCH_ALLOWED_HOSTS = []
    source = Source.objects.create(name="Intranet", url=f"{feed_server}/feed.xml")
    run_source(source, analyse=lexicon)
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and "127.0.0.1" in source.last_error
    assert _Feed.requests == []  # refused before anything was sent
    assert not Document.objects.exists()


def test_failures_are_counted_and_shown(db: Any, settings: Any, lexicon: Any, people: dict[str, Any]) -> None:
    settings.ELSHI_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    source = Source.objects.create(
        name="Gone", url="http://127.0.0.1:9/feed.xml"
    )  # nothing listens on port 9
    run_source(source, analyse=lexicon)
    run_source(source, analyse=lexicon)
    source.refresh_from_db()
    assert source.consecutive_failures == 2 and source.last_error
    client = Client()
    client.force_login(people["analyst"])
    page = client.get("/listen/sources/").content.decode()
    assert "Gone" in page and "Poll now" in page
    viewer = Client()
    viewer.force_login(people["author"])  # listens, but does not configure sources
    assert "Add a source" not in viewer.get("/listen/sources/").content.decode()
    assert (
        viewer.post(
            "/listen/sources/",
            {"name": "x", "kind": "feed", "url": "https://x.example/f", "every_minutes": "5"},
        ).status_code
        == 403
    )


def test_analyst_adds_a_source_and_it_is_audited(db: Any, people: dict[str, Any]) -> None:
    from elshi.audit.models import AuditEvent

    client = Client()
    client.force_login(people["analyst"])
    response = client.post(
        "/listen/sources/",
        {
            "name": "Kazinform",
            "kind": "feed",
            "url": "https://www.inform.kz/rss",
            "every_minutes": "15",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    assert Source.objects.get().every_minutes == 15
    assert AuditEvent.objects.filter(action="source.create").exists()
