"""The nation-image index: per country per day, from stored mentions.

For each country and period: mentions (times named), documents, unique stories, mean tone
(elshi's, toward that country; from -1 to 1), positive and negative shares (of the country's
mention rows with a tone), share of voice (its mentions over all profile countries'), and

    image score = 50 + 50 x (positive share - negative share)

which runs from 0 (every mention negative) to 100 (every mention positive); 50 is balanced.
GDELT's document tone is reported beside it and never enters it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, Sum

from elshi.monitoring.models import Mention


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


def _score(positive: float, negative: float, toned: int) -> float | None:
    return round(50 + 50 * (positive - negative), 1) if toned else None


def country_rows(start: dt.date, end: dt.date, countries: list[str], **filters: Any) -> list[CountryRow]:
    base = Mention.objects.filter(day__gte=start, day__lte=end, country__in=countries, **filters)
    stats = base.values("country").annotate(
        mentions=Sum("count"),
        documents=Count("document", distinct=True),
        stories=Count("document__story_id", distinct=True),
        mean_tone=Avg("tone_score"),
        positive=Count("pk", filter=Q(tone_label="positive")),
        negative=Count("pk", filter=Q(tone_label="negative")),
        toned=Count("pk", filter=~Q(tone_label="")),
        gdelt=Avg("document__gdelt_tone"),
    )
    by_country = {row["country"]: row for row in stats}
    total = sum(row["mentions"] or 0 for row in by_country.values())
    rows = []
    for code in countries:
        row = by_country.get(code)
        if row is None:
            rows.append(CountryRow(code, 0, 0, 0, None, 0.0, 0.0, 0.0, None, None))
            continue
        toned = row["toned"] or 0
        positive = row["positive"] / toned if toned else 0.0
        negative = row["negative"] / toned if toned else 0.0
        rows.append(
            CountryRow(
                code,
                row["mentions"] or 0,
                row["documents"],
                row["stories"],
                round(row["mean_tone"], 3) if row["mean_tone"] is not None else None,
                round(positive, 3),
                round(negative, 3),
                round((row["mentions"] or 0) / total, 3) if total else 0.0,
                _score(positive, negative, toned),
                round(row["gdelt"], 2) if row["gdelt"] is not None else None,
            )
        )
    return rows


def daily_mentions(
    start: dt.date, end: dt.date, countries: list[str]
) -> dict[str, list[tuple[dt.date, int]]]:
    rows = (
        Mention.objects.filter(day__gte=start, day__lte=end, country__in=countries)
        .values("country", "day")
        .annotate(n=Sum("count"))
        .order_by("day")
    )
    series: dict[str, list[tuple[dt.date, int]]] = {code: [] for code in countries}
    for row in rows:
        series[row["country"]].append((row["day"], row["n"]))
    return series
