"""Full article text, extracted on demand with trafilatura.

Feeds and sitemaps give a title and a link; the text comes from the page. trafilatura finds the
main text and the metadata, and decodes the bytes from the page's declared or detected charset.
Dates come from the page's own metadata only: htmldate's extensive search (which guesses from
any year on the page, footers and copyright lines included) is switched off, and a date after
the fetch time is ignored.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import trafilatura

from elshi.documents import Quarantined, RawDocument
from elshi.sources._dates import parse_date, plausible
from elshi.sources._io import quarantine
from elshi.sources.errors import FetchError
from elshi.sources.fetch import SafeFetcher

__all__ = ["Article", "extract_article", "fetch_article", "with_article_text"]

MAX_PAGE_BYTES = 5 * 1024 * 1024


@dataclasses.dataclass(frozen=True, slots=True)
class Article:
    url: str
    title: str
    text: str
    published_at: datetime | None
    author: str | None
    language: str | None
    site_name: str | None


def extract_article(page: bytes, url: str, *, fetched_at: datetime | None = None) -> Article | None:
    """The main text and metadata of an HTML page; None when no article text is found."""
    now = fetched_at or datetime.now(UTC)
    doc = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "max_date": now.strftime("%Y-%m-%d")},
    )
    if doc is None:
        return None
    data = doc if isinstance(doc, dict) else doc.as_dict()
    text = str(data.get("text") or "").strip()
    if not text:
        return None
    published = parse_date(str(data.get("date") or ""))
    if published is not None and not plausible(published, now):
        published = None
    return Article(
        url=url,
        title=str(data.get("title") or "").strip(),
        text=text,
        published_at=published,
        author=str(data["author"]) if data.get("author") else None,
        language=str(data["language"]) if data.get("language") else None,
        site_name=str(data["sitename"]) if data.get("sitename") else None,
    )


def fetch_article(fetcher: SafeFetcher, url: str) -> Article | None:
    """Fetch a page (robots.txt and politeness respected) and extract its article."""
    answer = fetcher.get(url, respect_robots=True, max_bytes=MAX_PAGE_BYTES)
    return extract_article(answer.content, answer.url)


def with_article_text(fetcher: SafeFetcher, doc: RawDocument) -> RawDocument | Quarantined:
    """A copy of ``doc`` with the page's text; a fetch failure or empty page is quarantined.

    The feed's date stays unless the feed had none and the page has one.
    """
    try:
        article = fetch_article(fetcher, doc.url)
    except FetchError as exc:
        return quarantine(doc.source_id, f"article fetch failed: {exc}", doc.url, doc.url)
    if article is None:
        return quarantine(doc.source_id, "no article text found on the page", doc.url, doc.url)
    extra = dict(doc.extra)
    published = doc.published_at
    if extra.get("date_source", "").startswith("fetched") and article.published_at is not None:
        published, extra["date_source"] = article.published_at, "page metadata"
    return dataclasses.replace(
        doc,
        title=doc.title or article.title,
        text=article.text,
        published_at=published,
        author=doc.author or article.author,
        language_hint=doc.language_hint or article.language,
        extra=extra,
    )
