"""Following GDELT 2.x as it updates: ``lastupdate.txt`` and ``masterfilelist.txt``.

Each list line is ``<size> <md5> <url>``; the URL's file name starts with the 15-minute slot
(``20230702153000.gkg.csv.zip``). The translingual stream has its own lists
(``lastupdate-translation.txt``) and files (``...translation.gkg.csv.zip``). Catching up from a
given time reads the master list as a stream (it is over 100 MB), downloads each wanted file
through the safe fetcher, checks its size and MD5, and parses it.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from elshi.documents import Quarantined, RawDocument
from elshi.sources._io import iter_lines, quarantine
from elshi.sources.countries import CountryFilter
from elshi.sources.domains import DomainCountryLookup
from elshi.sources.errors import BadInput, FetchError
from elshi.sources.events import GdeltEvent, iter_events
from elshi.sources.fetch import SafeFetcher
from elshi.sources.gkg import iter_gkg, parse_gdelt_timestamp

__all__ = [
    "DEFAULT_BASE",
    "GDELT_HOSTS",
    "GdeltFile",
    "GdeltUpdates",
    "Kind",
    "parse_file_list",
    "secure_url",
]

DEFAULT_BASE = "https://data.gdeltproject.org/gdeltv2/"
#: GDELT's lists still name every file as ``http://``; its hosts answer the same paths over https.
GDELT_HOSTS = frozenset({"data.gdeltproject.org", "api.gdeltproject.org"})
Kind = Literal["gkg", "export", "mentions"]
_NAME = re.compile(r"/(\d{14})\.(translation\.)?(gkg|export|mentions)\.csv(\.zip)?$", re.IGNORECASE)
_MASTER_LIMIT = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class GdeltFile:
    size: int
    md5: str
    url: str
    slot: datetime
    kind: str
    translingual: bool


def parse_file_list(
    lines: Iterator[bytes], source_id: str = "gdelt-list"
) -> Iterator[GdeltFile | Quarantined]:
    for n, line in enumerate(lines, 1):
        text = line.decode("utf-8", errors="replace").strip()
        if not text:
            continue
        parts = text.split()
        match = _NAME.search(parts[-1]) if len(parts) == 3 else None
        if match is None or not parts[0].isdigit() or len(parts[1]) != 32:
            yield quarantine(source_id, "not a '<size> <md5> <url>' GDELT file line", line, f"line {n}")
            continue
        try:
            slot = parse_gdelt_timestamp(match.group(1))
        except ValueError as exc:
            yield quarantine(source_id, str(exc), line, f"line {n}")
            continue
        yield GdeltFile(size=int(parts[0]), md5=parts[1].lower(), url=parts[2], slot=slot,
                        kind=match.group(3).lower(), translingual=match.group(2) is not None)


def secure_url(url: str, base: str) -> str:
    """``url`` over https when it is GDELT's own host, or the host of an https ``base``: the lists
    say ``http://`` for every file, and a listed file must not travel in clear (and be open to
    tampering on the way, the MD5 beside it coming over the same channel) when the list did not."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return url
    host = (parts.hostname or "").lower()
    base_parts = urlsplit(base)
    if host in GDELT_HOSTS or (base_parts.scheme == "https" and host == (base_parts.hostname or "").lower()):
        return urlunsplit(parts._replace(scheme="https"))
    return url


class GdeltUpdates:
    """Lists and fetches GDELT 2.x update files."""

    def __init__(self, fetcher: SafeFetcher, base: str = DEFAULT_BASE) -> None:
        self.fetcher = fetcher
        base = base if base.endswith("/") else base + "/"
        self.base = secure_url(base, base)  # a source saved with the old http default moves too

    def _fetch_url(self, url: str) -> str:
        return secure_url(url, self.base)

    def _list_name(self, stem: str, translingual: bool) -> str:
        return self.base + stem + ("-translation" if translingual else "") + ".txt"

    def latest(self, kind: Kind, *, translingual: bool = False) -> GdeltFile:
        answer = self.fetcher.get(self._list_name("lastupdate", translingual), max_bytes=64 * 1024)
        for item in parse_file_list(iter(answer.content.splitlines())):
            if isinstance(item, GdeltFile) and item.kind == kind:
                return item
        raise FetchError(f"lastupdate lists no {kind} file", url=answer.url, permanent=False)

    def since(
        self, since: datetime, kind: Kind, *, translingual: bool = False, until: datetime | None = None
    ) -> list[GdeltFile]:
        """Files of ``kind`` with slot after ``since`` (and up to ``until``), oldest first."""
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        newest = self.latest(kind, translingual=translingual)
        if newest.slot <= since:
            return []
        if (newest.slot - since).total_seconds() <= 15 * 60:
            return [newest] if until is None or newest.slot <= until else []
        found: list[GdeltFile] = []
        with tempfile.TemporaryDirectory(prefix="elshi-gdelt-") as tmp:
            master = Path(tmp) / "masterfilelist.txt"
            master_url = self._list_name("masterfilelist", translingual)
            self.fetcher.download(master_url, master, max_bytes=_MASTER_LIMIT)
            with master.open("rb") as f:
                for item in parse_file_list(line for _, line, _ in iter_lines(f, 4096)):
                    if (isinstance(item, GdeltFile) and item.kind == kind and item.slot > since
                            and (until is None or item.slot <= until)):
                        found.append(item)
        return sorted(found, key=lambda f: f.slot)

    def download(self, item: GdeltFile, dest_dir: str | Path) -> Path:
        """Download one file and check its size and MD5 against the list."""
        dest = Path(dest_dir) / item.url.rsplit("/", 1)[-1]
        self.fetcher.download(self._fetch_url(item.url), dest, max_bytes=max(item.size, 1) * 2)
        digest = hashlib.md5(usedforsecurity=False)
        with dest.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if dest.stat().st_size != item.size or digest.hexdigest() != item.md5:
            dest.unlink()
            raise FetchError(f"size or MD5 does not match the GDELT list for {item.url}", url=item.url)
        return dest

    def parse_url(
        self,
        url: str,
        *,
        countries: CountryFilter | None = None,
        domains: DomainCountryLookup | None = None,
    ) -> Iterator[RawDocument | GdeltEvent | Quarantined]:
        """Download one GKG or Events file by URL (no list entry, so no MD5 check) and parse it."""
        match = _NAME.search(url)
        if match is None or match.group(3).lower() == "mentions":
            raise ValueError(f"{url!r} is not a GDELT GKG or Events file URL")
        with tempfile.TemporaryDirectory(prefix="elshi-gdelt-") as tmp:
            path = Path(tmp) / url.rsplit("/", 1)[-1]
            self.fetcher.download(self._fetch_url(url), path)
            if match.group(3).lower() == "gkg":
                yield from iter_gkg(path, countries=countries, domains=domains)
            else:
                yield from iter_events(path, countries=countries)

    def catch_up(
        self,
        since: datetime,
        kind: Kind,
        *,
        countries: CountryFilter | None = None,
        domains: DomainCountryLookup | None = None,
        translingual: bool = False,
    ) -> Iterator[RawDocument | GdeltEvent | Quarantined]:
        """Download and parse, one file at a time, every file published after ``since``."""
        if kind == "mentions":
            raise ValueError("the Mentions stream is listed but not parsed by elshi")
        for item in self.since(since, kind, translingual=translingual):
            with tempfile.TemporaryDirectory(prefix="elshi-gdelt-") as tmp:
                try:
                    path = self.download(item, tmp)
                except FetchError as exc:
                    yield quarantine(f"gdelt-{kind}", f"download failed: {exc}", item.url, item.url)
                    continue
                try:
                    if kind == "gkg":
                        yield from iter_gkg(path, countries=countries, domains=domains)
                    else:
                        yield from iter_events(path, countries=countries)
                except BadInput as exc:  # one unusable file (a zip bomb) must not stop the catch-up
                    yield quarantine(f"gdelt-{kind}", str(exc), item.url, item.url)
