"""Running a configured source: poll it safely, analyse what is new, store it, keep its health."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from elshi.common.http import app_resolver, fetch_allowed_hosts, fetch_client
from elshi.common.profile import profile_key
from elshi.monitoring.ingest import ImportSummary, ProfileAnalyzer
from elshi.monitoring.kinds import POLLERS, SourceFailure
from elshi.monitoring.models import Source, SourceKind
from elshi.sources import FetchPolicy, SafeFetcher

log = logging.getLogger(__name__)
_ANALYZERS: dict[tuple[str, str | None], ProfileAnalyzer] = {}


def analyzer() -> ProfileAnalyzer:
    """One analyser per worker process and configured profile: its models load once, and a changed
    ``ELSHI_PROFILE`` (tests, a reconfigured worker) never reuses another country's analyser."""
    key = (profile_key(), settings.ELSHI_TONE_MODEL or None)
    if key not in _ANALYZERS:
        _ANALYZERS[key] = ProfileAnalyzer(*key)
    return _ANALYZERS[key]


def fetcher(client: httpx.Client) -> Any:
    """The fetcher checks before sending (and on each redirect); the guarded client checks again at
    connect time, with the same resolver, so a name that changes its answer in between is refused."""
    return SafeFetcher(client, FetchPolicy(allowed_hosts=fetch_allowed_hosts()), resolver=app_resolver)


def run_source(
    source: Source, *, client: httpx.Client | None = None, analyse: ProfileAnalyzer | None = None
) -> ImportSummary:
    """One poll of any kind (``kinds.POLLERS``); its health is kept on the source whatever happens."""
    now = timezone.now()
    summary = ImportSummary()
    own_client = client is None
    http = client or fetch_client(timeout=30.0)
    error = ""
    state: dict[str, Any] = source.state
    try:
        state = POLLERS[source.kind](source, fetcher(http), analyse or analyzer(), summary)
    except Exception as exc:  # noqa: BLE001 - any failure is kept on the source, never silent
        log.exception("source %s failed", source.pk)
        error = str(exc) if isinstance(exc, SourceFailure) else f"{type(exc).__name__}: {exc}"
    finally:
        if own_client:
            http.close()
    values: dict[str, Any] = {"last_run_at": now, "documents_stored": F("documents_stored") + summary.new}
    if error:
        values |= {
            "last_error": error[:2000],
            "last_error_at": now,
            "consecutive_failures": F("consecutive_failures") + 1,
        }
        if source.kind == SourceKind.UPLOAD:
            values["state"] = {"status": "failed", "result": summary.line()}
    else:
        values |= {"last_success_at": now, "consecutive_failures": 0, "state": state}
    Source.objects.filter(pk=source.pk).update(**values)
    return summary


def due_sources() -> list[Source]:
    """Enabled sources whose interval has passed, and uploads not yet imported."""
    now = timezone.now()
    due = []
    for s in Source.objects.filter(enabled=True):
        if s.kind == SourceKind.UPLOAD:
            if s.state.get("status") == "queued":
                due.append(s)
        elif s.last_run_at is None or (now - s.last_run_at).total_seconds() >= s.every_minutes * 60:
            due.append(s)
    return due
