"""Bluesky post search (``app.bsky.feed.searchPosts``) -> RawDocument.

Search is an AppView endpoint (the public one is ``https://public.api.bsky.app``); some AppViews
ask for a session token, passed as ``access_token``. Results are paged with ``cursor``.
Engagement: replies, reposts, likes and quotes, as the AppView counts them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from elshi.documents import Quarantined, RawDocument
from elshi.sources._dates import parse_date
from elshi.sources._io import quarantine
from elshi.sources._json import as_dict, as_int, as_str, loads_object
from elshi.sources.errors import BadInput
from elshi.sources.fetch import SafeFetcher

__all__ = ["PUBLIC_APPVIEW", "BlueskySearch", "parse_search_page", "post_url"]

PUBLIC_APPVIEW = "https://public.api.bsky.app"


def post_url(uri: str, handle: str) -> str:
    """``at://did/app.bsky.feed.post/rkey`` -> the bsky.app web address of the post."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post" or not parts[2]:
        raise ValueError(f"not a post URI: {uri[:100]!r}")
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


def _post(view: Any, source_id: str) -> RawDocument:
    author = as_dict(view, "author")
    record = as_dict(view, "record")
    handle = as_str(author, "handle", "")
    created = parse_date(as_str(record, "createdAt"), assume_utc=False)
    if created is None:
        raise ValueError("record.createdAt is not a date with a time zone")
    langs = record.get("langs")
    language = langs[0].split("-")[0].lower() if isinstance(langs, list) and langs and isinstance(
        langs[0], str) else None
    return RawDocument(
        source_id=source_id,
        url=post_url(as_str(view, "uri"), handle),
        title="",
        text=as_str(record, "text", ""),
        published_at=created,
        language_hint=language,
        outlet="bsky.app",
        platform="bluesky",
        author=handle or as_str(author, "did"),
        engagement={k: as_int(view, f"{k}Count") for k in ("reply", "repost", "like", "quote")},
        extra={"at_uri": as_str(view, "uri"), "author_name": as_str(author, "displayName", "")},
    )


def parse_search_page(
    payload: bytes, *, source_id: str = "bluesky", query: str = ""
) -> tuple[list[RawDocument | Quarantined], str | None]:
    """One ``searchPosts`` answer -> (items, next cursor)."""
    try:
        data = loads_object(payload)
        posts = data.get("posts")
        if not isinstance(posts, list):
            raise ValueError("'posts' is missing or not a list")
    except ValueError as exc:
        return [quarantine(source_id, f"bad searchPosts answer: {exc}", payload, query)], None
    items: list[RawDocument | Quarantined] = []
    for n, view in enumerate(posts):
        try:
            items.append(_post(view, source_id))
        except (ValueError, AttributeError, TypeError) as exc:
            raw = json.dumps(view, ensure_ascii=False, default=str)
            items.append(quarantine(source_id, f"bad post: {exc}", raw, f"{query} #{n}"))
    cursor = data.get("cursor")
    return items, cursor if isinstance(cursor, str) and cursor else None


class BlueskySearch:
    def __init__(
        self, fetcher: SafeFetcher, *, appview: str = PUBLIC_APPVIEW, access_token: str | None = None,
        source_id: str = "bluesky",
    ) -> None:
        self.fetcher = fetcher
        self.endpoint = appview.rstrip("/") + "/xrpc/app.bsky.feed.searchPosts"
        self.headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        self.source_id = source_id

    def search(
        self, query: str, *, since: datetime | None = None, lang: str | None = None,
        max_pages: int = 5, page_size: int = 100,
    ) -> Iterator[RawDocument | Quarantined]:
        """Newest first, up to ``max_pages`` pages; ``since`` is passed to the AppView."""
        if not query.strip():
            raise BadInput("Bluesky query is empty")
        params: dict[str, str | int] = {"q": query, "limit": max(1, min(page_size, 100)), "sort": "latest"}
        if since is not None:
            params["since"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if lang:
            params["lang"] = lang
        for _ in range(max_pages):
            answer = self.fetcher.get(self.endpoint, params=params, headers=self.headers)
            items, cursor = parse_search_page(answer.content, source_id=self.source_id, query=query)
            yield from items
            if cursor is None:
                return
            params["cursor"] = cursor
