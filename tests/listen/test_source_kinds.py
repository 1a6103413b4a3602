"""Every source kind against a real HTTP server on 127.0.0.1: sitemap, GDELT updates, failures, uploads."""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from elshi.monitoring.models import Document, QuarantinedItem, RelationEvent, Source
from elshi.monitoring.polling import run_source
from tests.conftest import SHARED_DATA

GDELT = SHARED_DATA / "gdelt"
GKG = GDELT / "gkg" / "20230702153000.gkg.csv.zip"
EVENTS = GDELT / "events" / "20241022130000.export.CSV"
FIXTURE = Path(__file__).with_name("fixtures") / "monitoring_export.csv"


class _Site(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, bytes, str]] = {}
    requests: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(self.path)
        status, body, ctype = type(self).routes.get(self.path, (404, b"not here", "text/plain"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site(settings: Any) -> Iterator[str]:
    settings.ELSHI_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    _Site.routes, _Site.requests = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _article(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{body} Paragraph {n} adds more detail for the reader.</p>" for n in range(6))
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title></head><body><nav>Home</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>© 2019 Example</footer></body></html>"
    ).encode()


def _sitemap(base: str) -> bytes:
    entries = "".join(
        f"<url><loc>{base}/news/{slug}</loc><news:news><news:publication><news:name>Steppe Daily</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>2026-11-2{n}T08:00:00Z</news:publication_date>"
        f"<news:title>{title}</news:title></news:news></url>"
        for n, (slug, title) in enumerate(
            [("rail", "Kazakhstan opens a rail link"), ("grain", "Kazakhstan grain harvest record")]
        )
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>'
    ).encode()


def test_sitemap_takes_new_articles_bounded_per_poll_and_never_twice(
    db: Any, site: str, lexicon: Any
) -> None:
    _Site.routes = {
        "/sitemap-news.xml": (200, _sitemap(site), "application/xml"),
        "/news/rail": (
            200,
            _article("Kazakhstan opens a rail link", "Kazakhstan celebrated a successful new rail link."),
            "text/html",
        ),
        "/news/grain": (
            200,
            _article("Kazakhstan grain harvest record", "Kazakhstan reported an excellent record harvest."),
            "text/html",
        ),
    }
    source = Source.objects.create(
        name="Steppe Daily", kind="sitemap", url=f"{site}/sitemap-news.xml", options={"max_articles": 1}
    )
    first = run_source(source, analyse=lexicon)
    assert (first.parsed, first.new, first.quarantined) == (1, 1, 0)
    source.refresh_from_db()
    second = run_source(source, analyse=lexicon)  # the other article waited for this poll
    assert (second.parsed, second.new) == (1, 1)
    source.refresh_from_db()
    third = run_source(source, analyse=lexicon)
    assert third.parsed == 0
    source.refresh_from_db()
    assert source.documents_stored == 2 and source.consecutive_failures == 0 and source.last_success_at
    assert _Site.requests.count("/news/rail") == 1 and _Site.requests.count("/news/grain") == 1
    rail = Document.objects.get(canonical_url=f"{site}/news/rail")
    assert "successful new rail link" in rail.text and rail.outlet == "Steppe Daily"
    assert list(rail.mentions.values_list("country", flat=True)) == ["KZ"]
    assert rail.source_id == source.source_id


def test_failing_server_counts_failures_keeps_the_error_and_recovers(
    db: Any, site: str, lexicon: Any
) -> None:
    _Site.routes = {"/sitemap-news.xml": (503, b"down for maintenance", "text/plain")}
    source = Source.objects.create(name="Down", kind="sitemap", url=f"{site}/sitemap-news.xml")
    run_source(source, analyse=lexicon)
    source.refresh_from_db()
    run_source(source, analyse=lexicon)
    source.refresh_from_db()
    assert source.consecutive_failures == 2 and "503" in source.last_error and source.last_error_at
    assert source.last_success_at is None
    gdelt = Source.objects.create(name="GDELT", kind="gdelt", url=f"{site}/gdeltv2/", every_minutes=15)
    run_source(gdelt, analyse=lexicon)
    gdelt.refresh_from_db()
    assert gdelt.consecutive_failures == 1 and "404" in gdelt.last_error
    _Site.routes["/sitemap-news.xml"] = (200, _sitemap(site), "application/xml")
    run_source(source, analyse=lexicon)  # both articles 404: quarantined, the poll itself succeeded
    source.refresh_from_db()
    assert source.consecutive_failures == 0 and source.last_success_at is not None
    assert QuarantinedItem.objects.filter(source_id=source.source_id).count() == 2


def _zip(src: Path, dest: Path, name: str) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(src, name)
    return dest


def _line(path: Path, url: str) -> str:
    data = path.read_bytes()
    return f"{len(data)} {hashlib.md5(data, usedforsecurity=False).hexdigest()} {url}"


@pytest.mark.skipif(
    not (GKG.is_file() and EVENTS.is_file()),
    reason="real GDELT files absent at ../shared/data/gdelt (a fresh clone has none)",
)
def test_gdelt_lastupdate_imports_each_file_once(db: Any, site: str, lexicon: Any, tmp_path: Path) -> None:
    export = _zip(EVENTS, tmp_path / "20241022130000.export.CSV.zip", EVENTS.name)
    _Site.routes = {
        "/gdeltv2/20241022130000.export.CSV.zip": (200, export.read_bytes(), "application/zip"),
        "/gdeltv2/20230702153000.gkg.csv.zip": (200, GKG.read_bytes(), "application/zip"),
    }
    lastupdate = "\n".join(
        [
            _line(export, f"{site}/gdeltv2/20241022130000.export.CSV.zip"),
            f"123 {'0' * 32} {site}/gdeltv2/20241022130000.mentions.CSV.zip",
            _line(GKG, f"{site}/gdeltv2/20230702153000.gkg.csv.zip"),
        ]
    )
    _Site.routes["/gdeltv2/lastupdate.txt"] = (200, lastupdate.encode(), "text/plain")
    source = Source.objects.create(
        name="GDELT",
        kind="gdelt",
        url=f"{site}/gdeltv2/",
        every_minutes=15,
        options={"streams": ["gkg", "export"], "countries": ["KZ", "UZ", "KG", "TJ", "TM", "AZ", "GE", "MN"]},
    )
    first = run_source(source, analyse=lexicon)
    source.refresh_from_db()
    assert source.consecutive_failures == 0, source.last_error
    assert first.new > 0 and first.events > 0 and len(first.files) == 2
    assert source.state["last_gkg"].endswith("20230702153000.gkg.csv.zip")
    assert source.state["last_export"].endswith("20241022130000.export.CSV.zip")
    stored, events = Document.objects.count(), RelationEvent.objects.count()
    assert stored == source.documents_stored == first.new and events > 0
    assert Document.objects.filter(source_id=source.source_id, gdelt_tone__isnull=False).exists()
    second = run_source(source, analyse=lexicon)  # lastupdate.txt names the same files: nothing fetched
    assert (
        second.parsed == 0 and Document.objects.count() == stored and RelationEvent.objects.count() == events
    )
    assert _Site.requests.count("/gdeltv2/20230702153000.gkg.csv.zip") == 1
    assert _Site.requests.count("/gdeltv2/20241022130000.export.CSV.zip") == 1
    assert _Site.requests.count("/gdeltv2/lastupdate.txt") == 4  # once per stream per poll


def test_gdelt_file_that_does_not_match_its_list_is_an_error(
    db: Any, site: str, lexicon: Any, tmp_path: Path
) -> None:
    body = b"20241022130000\tnot really an export\n"
    listing = f"{len(body)} {'f' * 32} {site}/g/20241022130000.export.CSV.zip".encode()
    _Site.routes = {
        "/g/20241022130000.export.CSV.zip": (200, body, "application/zip"),
        "/g/lastupdate.txt": (200, listing, "text/plain"),
    }
    source = Source.objects.create(
        name="Mirror", kind="gdelt", url=f"{site}/g", every_minutes=15, options={"streams": ["export"]}
    )
    run_source(source, analyse=lexicon)
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and "MD5" in source.last_error
    assert "last_export" not in source.state  # not remembered: tried again next time


@pytest.fixture
def lexicon_worker(settings: Any, monkeypatch: Any) -> None:
    """The worker's analyser on the lexicon tier (fast, no model to load)."""
    from elshi.monitoring import polling

    settings.ELSHI_TONE_MODEL = "lexicon"
    monkeypatch.setattr(polling, "_ANALYZERS", {})


@pytest.fixture
def inline_tasks() -> Iterator[None]:
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = before


def test_upload_quarantines_the_bad_row_and_stores_the_rest(
    db: Any,
    people: dict[str, Any],
    settings: Any,
    tmp_path: Path,
    lexicon_worker: None,
    inline_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from elshi.audit.models import AuditEvent

    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(people["analyst"])
    with FIXTURE.open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/listen/sources/", {"kind": "upload", "name": "Monitoring export", "file": f})
    source = Source.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?source={source.pk}")
    assert source.state["status"] == "done" and source.state["result"].startswith(
        "parsed=4 quarantined=1 new=4"
    )
    assert source.documents_stored == 4 and Document.objects.filter(source_id=source.source_id).count() == 4
    [bad] = QuarantinedItem.objects.filter(source_id=source.source_id)
    assert "no http(s) URL" in bad.reason
    page = client.get(f"/listen/sources/?source={source.pk}").content.decode()
    assert "Imported" in page and "parsed=4 quarantined=1" in page and f"?item={bad.pk}" in page
    raw = client.get(f"/listen/quarantine/?item={bad.pk}").content.decode()
    assert "not-a-url" in raw and "Broken row" in raw
    assert "not-a-url" in client.get(f"/listen/quarantine/?source={source.source_id}").content.decode()
    assert AuditEvent.objects.filter(action="source.create", object_id=str(source.pk)).exists()
    # Imported once: the poller does not take it again, and "poll now" refuses a finished upload.
    from elshi.monitoring.polling import due_sources

    assert source not in due_sources()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/listen/sources/?source={source.pk}", {"action": "run"})
    assert Document.objects.count() == 4 and QuarantinedItem.objects.count() == 1
    assert (tmp_path / "listen-uploads" / source.options["file"]).is_file()
    client.post(f"/listen/sources/?source={source.pk}", {"action": "delete"})
    assert not Source.objects.exists() and Document.objects.count() == 4
    assert not (tmp_path / "listen-uploads" / source.options["file"]).exists()


def test_upload_with_an_unknown_format_says_so_and_imports_nothing(
    db: Any, people: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(people["analyst"])
    upload = SimpleUploadedFile("notes.txt", b"hello")
    page = client.post("/listen/sources/", {"kind": "upload", "name": "Notes", "file": upload})
    assert page.status_code == 200 and "cannot be told from the name notes.txt" in page.content.decode()
    assert not Source.objects.exists()


def test_forms_per_kind_with_clear_errors_and_audited_changes(db: Any, people: dict[str, Any]) -> None:
    from elshi.audit.models import AuditEvent

    client = Client()
    client.force_login(people["analyst"])
    page = client.get("/listen/sources/?kind=gdelt").content.decode()
    assert "GDELT base URL" in page and "https://data.gdeltproject.org/gdeltv2/" in page
    bad = client.post(
        "/listen/sources/",
        {
            "kind": "gdelt",
            "name": "G",
            "url": "http://data.gdeltproject.org/gdeltv2/",
            "every_minutes": "5",
            "countries": "KZ, Kazakhstan",
        },
    ).content.decode()
    assert "GDELT publishes every 15 minutes" in bad and "not: KAZAKHSTAN" in bad
    assert "Choose at least one of GKG and Events." in bad and not Source.objects.exists()
    assert (
        "between 1 minute and 7 days" in client.get("/listen/sources/?kind=sitemap").content.decode().lower()
    )
    too_often = client.post(
        "/listen/sources/",
        {"kind": "sitemap", "name": "S", "url": "https://example.kz/sitemap.xml", "every_minutes": "0"},
    )
    assert too_often.status_code == 200 and not Source.objects.exists()
    ok = client.post(
        "/listen/sources/",
        {
            "kind": "gdelt",
            "name": "GDELT",
            "url": "http://data.gdeltproject.org/gdeltv2/",
            "every_minutes": "15",
            "streams": ["export"],
            "countries": "kz uz",
            "enabled": "on",
        },
    )
    assert ok.status_code == 302
    source = Source.objects.get()
    assert source.kind == "gdelt" and source.options == {"streams": ["export"], "countries": ["KZ", "UZ"]}
    here = f"/listen/sources/?source={source.pk}"
    edit = {
        "action": "edit",
        "name": "GDELT events",
        "url": source.url,
        "every_minutes": "30",
        "streams": ["gkg", "export"],
        "countries": "KZ",
        "enabled": "on",
    }
    assert client.post(here, edit).status_code == 302
    client.post(here, {"action": "pause"})
    source.refresh_from_db()
    assert (source.name, source.every_minutes, source.enabled) == ("GDELT events", 30, False)
    assert source.options["streams"] == ["gkg", "export"]
    from elshi.monitoring.polling import due_sources

    assert due_sources() == []  # paused
    events = AuditEvent.objects.filter(object_type="monitoring.source", object_id=str(source.pk))
    actions = list(events.order_by("pk").values_list("action", flat=True))
    assert actions == ["source.create", "source.update", "source.pause"]
    update = AuditEvent.objects.get(action="source.update")
    assert update.changes["every_minutes"] == [15, 30] and "kind" not in update.changes
    page = client.get(here).content.decode()
    assert "source.pause" in page and "Resume" in page
    viewer = Client()
    viewer.force_login(people["author"])  # listens, does not configure
    assert viewer.get(here).status_code == 200 and "Resume" not in viewer.get(here).content.decode()
    assert viewer.post(here, {"action": "delete"}).status_code == 403
    nobody = Client()
    nobody.force_login(people["viewer"])
    assert nobody.get(here).status_code == 403
    assert Client().get(here).status_code == 302
    assert client.get("/listen/sources/?source=999999").status_code == 404


def test_sources_page_query_count_does_not_grow_with_sources(
    db: Any, people: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(people["analyst"])
    client.get("/listen/sources/")
    for n in range(6):
        source = Source.objects.create(name=f"S{n}", url=f"https://s{n}.example/feed")
        QuarantinedItem.objects.create(source_id=source.source_id, reason="bad", raw="x")
    with django_assert_max_num_queries(10):
        page = client.get("/listen/sources/").content.decode()
    assert page.count("?source=source%3A") == 6


def test_periodic_poller_dispatches_each_kind_once_when_due(
    db: Any, site: str, lexicon_worker: None, inline_tasks: None, settings: Any, tmp_path: Path
) -> None:
    import datetime as dt
    import shutil

    from django.utils import timezone

    from elshi.monitoring.tasks import poll_due_sources

    settings.MEDIA_ROOT = tmp_path
    _Site.routes = {
        "/sitemap-news.xml": (200, _sitemap(site), "application/xml"),
        "/news/rail": (
            200,
            _article("Kazakhstan rail", "Kazakhstan opened a successful rail link."),
            "text/html",
        ),
        "/news/grain": (
            200,
            _article("Kazakhstan grain", "Kazakhstan reported a record harvest."),
            "text/html",
        ),
    }
    sitemap = Source.objects.create(name="Sitemap", kind="sitemap", url=f"{site}/sitemap-news.xml")
    (tmp_path / "listen-uploads").mkdir()
    shutil.copy(FIXTURE, tmp_path / "listen-uploads" / "x-export.csv")
    upload = Source.objects.create(
        name="Upload",
        kind="upload",
        options={"file": "x-export.csv", "format": "csv", "filename": "export.csv"},
        state={"status": "queued", "processed": 0},
    )
    recent = Source.objects.create(
        name="Not due",
        url=f"{site}/feed.xml",
        every_minutes=30,
        last_run_at=timezone.now() - dt.timedelta(minutes=5),
    )
    poll_due_sources.call_local()
    sitemap.refresh_from_db()
    upload.refresh_from_db()
    recent.refresh_from_db()
    assert sitemap.documents_stored == 2 and sitemap.last_success_at is not None
    assert upload.state["status"] == "done" and upload.documents_stored == 4
    assert recent.last_success_at is None and "/feed.xml" not in _Site.requests
    before = len(_Site.requests)
    poll_due_sources.call_local()  # nothing is due a second time: no request, no import
    assert len(_Site.requests) == before and Document.objects.count() == 6
