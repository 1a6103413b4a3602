"""One entry point for every local input kind: ``parse_path(kind, path, ...)``.

Used by ``elshi sources parse`` and by anything that re-reads saved payloads: social kinds read
a saved API answer (Bluesky ``searchPosts`` JSON, a Mastodon timeline or search JSON) or a saved
Telegram preview page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from elshi.documents import Quarantined, RawDocument
from elshi.sources.bluesky import parse_search_page
from elshi.sources.countries import CountryFilter
from elshi.sources.domains import DomainCountryLookup
from elshi.sources.errors import BadInput
from elshi.sources.events import GdeltEvent, iter_events
from elshi.sources.feeds import parse_feed
from elshi.sources.gkg import iter_gkg
from elshi.sources.imports import ColumnMapping, iter_csv, iter_jsonl, iter_xlsx
from elshi.sources.mastodon import parse_statuses
from elshi.sources.sitemaps import parse_sitemap
from elshi.sources.telegram import parse_preview_page

__all__ = ["KINDS", "parse_path"]

KINDS = (
    "gdelt-gkg", "gdelt-events", "feed", "sitemap", "bluesky", "mastodon", "telegram", "csv", "jsonl", "xlsx",
)
MAX_SAVED_PAYLOAD = 64 * 1024 * 1024


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    if path.stat().st_size > MAX_SAVED_PAYLOAD:
        raise BadInput(f"{path}: over {MAX_SAVED_PAYLOAD} bytes; not a saved page or API answer")
    return path.read_bytes()


def parse_path(
    kind: str,
    path: str | Path,
    *,
    countries: CountryFilter | None = None,
    domains: DomainCountryLookup | None = None,
    mapping: ColumnMapping | None = None,
    source_id: str | None = None,
) -> Iterator[RawDocument | Quarantined]:
    p = Path(path)
    sid = source_id or kind
    if kind == "gdelt-gkg":
        yield from iter_gkg(p, countries=countries, domains=domains, source_id=sid)
    elif kind == "gdelt-events":
        for item in iter_events(p, countries=countries, source_id=sid):
            yield item.to_raw_document(sid) if isinstance(item, GdeltEvent) else item
    elif kind in ("csv", "jsonl", "xlsx"):
        reader = {"csv": iter_csv, "jsonl": iter_jsonl, "xlsx": iter_xlsx}[kind]
        yield from reader(p, mapping, source_id=sid)
    elif kind == "feed":
        yield from parse_feed(_read(p), source_id=sid, fetched_at=datetime.now(UTC))
    elif kind == "sitemap":
        yield from parse_sitemap(_read(p), url=p.name, source_id=sid).items
    elif kind == "bluesky":
        yield from parse_search_page(_read(p), source_id=sid, query=p.name)[0]
    elif kind == "mastodon":
        payload = _read(p)
        search = payload.lstrip()[:1] == b"{"
        yield from parse_statuses(payload, instance=p.name, source_id=sid, search=search)[0]
    elif kind == "telegram":
        yield from parse_preview_page(_read(p), channel=p.stem, source_id=sid)[0]
    else:
        raise BadInput(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
