"""Mastodon hashtag timelines and status search on chosen instances -> RawDocument.

``GET /api/v1/timelines/tag/:hashtag`` is public on most instances; ``GET /api/v2/search`` with
``type=statuses`` needs an access token on most. Pages are walked with ``max_id`` (the oldest id
seen). Boosts are unwrapped to the original status. Engagement: replies, boosts, favourites.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from elshi.documents import Quarantined, RawDocument
from elshi.sources._dates import parse_date
from elshi.sources._io import quarantine
from elshi.sources._json import as_dict, as_int, as_list, as_str, loads_object
from elshi.sources.errors import BadInput
from elshi.sources.fetch import SafeFetcher

__all__ = ["MastodonSource", "parse_statuses", "status_to_document"]

_TAGS = re.compile(r"<br\s*/?>|</p>|<[^>]+>")


def _text(content: str) -> str:
    with_breaks = _TAGS.sub(lambda m: "\n" if m.group(0).lower().startswith(("<br", "</p")) else "", content)
    return html.unescape(with_breaks).strip()


def status_to_document(status: Any, *, instance: str, source_id: str = "mastodon") -> RawDocument:
    if isinstance(status, dict) and isinstance(status.get("reblog"), dict):
        status = status["reblog"]
    account = as_dict(status, "account")
    created = parse_date(as_str(status, "created_at"), assume_utc=False)
    if created is None:
        raise ValueError("created_at is not a date with a time zone")
    url = as_str(status, "url", "") or as_str(status, "uri")
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"status URL {url[:80]!r} is not http(s)")
    spoiler = as_str(status, "spoiler_text", "")
    language = status.get("language")
    return RawDocument(
        source_id=source_id,
        url=url,
        title=spoiler,
        text=_text(as_str(status, "content", "")),
        published_at=created,
        language_hint=language.lower() if isinstance(language, str) and language else None,
        outlet=urlsplit(url).hostname or instance,
        platform="mastodon",
        author=as_str(account, "acct"),
        engagement={"reply": as_int(status, "replies_count"), "boost": as_int(status, "reblogs_count"),
                    "favourite": as_int(status, "favourites_count")},
        extra={"status_id": as_str(status, "id"), "instance": instance,
               "author_name": as_str(account, "display_name", "")},
    )


def parse_statuses(
    payload: bytes, *, instance: str, source_id: str = "mastodon", search: bool = False
) -> tuple[list[RawDocument | Quarantined], str | None]:
    """A timeline (JSON list) or v2 search answer -> (items, oldest status id for ``max_id``)."""
    try:
        if search:
            statuses = as_list(loads_object(payload), "statuses")
        else:
            data = json.loads(payload.decode("utf-8"))
            if not isinstance(data, list):
                raise ValueError("a timeline must be a JSON list")
            statuses = data
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return [quarantine(source_id, f"bad Mastodon answer: {exc}", payload, instance)], None
    items: list[RawDocument | Quarantined] = []
    oldest: str | None = None
    for n, status in enumerate(statuses):
        if isinstance(status, dict) and isinstance(status.get("id"), str):
            oldest = status["id"]
        try:
            items.append(status_to_document(status, instance=instance, source_id=source_id))
        except (ValueError, AttributeError, TypeError) as exc:
            raw = json.dumps(status, ensure_ascii=False, default=str)
            items.append(quarantine(source_id, f"bad status: {exc}", raw, f"{instance} #{n}"))
    return items, oldest


class MastodonSource:
    def __init__(
        self,
        fetcher: SafeFetcher,
        instance: str,
        *,
        access_token: str | None = None,
        source_id: str = "mastodon",
    ) -> None:
        if urlsplit(instance).scheme not in ("http", "https"):
            instance = "https://" + instance
        self.fetcher = fetcher
        self.base = instance.rstrip("/")
        self.instance = urlsplit(self.base).hostname or instance
        self.headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        self.source_id = source_id

    def _pages(self, url: str, params: dict[str, str | int], *, search: bool,
               max_pages: int) -> Iterator[RawDocument | Quarantined]:
        for _ in range(max_pages):
            answer = self.fetcher.get(url, params=params, headers=self.headers)
            items, oldest = parse_statuses(answer.content, instance=self.instance, source_id=self.source_id,
                                           search=search)
            yield from items
            if oldest is None or not items:
                return
            params["max_id"] = oldest

    def hashtag(self, tag: str, *, max_pages: int = 5) -> Iterator[RawDocument | Quarantined]:
        name = tag.strip().lstrip("#")
        if not name:
            raise BadInput("hashtag is empty")
        url = f"{self.base}/api/v1/timelines/tag/{quote(name, safe='')}"
        yield from self._pages(url, {"limit": 40}, search=False, max_pages=max_pages)

    def search(self, query: str, *, max_pages: int = 5) -> Iterator[RawDocument | Quarantined]:
        if not query.strip():
            raise BadInput("Mastodon query is empty")
        params: dict[str, str | int] = {"q": query, "type": "statuses", "limit": 40}
        yield from self._pages(f"{self.base}/api/v2/search", params, search=True, max_pages=max_pages)
