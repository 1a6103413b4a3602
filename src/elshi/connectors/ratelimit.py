"""Reads the rate-limit headers platforms send with every answer, so that the scheduler can slow a
channel down before the platform refuses it.

Install it as an httpx response hook on the client handed to connectors::

    tracker = RateLimitTracker()
    client = httpx.Client(event_hooks={"response": [tracker]})
    ...
    wait = tracker.wait_seconds("api.x.com")   # > 0: hold this host's deliveries that long

Understood: X (``x-rate-limit-*``, reset as epoch), Mastodon (``x-ratelimit-*``, reset as ISO time),
Bluesky (``ratelimit-*``, reset as epoch) and Meta (``x-app-usage`` / ``x-business-use-case-usage``,
percentages of the allowance, with minutes until access returns).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

__all__ = ["RateLimitTracker", "RateWindow"]

_PREFIXES = ("x-rate-limit-", "x-ratelimit-", "ratelimit-")


@dataclass(frozen=True, slots=True)
class RateWindow:
    """What a host said last: calls left in the window and when it resets; Meta's usage in percent."""

    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    usage_percent: float | None = None
    seen_at: datetime | None = None


def _reset(value: str, now: datetime) -> datetime | None:
    if value.isdigit():
        number = int(value)
        # An epoch is far larger than any delay in seconds.
        return (
            datetime.fromtimestamp(number, tz=UTC)
            if number > 1_000_000_000
            else now + timedelta(seconds=number)
        )
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _meta_usage(headers: httpx.Headers) -> tuple[float, float] | None:
    """``(highest percentage, minutes to regain access)`` from Meta's usage headers."""
    highest, regain = -1.0, 0.0
    for name in ("x-app-usage", "x-page-usage", "x-business-use-case-usage"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        entries: list[object] = [data]
        if name == "x-business-use-case-usage":
            # {"<business id>": [{"type": "pages", "call_count": 28, ...}], ...}
            groups = data.values() if isinstance(data, dict) else []
            entries = [item for items in groups if isinstance(items, list) for item in items]
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for key in ("call_count", "total_time", "total_cputime"):
                value = entry.get(key)
                if isinstance(value, int | float):
                    highest = max(highest, float(value))
            minutes = entry.get("estimated_time_to_regain_access")
            if isinstance(minutes, int | float):
                regain = max(regain, float(minutes))
    return (highest, regain) if highest >= 0 else None


class RateLimitTracker:
    """An httpx response hook keeping the last rate window seen per host (thread-safe)."""

    def __init__(self, *, meta_threshold_percent: float = 90.0) -> None:
        self.windows: dict[str, RateWindow] = {}
        self.meta_threshold_percent = meta_threshold_percent
        self._lock = threading.Lock()

    def __call__(self, response: httpx.Response) -> None:
        self.observe(response.request.url.host, response.headers)

    def observe(self, host: str, headers: httpx.Headers, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        for prefix in _PREFIXES:
            if prefix + "remaining" in headers:
                limit, remaining = headers.get(prefix + "limit", ""), headers.get(prefix + "remaining", "")
                reset = headers.get(prefix + "reset")
                window = RateWindow(
                    limit=int(limit) if limit.isdigit() else None,
                    remaining=int(remaining) if remaining.isdigit() else None,
                    reset_at=_reset(reset, now) if reset else None,
                    seen_at=now,
                )
                break
        else:
            usage = _meta_usage(headers)
            if usage is None:
                return
            percent, regain_minutes = usage
            reset_at = now + timedelta(minutes=regain_minutes) if regain_minutes else None
            window = RateWindow(
                limit=None, remaining=None, reset_at=reset_at, usage_percent=percent, seen_at=now
            )
        with self._lock:
            self.windows[host] = window

    def wait_seconds(self, host: str, now: datetime | None = None) -> float:
        """How long to hold calls to ``host``: 0 when it has room, else seconds until its reset."""
        now = now or datetime.now(UTC)
        with self._lock:
            window = self.windows.get(host)
        if window is None:
            return 0.0
        exhausted = window.remaining == 0 or (
            window.usage_percent is not None and window.usage_percent >= self.meta_threshold_percent
        )
        if not exhausted:
            return 0.0
        if window.reset_at is None:
            return 60.0  # exhausted with no reset given: a minute, then the next answer tells more
        return max(0.0, (window.reset_at - now).total_seconds())
