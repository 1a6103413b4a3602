"""What one poll of each source kind does: fetch what is new, hand it to the ingest path, return new state.

Each function takes the source, a guarded fetcher, the analyser and the import summary, and returns the
state to keep for the next poll. A failure of the source as a whole raises ``SourceFailure`` (or lets a
fetch error through); one bad item is quarantined by the ingest path and the rest goes on.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from elshi.common.profile import current_profile
from elshi.documents import Quarantined, RawDocument
from elshi.monitoring.ingest import ImportSummary, import_items
from elshi.monitoring.models import Source, SourceKind
from elshi.sources import feeds
from elshi.sources.articles import with_article_text
from elshi.sources.countries import CountryFilter
from elshi.sources.feeds import FeedState
from elshi.sources.gdelt_updates import DEFAULT_BASE, GdeltUpdates
from elshi.sources.parse import parse_path
from elshi.sources.sitemaps import crawl_sitemaps

SEEN_LIMIT = 5000  # sitemap URLs remembered per source (a news sitemap holds the last two days)
DEFAULT_MAX_ARTICLES = 20
GDELT_STREAMS = {"gkg": "gdelt-gkg", "export": "gdelt-events"}
UPLOAD_FORMATS = ("csv", "jsonl", "xlsx", "bluesky", "mastodon", "telegram", "gdelt-gkg", "gdelt-events")


class SourceFailure(Exception):
    """The source as a whole could not be read this time; kept as its last error."""


Poller = Callable[[Source, Any, Any, ImportSummary], dict[str, Any]]


def poll_feed(source: Source, fetch: Any, analyse: Any, summary: ImportSummary) -> dict[str, Any]:
    state = FeedState.from_json({**source.state, "url": source.url, "last_error": None})
    poll = feeds.poll_feed(fetch, state, source_id=source.source_id)
    if poll.state.last_error:
        raise SourceFailure(poll.state.last_error)
    import_items(poll.items, analyse, summary)
    return {k: v for k, v in poll.state.to_json().items() if k != "last_error"}


def poll_sitemap(source: Source, fetch: Any, analyse: Any, summary: ImportSummary) -> dict[str, Any]:
    """New article URLs of the sitemap, each fetched and extracted, at most ``max_articles`` a poll."""
    seen: list[str] = list(source.state.get("seen", []))
    known = set(seen)
    bound = int(source.options.get("max_articles") or DEFAULT_MAX_ARTICLES)
    entries = list(crawl_sitemaps(fetch, source.url, source_id=source.source_id))
    for item in entries:
        if isinstance(item, Quarantined) and item.location == source.url and "fetch failed" in item.reason:
            raise SourceFailure(item.reason)

    def items() -> Iterator[RawDocument | Quarantined]:
        taken = 0
        for item in entries:
            if isinstance(item, Quarantined):
                yield item
                continue
            if item.url in known or taken >= bound:
                continue  # the rest waits for the next poll
            taken += 1
            known.add(item.url)
            seen.append(item.url)
            yield with_article_text(fetch, item)

    import_items(items(), analyse, summary)
    return {"seen": seen[-SEEN_LIMIT:]}


def _countries(source: Source) -> Any:
    codes = source.options.get("countries") or []
    if not codes:
        profile = current_profile()
        codes = [profile.target, *profile.peers]
    return CountryFilter.of(codes)


def poll_gdelt(source: Source, fetch: Any, analyse: Any, summary: ImportSummary) -> dict[str, Any]:
    """The files ``lastupdate.txt`` names now, each imported once (the last one per stream is kept)."""
    updates = GdeltUpdates(fetch, source.url or DEFAULT_BASE)
    state = dict(source.state)
    for stream in source.options.get("streams") or ["gkg"]:
        latest = updates.latest(stream)
        if state.get(f"last_{stream}") == latest.url:
            continue  # already imported: GDELT has not published a newer file yet
        with tempfile.TemporaryDirectory(prefix="elshi-gdelt-") as tmp:
            path = updates.download(latest, tmp)
            items = parse_path(
                GDELT_STREAMS[stream], path, countries=_countries(source), source_id=source.source_id
            )
            import_items(items, analyse, summary)
        summary.files.append(latest.url)
        state[f"last_{stream}"] = latest.url
        state[f"last_{stream}_slot"] = latest.slot.isoformat()
    return state


def detect_format(name: str) -> str | None:
    """The import kind a file name says: GDELT's own names first, then the extension."""
    lower = name.lower()
    if ".gkg.csv" in lower:
        return "gdelt-gkg"
    if ".export.csv" in lower:
        return "gdelt-events"
    for ext in ("csv", "jsonl", "xlsx"):
        if lower.endswith("." + ext):
            return ext
    if lower.endswith(".ndjson"):
        return "jsonl"
    return None


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "listen-uploads"


def import_upload(source: Source, fetch: Any, analyse: Any, summary: ImportSummary) -> dict[str, Any]:
    """The uploaded file through the import path, once; progress is written to the source as it goes."""
    if source.state.get("status") == "done":
        return dict(source.state)
    path = upload_dir() / str(source.options.get("file", ""))
    if not source.options.get("file") or not path.is_file():
        raise SourceFailure(f"the uploaded file {source.options.get('filename', '')!r} is no longer stored")
    fmt = str(source.options.get("format"))
    countries = _countries(source) if fmt.startswith("gdelt-") else None

    def progress(n: int) -> None:
        done = summary.parsed + summary.quarantined
        Source.objects.filter(pk=source.pk).update(state={"status": "running", "processed": done})

    Source.objects.filter(pk=source.pk).update(state={"status": "running", "processed": 0})
    items = parse_path(fmt, path, countries=countries, source_id=source.source_id)
    import_items(items, analyse, summary, progress)
    return {"status": "done", "processed": summary.parsed + summary.quarantined, "result": summary.line()}


POLLERS: dict[str, Poller] = {
    SourceKind.FEED: poll_feed,
    SourceKind.SITEMAP: poll_sitemap,
    SourceKind.GDELT: poll_gdelt,
    SourceKind.UPLOAD: import_upload,
}
