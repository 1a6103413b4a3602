"""Running a configured source: poll it safely, analyse what is new, store it, keep its health."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from elshi.monitoring.ingest import ImportSummary, ProfileAnalyzer, import_items
from elshi.monitoring.models import Source

log = logging.getLogger(__name__)
_ANALYZER: ProfileAnalyzer | None = None


def analyzer() -> ProfileAnalyzer:
    """One analyser per worker process: its models load once."""
    global _ANALYZER
    if _ANALYZER is None:
        _ANALYZER = ProfileAnalyzer(settings.ELSHI_PROFILE, settings.ELSHI_TONE_MODEL or None)
    return _ANALYZER


def fetcher(client: httpx.Client) -> Any:
    from elshi.sources import FetchPolicy, SafeFetcher

    policy = FetchPolicy(allowed_hosts=frozenset(settings.ELSHI_FETCH_ALLOWED_HOSTS))
    return SafeFetcher(client, policy)


def run_source(
    source: Source, *, client: httpx.Client | None = None, analyse: ProfileAnalyzer | None = None
) -> ImportSummary:
    from elshi.sources.feeds import FeedState, poll_feed

    now = timezone.now()
    summary = ImportSummary()
    own_client = client is None
    http = client or httpx.Client(timeout=30.0)
    try:
        state = FeedState.from_json({**source.state, "url": source.url, "last_error": None})
        poll = poll_feed(fetcher(http), state, source_id=source.source_id)
        error = poll.state.last_error
        if not error:
            import_items(poll.items, analyse or analyzer(), summary)
    except Exception as exc:  # noqa: BLE001 - any failure is kept on the source, never silent
        log.exception("source %s failed", source.pk)
        error = f"{now.isoformat()} {type(exc).__name__}: {exc}"
        poll = None
    finally:
        if own_client:
            http.close()
    values: dict[str, Any] = {"last_run_at": now}
    if error:
        values |= {
            "last_error": error[:2000],
            "last_error_at": now,
            "consecutive_failures": F("consecutive_failures") + 1,
        }
    else:
        values |= {
            "last_success_at": now,
            "consecutive_failures": 0,
            "documents_stored": F("documents_stored") + summary.new,
            "state": {k: v for k, v in poll.state.to_json().items() if k != "last_error"}
            if poll
            else source.state,
        }
    Source.objects.filter(pk=source.pk).update(**values)
    return summary


def due_sources() -> list[Source]:
    now = timezone.now()
    return [
        s
        for s in Source.objects.filter(enabled=True)
        if s.last_run_at is None or (now - s.last_run_at).total_seconds() >= s.every_minutes * 60
    ]
