"""GDELT DOC 2.0 API: article lists and tone timelines for a query (last 3 months, 65 languages).

The lightweight live source a new user gets without any key. GDELT asks for at most one
request every 5 seconds; :class:`GdeltDoc` sets that delay on the fetcher's throttle.
Errors in the query come back as plain text with status 200; they become a :class:`BadInput`
naming the query, since retrying cannot help.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from elshi.documents import Quarantined, RawDocument
from elshi.sources._country_table import NAME_TO_ISO2
from elshi.sources._io import quarantine
from elshi.sources._langs import language_from_name
from elshi.sources.errors import BadInput
from elshi.sources.fetch import SafeFetcher

__all__ = ["DOC_API", "GdeltDoc", "TimelinePoint", "parse_artlist", "parse_doc_date", "parse_timeline"]

DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
_POLITE_DELAY_S = 5.0


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    series: str
    at: datetime
    value: float


def parse_doc_date(value: str) -> datetime:
    """``20241022T131500Z`` -> aware UTC datetime."""
    return datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _json(payload: bytes) -> Any:
    return json.loads(payload.decode("utf-8"))


def parse_artlist(payload: bytes, *, source_id: str = "gdelt-doc", query: str = "") -> Iterator[
        RawDocument | Quarantined]:
    """An ``ArtList`` JSON answer -> documents; a non-JSON answer or bad article is quarantined."""
    try:
        data = _json(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        yield quarantine(source_id, f"DOC API answer is not JSON ({exc})", payload, query)
        return
    articles = data.get("articles", []) if isinstance(data, dict) else None
    if not isinstance(articles, list):
        yield quarantine(source_id, "DOC API answer has no 'articles' list", payload, query)
        return
    for n, item in enumerate(articles):
        where = f"{query} #{n}"
        try:
            if not isinstance(item, dict):
                raise ValueError("article is not an object")
            url = str(item["url"]).strip()
            if urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"url {url[:80]!r} is not http(s)")
            country = NAME_TO_ISO2.get(str(item.get("sourcecountry") or "").strip().casefold())
            doc = RawDocument(
                source_id=source_id,
                url=url,
                title=str(item.get("title") or "").strip(),
                text="",
                published_at=parse_doc_date(str(item["seendate"])),
                language_hint=language_from_name(str(item.get("language") or "")),
                outlet=str(item.get("domain") or "") or urlsplit(url).hostname,
                outlet_country=country,
                platform="gdelt-doc",
            )
        except (KeyError, ValueError, TypeError) as exc:
            yield quarantine(source_id, f"bad DOC API article: {exc}", json.dumps(item, default=str), where)
            continue
        if item.get("socialimage"):
            doc.extra["sharing_image"] = str(item["socialimage"])
        yield doc


def parse_timeline(payload: bytes) -> list[TimelinePoint]:
    """A ``Timeline*`` JSON answer -> points; raises ValueError when it is not one."""
    try:
        data = _json(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"DOC API answer is not JSON: {payload[:200]!r}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("timeline"), list):
        raise ValueError("DOC API answer has no 'timeline' list")
    points: list[TimelinePoint] = []
    try:
        for series in data["timeline"]:
            name = str(series.get("series", ""))
            for point in series.get("data", []):
                points.append(TimelinePoint(series=name, at=parse_doc_date(str(point["date"])),
                                            value=float(point["value"])))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"DOC API timeline is malformed: {exc!r}") from exc
    return points


class GdeltDoc:
    """Client for the DOC 2.0 API through the safe fetcher."""

    def __init__(self, fetcher: SafeFetcher, *, base: str = DOC_API, source_id: str = "gdelt-doc") -> None:
        self.fetcher = fetcher
        self.base = base
        self.source_id = source_id
        host = urlsplit(base).hostname
        if fetcher.throttle is not None and host:
            fetcher.throttle.delays.setdefault(host, _POLITE_DELAY_S)

    def _params(self, query: str, mode: str, timespan: str | None, start: datetime | None,
                end: datetime | None) -> dict[str, str | int]:
        if not query.strip():
            raise BadInput("DOC API query is empty")
        params: dict[str, str | int] = {"query": query, "mode": mode, "format": "json"}
        if start is not None or end is not None:
            for key, value in (("startdatetime", start), ("enddatetime", end)):
                if value is not None:
                    if value.tzinfo is None:
                        raise BadInput(f"{key} must be timezone-aware")
                    params[key] = value.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        else:
            params["timespan"] = timespan or "1d"
        return params

    def _fetch(self, params: dict[str, str | int]) -> bytes:
        answer = self.fetcher.get(self.base, params=params)
        body = answer.content
        if body.strip()[:1] not in (b"{", b"["):
            raise BadInput(f"GDELT DOC API refused query {params['query']!r}: "
                           f"{body[:300].decode('utf-8', errors='replace').strip()}")
        return body

    def articles(
        self, query: str, *, timespan: str | None = "1d", start: datetime | None = None,
        end: datetime | None = None, max_records: int = 250, sort: str = "DateDesc",
    ) -> Iterator[RawDocument | Quarantined]:
        params = self._params(query, "ArtList", timespan, start, end)
        params.update({"maxrecords": max(1, min(max_records, 250)), "sort": sort})
        yield from parse_artlist(self._fetch(params), source_id=self.source_id, query=query)

    def timeline(
        self, query: str, *, mode: str = "TimelineTone", timespan: str | None = "3months",
        start: datetime | None = None, end: datetime | None = None,
    ) -> list[TimelinePoint]:
        """``TimelineTone`` (average tone), ``TimelineVol`` or ``TimelineVolRaw`` for a query."""
        return parse_timeline(self._fetch(self._params(query, mode, timespan, start, end)))
