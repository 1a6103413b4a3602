"""A channel's rate limits and health, as the senders see them.

Every answer's rate-limit headers are read (X, Mastodon, Bluesky, Meta; :mod:`elshi.connectors.ratelimit`),
and when a platform says the channel's allowance is used up (headers at zero, or a 429 with its wait),
the channel is held until the reset: its other deliveries are put back to that time without calling
the platform and without counting an attempt.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from elshi.connectors.ratelimit import RateLimitTracker
from elshi.missions.models import Channel

__all__ = ["channel_health", "held_until", "hold_channel", "hold_reason", "observe_limits"]


def channel_health(channel: Channel, status: str, error: str = "") -> None:
    values: dict[str, Any] = {"status": status}
    if error:
        values |= {"last_error": error[:2000], "last_error_at": timezone.now()}
        Channel.objects.filter(pk=channel.pk).update(**values)
    elif channel.status != status:  # a healthy channel is not rewritten on every delivery
        Channel.objects.filter(pk=channel.pk).update(**values)


def held_until(channel: Channel, now: dt.datetime) -> dt.datetime | None:
    raw = (channel.limits or {}).get("held_until")
    if not raw:
        return None
    until = dt.datetime.fromisoformat(str(raw))
    return until if until > now else None


def hold_reason(channel: Channel) -> str:
    return str((channel.limits or {}).get("held_reason") or "rate limit")


def hold_channel(channel: Channel, until: dt.datetime, reason: str, window: dict[str, Any]) -> None:
    """Remember on the channel what the platform said, and hold its deliveries until ``until``."""
    limits = {
        **(channel.limits or {}),
        **window,
        "held_until": until.isoformat(),
        "held_reason": reason[:300],
    }
    channel.limits = limits
    Channel.objects.filter(pk=channel.pk).update(limits=limits)


def observe_limits(channel: Channel, tracker: RateLimitTracker, now: dt.datetime) -> None:
    """After a call: store the last rate window the platform announced; hold the channel at zero."""
    for host, window in tracker.windows.items():
        seen = {
            "host": host,
            "remaining": window.remaining,
            "limit": window.limit,
            "reset_at": window.reset_at.isoformat() if window.reset_at else None,
            "usage_percent": window.usage_percent,
        }
        wait = tracker.wait_seconds(host, now)
        if wait > 0:
            hold_channel(channel, now + dt.timedelta(seconds=wait), f"{host}: rate limit reached", seen)
        elif any(channel.limits.get(k) != seen[k] for k in ("host", "limit", "reset_at")):
            # Once per window, not on every call: 'remaining' alone changing is not written.
            channel.limits = {**channel.limits, **seen}
            Channel.objects.filter(pk=channel.pk).update(limits=channel.limits)
