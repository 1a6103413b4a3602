"""GDELT over https by default, and zip bombs refused before they are read."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from elshi.documents import Quarantined
from elshi.sources._io import check_member, open_binary
from elshi.sources.errors import ArchiveRefused
from elshi.sources.gdelt_updates import DEFAULT_BASE, GdeltUpdates
from elshi.sources.gkg import iter_gkg

from .conftest import mock_fetcher

BOMB = b"\t" * (16 * 1024 * 1024)  # 16 MiB of one byte: deflates about 1000:1


def _zip(path: Path, name: str, body: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, body)
    return path


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "20230702153000.gkg.csv.zip", "20230702153000.gkg.csv", BOMB)
    with pytest.raises(ArchiveRefused, match=r"refused: .*\d+:1 .*over the 100:1 cap"):
        with open_binary(bomb, member_suffix=".csv"):
            pass
    with pytest.raises(ArchiveRefused):
        list(iter_gkg(bomb))


def test_the_size_cap_counts_the_declared_size_and_ordinary_text_passes(tmp_path: Path) -> None:
    rows = b"".join(b"%d\tsome\tgdelt-like\trow\twith text %d\n" % (i, i * 7919) for i in range(60000))
    plain = _zip(tmp_path / "rows.csv.zip", "rows.csv", rows)
    with zipfile.ZipFile(plain) as z:
        info = z.infolist()[0]
    check_member(info, plain.stat().st_size)  # a few MB of rows at well under 100:1
    with pytest.raises(ArchiveRefused, match="over the 1000000-byte limit"):
        check_member(info, plain.stat().st_size, max_bytes=1_000_000)
    with open_binary(plain, member_suffix=".csv") as stream:
        assert stream.read() == rows


def test_a_lie_about_the_compressed_size_does_not_lower_the_ratio(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "b.zip", "b.csv", BOMB)
    with zipfile.ZipFile(bomb) as z:
        info = z.infolist()[0]
    info.compress_size = len(BOMB)  # as a crafted central directory could claim
    with pytest.raises(ArchiveRefused):
        check_member(info, bomb.stat().st_size)


def test_catch_up_quarantines_a_bomb_and_goes_on(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "x.zip", "20230702151500.gkg.csv", BOMB).read_bytes()
    digest = hashlib.md5(bomb, usedforsecurity=False).hexdigest()
    listed = f"{len(bomb)} {digest} http://data.gdeltproject.org/gdeltv2/20230702151500.gkg.csv.zip\n"
    asked: list[str] = []

    def gdelt(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path.endswith("lastupdate.txt"):
            return httpx.Response(200, content=listed.encode())
        return httpx.Response(200, content=bomb)

    updates = GdeltUpdates(mock_fetcher(gdelt, max_bytes=64 * 2**20))
    items = list(updates.catch_up(datetime(2023, 7, 2, 15, 0, tzinfo=UTC), "gkg"))
    assert len(items) == 1 and isinstance(items[0], Quarantined) and "zip bomb" in items[0].reason
    assert all(url.startswith("https://data.gdeltproject.org/") for url in asked), asked


def test_gdelt_is_https_by_default_and_an_old_http_base_moves_to_https() -> None:
    assert DEFAULT_BASE.startswith("https://")
    fetcher = mock_fetcher(lambda r: httpx.Response(404))
    old = GdeltUpdates(fetcher, "http://data.gdeltproject.org/gdeltv2")  # a source saved before
    assert old.base == "https://data.gdeltproject.org/gdeltv2/"
    local = GdeltUpdates(fetcher, "http://127.0.0.1:8000/gdeltv2/")
    assert local.base == "http://127.0.0.1:8000/gdeltv2/"  # a local mirror keeps what it was given
