"""API versions of platforms that version their API, and when each one stops answering.

A platform declares its :class:`ApiVersions` in its facts (``PlatformFacts.api``): the version elshi
calls by default, the format a channel's override must have, and the sunset dates the platform has
published. A channel may pin another version in its settings (``api_version``), e.g. to move ahead of
elshi's default or to stay on one while a migration is checked; :func:`version_status` says which one
a channel uses and until when, for the channel page and ``elshi check``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

__all__ = ["SETTING", "ApiVersions", "VersionStatus", "version_status"]

SETTING = "api_version"
"""The channel setting that overrides a platform's default version."""


@dataclass(frozen=True, slots=True)
class ApiVersions:
    """``default``: the version called when a channel pins none; ``pattern``: a full-match regex a
    pinned version must satisfy; ``sunsets``: ``(version, last day)`` pairs as the platform publishes
    them; ``support_months``: for platforms that promise each version a fixed life from its release
    month (LinkedIn ``YYYYMM``: 12), the sunset of a version missing from ``sunsets``; ``legacy``:
    older setting names still read (LinkedIn channels stored ``linkedin_version``)."""

    default: str
    pattern: str
    example: str
    sunsets: tuple[tuple[str, date], ...] = ()
    support_months: int | None = None
    legacy: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.valid(self.default):
            raise ValueError(f"default API version {self.default!r} does not match {self.pattern!r}")

    def valid(self, version: str) -> bool:
        return re.fullmatch(self.pattern, version) is not None

    def sunset(self, version: str) -> date | None:
        """The published sunset, else release month + ``support_months`` (the 1st of that month, so
        that a warning comes early rather than late), else None (not announced)."""
        published = dict(self.sunsets).get(version)
        if published is not None or self.support_months is None:
            return published
        match = re.fullmatch(r"(\d{4})(\d{2})", version)
        if match is None:
            return None
        months = int(match[1]) * 12 + int(match[2]) - 1 + self.support_months
        return date(months // 12, months % 12 + 1, 1)

    def effective(self, settings: Mapping[str, str]) -> str:
        """The channel's pinned version, else the default. An invalid pin (hand-edited settings) is
        ignored rather than sent, since the platform would refuse every call with it."""
        for name in (SETTING, *self.legacy):
            pinned = str(settings.get(name) or "").strip()
            if pinned and self.valid(pinned):
                return pinned
        return self.default


@dataclass(frozen=True, slots=True)
class VersionStatus:
    """Which version a channel calls, whether it is its own pin, and how long it is supported."""

    version: str
    pinned: bool
    sunset: date | None
    days_left: int | None

    def expiring(self, within_days: int = 60) -> bool:
        """True when the version retires within ``within_days`` of today, or has retired."""
        return self.days_left is not None and self.days_left <= within_days


def version_status(
    api: ApiVersions | None, settings: Mapping[str, str], today: date | None = None
) -> VersionStatus | None:
    """None for a platform without versions. ``today`` is the UTC date unless given."""
    if api is None:
        return None
    version = api.effective(settings)
    sunset = api.sunset(version)
    today = today or datetime.now(UTC).date()
    days_left = (sunset - today).days if sunset is not None else None
    return VersionStatus(version, version != api.default, sunset, days_left)
