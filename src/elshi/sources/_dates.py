"""Dates from the outside world -> aware UTC, with the doubtful ones caught."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime, timedelta

from dateutil import parser as dateparser

__all__ = ["MAX_FUTURE", "MIN_PLAUSIBLE", "from_struct_time", "parse_date", "plausible"]

#: A publication date more than this far in the future is a clock or parsing error.
MAX_FUTURE = timedelta(days=1)
#: Nothing elshi listens to was published before the web.
MIN_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)


def from_struct_time(value: time.struct_time) -> datetime:
    """feedparser's ``*_parsed`` fields are UTC struct_times."""
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


def parse_date(value: str, *, assume_utc: bool = True) -> datetime | None:
    """Any ISO 8601 / RFC 822 style date -> aware UTC; None when it is not a date.

    A date without a zone is taken as UTC when ``assume_utc`` (the caller marks it as such).
    """
    text = value.strip()
    if not text or len(text) > 64:
        return None
    try:
        parsed = dateparser.parse(text)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        if not assume_utc:
            return None
        parsed = parsed.replace(tzinfo=UTC)
    try:
        result: datetime = parsed.astimezone(UTC)
        return result
    except (ValueError, OverflowError):
        return None


def plausible(when: datetime, now: datetime) -> bool:
    """False for dates in the future (beyond a day of clock skew) or before 1990."""
    return MIN_PLAUSIBLE <= when <= now + MAX_FUTURE
