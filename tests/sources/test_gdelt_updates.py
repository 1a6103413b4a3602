from __future__ import annotations

import hashlib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from elshi.documents import Quarantined, RawDocument
from elshi.sources.countries import CountryFilter
from elshi.sources.events import GdeltEvent
from elshi.sources.gdelt_updates import GdeltFile, GdeltUpdates, parse_file_list

from .conftest import LocalServer


def _line(base: str, name: str, body: bytes, md5: str | None = None) -> str:
    digest = md5 or hashlib.md5(body, usedforsecurity=False).hexdigest()
    return f"{len(body)} {digest} {base}/gdeltv2/{name}\n"


def test_parse_file_list_quarantines_junk() -> None:
    lines = [
        b"150383 297a16b493de7cf6ca809a7cc31d0b93 http://data.gdeltproject.org/gdeltv2/20150218230000.export.CSV.zip",
        b"10768507 ea8dde0beb0ba98810a92db068c0ce99 "
        b"http://data.gdeltproject.org/gdeltv2/20150224003000.translation.gkg.csv.zip",
        b"garbage line",
    ]
    items = list(parse_file_list(iter(lines)))
    assert isinstance(items[0], GdeltFile) and items[0].kind == "export" and not items[0].translingual
    assert items[0].slot == datetime(2015, 2, 18, 23, 0, tzinfo=UTC)
    assert isinstance(items[1], GdeltFile) and items[1].kind == "gkg" and items[1].translingual
    assert isinstance(items[2], Quarantined)


@pytest.fixture
def gdelt_server(local_server: LocalServer, gdelt_dir: Path, tmp_path: Path) -> LocalServer:
    gkg = (gdelt_dir / "gkg" / "20230702153000.gkg.csv.zip").read_bytes()
    events_zip = tmp_path / "20241216094500.export.CSV.zip"
    with zipfile.ZipFile(events_zip, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(gdelt_dir / "events" / "20241216094500.export.CSV", "20241216094500.export.CSV")
    events = events_zip.read_bytes()
    b = local_server.base
    master = (
        _line(b, "20230702150000.gkg.csv.zip", b"old", md5="0" * 32)
        + _line(b, "20230702151500.gkg.csv.zip", gkg, md5="f" * 32)  # corrupt on purpose
        + _line(b, "20230702153000.gkg.csv.zip", gkg)
        + _line(b, "20241216094500.export.CSV.zip", events)
    )
    last = _line(b, "20241216094500.export.CSV.zip", events) + _line(b, "20241216094500.gkg.csv.zip", gkg)
    local_server.routes.update(
        {
            "/gdeltv2/masterfilelist.txt": (200, {}, master.encode()),
            "/gdeltv2/lastupdate.txt": (200, {}, last.encode()),
            "/gdeltv2/20230702151500.gkg.csv.zip": (200, {}, gkg),
            "/gdeltv2/20230702153000.gkg.csv.zip": (200, {}, gkg),
            "/gdeltv2/20241216094500.gkg.csv.zip": (200, {}, gkg),
            "/gdeltv2/20241216094500.export.CSV.zip": (200, {}, events),
        }
    )
    return local_server


def test_catch_up_gkg_from_a_time(gdelt_server: LocalServer) -> None:
    updates = GdeltUpdates(gdelt_server.fetcher(), base=gdelt_server.base + "/gdeltv2/")
    files = updates.since(datetime(2023, 7, 2, 15, 0, tzinfo=UTC), "gkg")
    assert [f.url.rsplit("/", 1)[1][:14] for f in files] == ["20230702151500", "20230702153000"]
    items = list(
        updates.catch_up(datetime(2023, 7, 2, 15, 0, tzinfo=UTC), "gkg", countries=CountryFilter.of(["KZ"]))
    )
    quarantined = [i for i in items if isinstance(i, Quarantined)]
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert any("MD5" in q.reason for q in quarantined)  # the corrupt listing is reported, not fatal
    assert len(docs) == 1 and docs[0].extra["gdelt_record_id"] == "20230702153000-169"


def test_latest_events_file(gdelt_server: LocalServer) -> None:
    updates = GdeltUpdates(gdelt_server.fetcher(), base=gdelt_server.base + "/gdeltv2")
    latest = updates.latest("export")
    assert latest.slot == datetime(2024, 12, 16, 9, 45, tzinfo=UTC)
    items = list(
        updates.catch_up(
            datetime(2024, 12, 16, 9, 30, tzinfo=UTC),
            "export",
            countries=CountryFilter.of(["KZ"], ["kazakh"]),
        )
    )
    assert len(items) == 24 and all(isinstance(i, GdeltEvent) for i in items)
    assert updates.since(latest.slot, "export") == []


def test_parse_one_file_by_url(gdelt_server: LocalServer) -> None:
    updates = GdeltUpdates(gdelt_server.fetcher(), base=gdelt_server.base + "/gdeltv2/")
    url = gdelt_server.base + "/gdeltv2/20230702153000.gkg.csv.zip"
    docs = list(updates.parse_url(url, countries=CountryFilter.of(["KZ"])))
    assert len(docs) == 1 and isinstance(docs[0], RawDocument)
    with pytest.raises(ValueError, match="not a GDELT"):
        list(updates.parse_url(gdelt_server.base + "/other.zip"))
