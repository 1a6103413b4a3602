"""The brief's and the scorecards' period: whole days, with the same length before it to compare."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["Period", "day_bounds"]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)


def day_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period's days as an aware UTC interval [start, end)."""
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=dt.UTC)
    return start, dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
