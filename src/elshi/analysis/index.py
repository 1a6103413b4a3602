"""The nation-image index maths, on plain data: image score, per-country rows, daily series (pure).

    image score = 50 + 50 x (positive share - negative share)

of a country's mention rows that carry a tone: 0 when every one is negative, 100 when every one is
positive, 50 when balanced, and no score at all when none has a tone. Share of voice is a country's
mentions over the mentions of every country summed. Means (elshi's tone, GDELT's tone) are kept as a
sum and a count, so that days add up before anything is divided.

The inputs are :class:`IndexCounts`: what the daily rollup holds for one day and country
(:func:`elshi.analysis.rollup.fold_mentions` makes them from mention rows), or their sum over a
period (:func:`total`). ``elshi.monitoring.index`` reads those sums with one query and calls
:func:`country_index`; a notebook or a Dask worker calls the same functions on its own rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

__all__ = [
    "CountryRow",
    "DaySeries",
    "IndexCounts",
    "by_country",
    "country_index",
    "day_series",
    "image_score",
    "mean",
    "ratio",
    "total",
]


@dataclass(slots=True)
class IndexCounts:
    """One day and country of the index (or their sum over days): the columns of ``DailyIndex``."""

    mentions: int = 0  # times named
    documents: int = 0  # mention rows: one per document and country
    stories: int = 0  # distinct stories per day; summed over days a story counts once a day
    toned: int = 0
    positive: int = 0
    negative: int = 0
    tone_sum: float = 0.0
    tone_n: int = 0
    gdelt_sum: float = 0.0
    gdelt_n: int = 0

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> IndexCounts:
        """From a mapping with these names (a database row of sums); a missing or None sum is 0."""
        return cls(**{f.name: row.get(f.name) or 0 for f in fields(cls)})

    def add(self, other: IndexCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(frozen=True)
class CountryRow:
    country: str
    mentions: int
    documents: int
    stories: int
    mean_tone: float | None
    positive_share: float
    negative_share: float
    share_of_voice: float
    image_score: float | None
    gdelt_tone: float | None


@dataclass(frozen=True)
class DaySeries:
    day: dt.date
    mentions: int
    documents: int
    mean_tone: float | None
    positive: int
    negative: int
    toned: int


def image_score(positive: float, negative: float, toned: int) -> float | None:
    """50 + 50 x (positive share - negative share), to one decimal; None when nothing is toned."""
    return round(50 + 50 * (positive - negative), 1) if toned else None


def ratio(part: float, whole: float, digits: int = 3) -> float:
    """``part / whole`` rounded; 0.0 for an empty whole (a share of nothing is shown as 0)."""
    return round(part / whole, digits) if whole else 0.0


def mean(total: float, n: int, digits: int = 3) -> float | None:
    """The mean of ``n`` values summing to ``total``, rounded; None when there are none."""
    return round(total / n, digits) if n else None


def total(counts: Iterable[IndexCounts]) -> IndexCounts:
    """The sum of ``counts`` (e.g. a country's days over a period)."""
    out = IndexCounts()
    for c in counts:
        out.add(c)
    return out


def by_country(
    daily: Mapping[tuple[dt.date, str], IndexCounts], start: dt.date, end: dt.date
) -> dict[str, IndexCounts]:
    """Per country, the sum of its days within [start, end] of a daily index keyed (day, country)."""
    out: dict[str, IndexCounts] = {}
    for (day, country), counts in daily.items():
        if start <= day <= end:
            out.setdefault(country, IndexCounts()).add(counts)
    return out


def country_index(countries: Sequence[str], sums: Mapping[str, IndexCounts]) -> list[CountryRow]:
    """One row per country of ``countries`` (in that order) from its sums over the period.

    Share of voice divides by the mentions of every country in ``sums``; a country without sums gets
    a row of zeros with no tone and no score.
    """
    everyone = sum(s.mentions for s in sums.values())
    rows = []
    for code in countries:
        s = sums.get(code)
        if s is None:
            rows.append(CountryRow(code, 0, 0, 0, None, 0.0, 0.0, 0.0, None, None))
            continue
        positive = s.positive / s.toned if s.toned else 0.0
        negative = s.negative / s.toned if s.toned else 0.0
        rows.append(
            CountryRow(
                code,
                s.mentions,
                s.documents,
                s.stories,
                mean(s.tone_sum, s.tone_n),
                round(positive, 3),
                round(negative, 3),
                ratio(s.mentions, everyone),
                image_score(positive, negative, s.toned),
                mean(s.gdelt_sum, s.gdelt_n, 2),
            )
        )
    return rows


def day_series(days: Iterable[tuple[dt.date, IndexCounts]]) -> list[DaySeries]:
    """One country's index per day, in the order given."""
    return [
        DaySeries(day, c.mentions, c.documents, mean(c.tone_sum, c.tone_n), c.positive, c.negative, c.toned)
        for day, c in days
    ]
