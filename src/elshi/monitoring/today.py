"""Listening at a glance, for the home page: open alerts, and the image score with its change and peers.

The period is the last 28 days that have data (ending on the latest rolled-up day, not today, so that a
late import does not show a false drop), compared with the 28 days before, as on the dashboard. The
daily scores feed the home page's sparkline. Everything is read from the daily rollup: a fixed number of
queries whatever the number of mentions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from elshi.analysis.index import image_score
from elshi.common.profile import current_profile
from elshi.monitoring import index
from elshi.monitoring.dashboard import latest_day
from elshi.monitoring.models import Alert, AlertState

__all__ = ["PERIOD_DAYS", "ImageGlance", "image_glance", "open_alerts"]

PERIOD_DAYS = 28  # four whole weeks: every weekday counts equally in both periods


@dataclass(frozen=True)
class ImageGlance:
    target: str
    start: dt.date
    end: dt.date
    score: float | None
    previous: float | None
    peers: list[tuple[str, float | None]]  # (country, its image score), best first, unscored last
    daily: list[float | None]  # the target's score per day of the period, oldest first

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return round(self.score - self.previous, 1)


def image_glance() -> ImageGlance | None:
    """None until listening has rolled up a day."""
    end = latest_day()
    if end is None:
        return None
    profile = current_profile()
    start = end - dt.timedelta(days=PERIOD_DAYS - 1)
    countries = [profile.target, *profile.peers]
    rows = {r.country: r for r in index.country_rows(start, end, countries)}
    before = index.country_rows(
        start - dt.timedelta(days=PERIOD_DAYS), start - dt.timedelta(days=1), [profile.target]
    )
    by_day = {d.day: d for d in index.daily_series(profile.target, start, end)}
    daily = []
    for offset in range(PERIOD_DAYS):
        day = by_day.get(start + dt.timedelta(days=offset))
        daily.append(
            None
            if day is None
            else image_score(
                day.positive / day.toned if day.toned else 0.0,
                day.negative / day.toned if day.toned else 0.0,
                day.toned,
            )
        )
    peers = [(code, rows[code].image_score) for code in profile.peers]
    peers.sort(key=lambda p: (p[1] is None, -(p[1] or 0.0)))
    return ImageGlance(
        profile.target, start, end, rows[profile.target].image_score, before[0].image_score, peers, daily
    )


def open_alerts(limit: int = 5) -> tuple[list[Alert], int]:
    """Open alerts, newest day and strongest signal first, and how many are open."""
    alerts = Alert.objects.filter(state=AlertState.OPEN)
    return list(alerts.order_by("-day", "-score")[:limit]), alerts.count()
