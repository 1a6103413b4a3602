"""Period helpers of the index: the previous period, calendar months, weeks, alert baselines (pure)."""

from __future__ import annotations

import datetime as dt

__all__ = ["baseline_days", "month_end", "months_within", "previous_period", "week_start"]


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of equal length that ends the day before ``start``."""
    length = (end - start).days + 1
    return start - dt.timedelta(days=length), start - dt.timedelta(days=1)


def month_end(month: dt.date) -> dt.date:
    """The last day of the calendar month ``month`` falls in."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def months_within(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last whole calendar months inside [start, end] (their first days), if any."""
    first = start if start.day == 1 else month_end(start) + dt.timedelta(days=1)
    after_end = end + dt.timedelta(days=1)
    last = after_end.replace(day=1) - dt.timedelta(days=1)  # the last day of the last whole month
    if last < first:
        return None
    return first, last.replace(day=1)


def week_start(day: dt.date, start: dt.date) -> dt.date:
    """The first day of ``day``'s week, counting weeks of seven days from ``start`` (not ISO weeks)."""
    return day - dt.timedelta(days=(day - start).days % 7)


def baseline_days(day: dt.date, length: int) -> list[dt.date]:
    """The ``length`` days before ``day``, oldest first: the window an alert compares ``day`` with."""
    start = day - dt.timedelta(days=length)
    return [start + dt.timedelta(days=i) for i in range(length)]
