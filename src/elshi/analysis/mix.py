"""Shares within one country's coverage: the narrative mix and its weekly trend, outlet countries and
languages (pure).

A narrative's share is the share of the country's documents (mention rows) that carry it; a document
may carry several narratives, so shares need not add up to 100%. The previous period's share is
computed the same way over that period; the trend divides each week's narrative documents by the
week's documents, weeks counted in sevens from the period's first day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from elshi.analysis.index import mean, ratio
from elshi.analysis.periods import week_start

__all__ = ["BreakdownSums", "NarrativeDay", "Share", "Slice", "narrative_shares", "slices"]

# One rollup row of a narrative: day, narrative key, documents, negative ones, toned ones.
NarrativeDay = tuple[dt.date, str, int, int, int]
# Sums of one outlet country and language: outlet country, language, mentions, documents, negative,
# toned, tone sum, tone count (None, as a database sum of no rows gives, counts as 0).
BreakdownSums = tuple[str, str, int | None, int | None, int | None, int | None, float | None, int | None]


@dataclass(frozen=True)
class Share:
    key: str
    documents: int
    share: float
    previous_share: float
    negative_share: float

    @property
    def change(self) -> float:
        return round(self.share - self.previous_share, 3)

    @property
    def change_points(self) -> float:
        return round((self.share - self.previous_share) * 100, 1)


@dataclass(frozen=True)
class Slice:
    key: str
    mentions: int
    documents: int
    share: float
    negative_share: float
    mean_tone: float | None


def narrative_shares(
    start: dt.date,
    days: Iterable[NarrativeDay],
    previous: Mapping[str, int],
    documents: Mapping[dt.date, int],
) -> tuple[list[Share], list[dict[str, Any]]]:
    """Narrative shares of a period starting ``start``, most documents first, and their weekly trend.

    ``days``: the period's narrative rollup rows; ``previous``: documents per narrative over the
    previous period; ``documents``: the country's documents per day over both periods (days before
    ``start`` belong to the previous one).
    """
    now_total = sum(n for d, n in documents.items() if d >= start)
    then_total = sum(n for d, n in documents.items() if d < start)
    now: dict[str, int] = {}
    negative: dict[str, list[int]] = {}
    weekly: dict[tuple[dt.date, str], int] = {}
    for day, key, docs, neg, toned in days:
        now[key] = now.get(key, 0) + docs
        neg_toned = negative.setdefault(key, [0, 0])
        neg_toned[0] += neg
        neg_toned[1] += toned
        week = week_start(day, start)
        weekly[(week, key)] = weekly.get((week, key), 0) + docs
    shares = [
        Share(
            key,
            docs,
            ratio(docs, now_total),
            ratio(previous.get(key, 0), then_total),
            ratio(negative[key][0], negative[key][1]),
        )
        for key, docs in now.items()
    ]
    shares.sort(key=lambda s: (-s.documents, s.key))
    week_totals: dict[dt.date, int] = {}
    for day, n in documents.items():
        if day >= start:
            week = week_start(day, start)
            week_totals[week] = week_totals.get(week, 0) + n
    weeks = sorted(week_totals)
    trend: list[dict[str, Any]] = [
        {
            "narrative": s.key,
            "weeks": [w.isoformat() for w in weeks],
            "shares": [ratio(weekly.get((w, s.key), 0), week_totals[w]) for w in weeks],
        }
        for s in shares
    ]
    return shares, trend


def slices(rows: Iterable[BreakdownSums]) -> tuple[list[Slice], list[Slice]]:
    """Coverage by outlet country and by language, each most documents first.

    A slice's share is its documents over all documents; its negative share is over its toned rows.
    """
    by: tuple[dict[str, list[float]], dict[str, list[float]]] = ({}, {})
    for outlet_country, language, *values in rows:
        for table, key in zip(by, (outlet_country, language), strict=True):
            acc = table.setdefault(key, [0, 0, 0, 0, 0.0, 0])
            for i, value in enumerate(values):
                acc[i] += value or 0
    out: list[list[Slice]] = []
    for table in by:
        documents = sum(v[1] for v in table.values())
        found = [
            Slice(key, int(v[0]), int(v[1]), ratio(v[1], documents), ratio(v[2], v[3]), mean(v[4], int(v[5])))
            for key, v in table.items()
        ]
        found.sort(key=lambda s: (-s.documents, s.key))
        out.append(found)
    return out[0], out[1]
