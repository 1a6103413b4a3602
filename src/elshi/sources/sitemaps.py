"""News sitemaps (and plain sitemaps and sitemap indexes) -> RawDocument.

Google's news sitemap extension gives title, language, publication name and date for each URL;
a plain sitemap gives ``lastmod`` at most. XML is parsed with defusedxml (no entity expansion,
no external entities); gzipped sitemaps are inflated with the same byte limit as the fetcher.
The text of each article is fetched later, on demand (:mod:`elshi.sources.articles`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError  # noqa: S405 - types only; parsing is defusedxml

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from elshi.documents import Quarantined, RawDocument
from elshi.sources._dates import parse_date, plausible
from elshi.sources._io import quarantine
from elshi.sources.errors import FetchError
from elshi.sources.fetch import SafeFetcher

__all__ = ["SitemapParse", "crawl_sitemaps", "parse_sitemap"]

_SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit


@dataclass
class SitemapParse:
    items: list[RawDocument | Quarantined] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def _text(el: Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _inflate(payload: bytes) -> bytes:
    if not payload.startswith(b"\x1f\x8b"):
        return payload
    z = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = z.decompress(payload, MAX_SITEMAP_BYTES + 1)
    if len(out) > MAX_SITEMAP_BYTES or z.unconsumed_tail:
        raise ValueError(f"gzipped sitemap inflates past {MAX_SITEMAP_BYTES} bytes")
    return out


def _url_entry(el: Element, sitemap_url: str, source_id: str, now: datetime) -> RawDocument | Quarantined:
    loc = _text(el.find(f"{_SM}loc"))
    if urlsplit(loc).scheme not in ("http", "https"):
        return quarantine(source_id, f"<loc> {loc[:80]!r} is not an http(s) URL", loc, sitemap_url)
    news = el.find(f"{_NEWS}news")
    publication = news.find(f"{_NEWS}publication") if news is not None else None
    raw_date = _text(news.find(f"{_NEWS}publication_date")) if news is not None else ""
    date_source = "publication_date"
    if not raw_date:
        raw_date, date_source = _text(el.find(f"{_SM}lastmod")), "lastmod"
    when = parse_date(raw_date) if raw_date else None
    if when is None or not plausible(when, now):
        date_source = f"fetched ({date_source} {raw_date[:40]!r} unusable)" if raw_date else "fetched"
        when = now
    language = _text(publication.find(f"{_NEWS}language")) if publication is not None else ""
    outlet = _text(publication.find(f"{_NEWS}name")) if publication is not None else ""
    doc = RawDocument(
        source_id=source_id,
        url=loc,
        title=_text(news.find(f"{_NEWS}title")) if news is not None else "",
        text="",
        published_at=when,
        language_hint=language.split("-")[0].lower() or None,
        outlet=outlet or urlsplit(loc).hostname,
        platform="web",
    )
    doc.extra["date_source"] = date_source
    doc.extra["sitemap"] = sitemap_url
    return doc


def parse_sitemap(
    payload: bytes, *, url: str = "", source_id: str = "sitemap", fetched_at: datetime | None = None
) -> SitemapParse:
    """Parse a urlset or a sitemap index; never raises on bad input."""
    now = fetched_at or datetime.now(UTC)
    result = SitemapParse()
    try:
        root = fromstring(_inflate(payload))
    except (ParseError, DefusedXmlException, ValueError, zlib.error) as exc:
        reason = f"not a sitemap: {type(exc).__name__}: {exc}"
        result.items.append(quarantine(source_id, reason, payload, url))
        return result
    if root.tag == f"{_SM}sitemapindex":
        result.sitemaps = [loc for s in root.iter(f"{_SM}sitemap") if (loc := _text(s.find(f"{_SM}loc")))]
    elif root.tag == f"{_SM}urlset":
        result.items = [_url_entry(el, url, source_id, now) for el in root.iter(f"{_SM}url")]
    else:
        reason = f"root element {root.tag[:80]!r} is not a sitemap"
        result.items.append(quarantine(source_id, reason, payload, url))
    return result


def crawl_sitemaps(
    fetcher: SafeFetcher,
    url: str,
    *,
    source_id: str = "sitemap",
    since: datetime | None = None,
    max_sitemaps: int = 50,
) -> Iterator[RawDocument | Quarantined]:
    """Follow an index to its sitemaps (robots.txt respected), yielding entries newer than ``since``."""
    queue: list[str] = [url]
    seen: set[str] = set()
    while queue and len(seen) < max_sitemaps:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        try:
            answer = fetcher.get(current, respect_robots=True, max_bytes=MAX_SITEMAP_BYTES)
        except FetchError as exc:
            yield quarantine(source_id, f"sitemap fetch failed: {exc}", current, current)
            continue
        parsed = parse_sitemap(answer.content, url=answer.url, source_id=source_id)
        queue.extend(s for s in parsed.sitemaps if s not in seen)
        for item in parsed.items:
            if since is None or isinstance(item, Quarantined) or item.published_at > since:
                yield item
