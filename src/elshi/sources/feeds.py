"""News feeds: RSS 0.9x, 1.0 and 2.0 and Atom -> RawDocument.

feedparser does the format and charset work (XML declaration, HTTP ``Content-Type``, BOMs) and
normalises dates to UTC. A feed is polled with conditional GET: the caller keeps the returned
:class:`FeedState` (JSON-safe) and passes it back next time; a ``304`` costs one request and no
parsing. robots.txt and the per-host delay are applied by the fetcher.

An entry without a link, or whose date is missing, in the future or before 1990, is not
guessed at: a missing or implausible date is replaced by the time it was fetched and flagged in
``extra["date_source"]``; an entry without a usable link is quarantined.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from elshi.documents import Quarantined, RawDocument
from elshi.sources._dates import from_struct_time, plausible
from elshi.sources._io import quarantine
from elshi.sources.errors import FetchError
from elshi.sources.fetch import SafeFetcher

__all__ = ["FeedPoll", "FeedState", "parse_feed", "poll_feed"]

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _plain(value: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", value))).strip()


@dataclass
class FeedState:
    """What to remember between polls of one feed."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_error: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"url": self.url, "etag": self.etag, "last_modified": self.last_modified,
                "last_error": self.last_error}

    @classmethod
    def from_json(cls, data: dict[str, str | None]) -> FeedState:
        url = data.get("url")
        if not url:
            raise ValueError("feed state has no url")
        return cls(url=url, etag=data.get("etag"), last_modified=data.get("last_modified"),
                   last_error=data.get("last_error"))


@dataclass
class FeedPoll:
    state: FeedState
    not_modified: bool = False
    items: list[RawDocument | Quarantined] = field(default_factory=list)


def _entry_date(entry: Any, fetched_at: datetime) -> tuple[datetime, str]:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # plain lookup: FeedParserDict would alias updated -> published
        if value:
            try:
                when = from_struct_time(value)
            except (OverflowError, ValueError, TypeError):
                continue
            if plausible(when, fetched_at):
                return when, key.removesuffix("_parsed")
            return fetched_at, f"fetched (implausible {key.removesuffix('_parsed')}: {when.isoformat()})"
    return fetched_at, "fetched (no date in feed)"


def parse_feed(
    payload: bytes,
    *,
    url: str = "",
    source_id: str = "feed",
    content_type: str | None = None,
    fetched_at: datetime | None = None,
) -> Iterator[RawDocument | Quarantined]:
    """Parse one feed document; never raises on bad input."""
    now = fetched_at or datetime.now(UTC)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(payload, response_headers=headers, sanitize_html=False)
    except Exception as exc:  # noqa: BLE001 - feedparser's failure modes are not documented
        yield quarantine(source_id, f"feed could not be parsed: {type(exc).__name__}: {exc}", payload, url)
        return
    entries = parsed.get("entries") or []
    if not entries:
        if not parsed.get("version"):  # no RSS/RDF/Atom root: an HTML page, an error, garbage
            problem = parsed.get("bozo_exception") or "no RSS, RDF or Atom root element"
            yield quarantine(source_id, f"not a feed: {problem}", payload, url)
        return
    feed = parsed.get("feed", {})
    outlet = _plain(str(feed.get("title", ""))) or urlsplit(url).hostname
    language = str(feed.get("language") or "").split("-")[0].lower() or None
    for n, entry in enumerate(entries):
        where = f"{url} entry {n}"
        link = str(entry.get("link") or entry.get("id") or "").strip()
        link = urljoin(url, link) if url and link else link
        if urlsplit(link).scheme not in ("http", "https"):
            reason = f"entry has no http(s) link ({link[:80]!r})"
            yield quarantine(source_id, reason, repr(dict(entry))[:4000], where)
            continue
        when, date_source = _entry_date(entry, now)
        summary = entry.get("summary") or ""
        contents = entry.get("content") or []
        body = " ".join(str(c.get("value", "")) for c in contents) if contents else str(summary)
        doc = RawDocument(
            source_id=source_id,
            url=link,
            title=_plain(str(entry.get("title", ""))),
            text=_plain(body),
            published_at=when,
            language_hint=language,
            outlet=outlet,
            platform="web",
            author=str(entry.get("author")) if entry.get("author") else None,
        )
        doc.extra["date_source"] = date_source
        if parsed.get("bozo"):
            doc.extra["feed_warning"] = str(parsed.get("bozo_exception"))[:200]
        yield doc


def poll_feed(
    fetcher: SafeFetcher,
    state: FeedState,
    *,
    source_id: str = "feed",
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> FeedPoll:
    """Fetch a feed with conditional GET and robots.txt; parse it when it changed.

    A failed fetch does not raise: the poll has no items and ``state.last_error`` says what went
    wrong (kept for the UI), with the old validators so the next poll is still conditional.
    """
    try:
        answer = fetcher.get(state.url, etag=state.etag, last_modified=state.last_modified,
                             respect_robots=True)
    except FetchError as exc:
        kind = "permanent" if exc.permanent else "retryable"
        failed = FeedState(url=state.url, etag=state.etag, last_modified=state.last_modified,
                           last_error=f"{clock().isoformat()} {kind}: {exc}")
        return FeedPoll(state=failed)
    new_state = FeedState(url=state.url, etag=answer.etag or state.etag,
                          last_modified=answer.last_modified or state.last_modified)
    if answer.not_modified:
        return FeedPoll(state=new_state, not_modified=True)
    items = list(parse_feed(answer.content, url=answer.url, source_id=source_id,
                            content_type=answer.content_type, fetched_at=clock()))
    return FeedPoll(state=new_state, items=items)
