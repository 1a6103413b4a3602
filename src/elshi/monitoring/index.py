"""The nation-image index: per country per day, from stored mentions.

For each country and period: mentions (times named), documents, unique stories, mean tone
(elshi's, toward that country; from -1 to 1), positive and negative shares (of the country's
mention rows with a tone), share of voice (its mentions over all profile countries'), and

    image score = 50 + 50 x (positive share - negative share)

which runs from 0 (every mention negative) to 100 (every mention positive); 50 is balanced.
GDELT's document tone is reported beside it and never enters it.

Every figure is read from daily rollups (elshi.monitoring.rollup), recomputed for each day an
import touches, so the dashboard never scans raw mentions. Unique stories are counted per day and
summed over the period: a story that runs on two days counts twice.

Comparison: each figure of a period is shown beside the same figure for the previous period of
equal length (e.g. 1-30 November against 2-31 October), with its change in points or percent.

Narrative mix: the share of the country's documents (mention rows) that carry each narrative;
a document may carry several narratives, so shares need not add up to 100%.

Relations (GDELT Events): for each partner country, the events whose two actors are the
country and the partner, counted by GDELT's QuadClass; cooperation share = verbal + material
cooperation over all such events; Goldstein scale and tone are weighted by each event's number
of mentions (elshi.analysis.relations).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum

from elshi.analysis.index import CountryRow, DaySeries, IndexCounts, country_index, day_series
from elshi.analysis.mix import Share, Slice, narrative_shares, slices
from elshi.analysis.periods import month_end, months_within, previous_period
from elshi.analysis.relations import Relation, fold_relations
from elshi.monitoring.models import (
    DailyBreakdown,
    DailyIndex,
    DailyNarrative,
    DailyOutlet,
    Mention,
    MonthlyOutlet,
    RelationEvent,
)

# The maths is elshi.analysis's (pure); these functions run the queries and hand it the sums.
__all__ = [
    "CountryRow",
    "DaySeries",
    "Share",
    "Slice",
    "breakdowns",
    "country_rows",
    "daily_mentions",
    "daily_series",
    "month_last_day",
    "narrative_mix",
    "previous_period",
    "relations_for",
    "top_outlets",
]

month_last_day = month_end


def country_rows(start: dt.date, end: dt.date, countries: list[str], **filters: Any) -> list[CountryRow]:
    """Index rows per country; read from the daily rollup unless ``filters`` (Mention lookups) are given."""
    if not filters:
        return _rollup_rows(start, end, countries)
    base = Mention.objects.filter(day__gte=start, day__lte=end, country__in=countries, **filters)
    stats = base.values("country").annotate(
        mentions=Sum("count"),
        documents=Count("document", distinct=True),
        stories=Count("document__story_id", distinct=True),
        tone_sum=Sum("tone_score"),
        tone_n=Count("tone_score"),
        positive=Count("pk", filter=Q(tone_label="positive")),
        negative=Count("pk", filter=Q(tone_label="negative")),
        toned=Count("pk", filter=~Q(tone_label="")),
        gdelt_sum=Sum("document__gdelt_tone"),
        gdelt_n=Count("document__gdelt_tone"),
    )
    return _rows(countries, {row["country"]: row for row in stats})


def daily_mentions(
    start: dt.date, end: dt.date, countries: list[str]
) -> dict[str, list[tuple[dt.date, int]]]:
    rows = (
        DailyIndex.objects.filter(day__gte=start, day__lte=end, country__in=countries)
        .values_list("country", "day", "mentions")
        .order_by("day")
    )
    series: dict[str, list[tuple[dt.date, int]]] = {code: [] for code in countries}
    for country, day, n in rows:
        series[country].append((day, n))
    return series


def _rollup_rows(start: dt.date, end: dt.date, countries: list[str]) -> list[CountryRow]:
    stats = (
        DailyIndex.objects.filter(day__gte=start, day__lte=end, country__in=countries)
        .values("country")
        .annotate(
            mentions=Sum("mentions"),
            documents=Sum("documents"),
            stories=Sum("stories"),
            toned=Sum("toned"),
            positive=Sum("positive"),
            negative=Sum("negative"),
            tone_sum=Sum("tone_sum"),
            tone_n=Sum("tone_n"),
            gdelt_sum=Sum("gdelt_sum"),
            gdelt_n=Sum("gdelt_n"),
        )
    )
    return _rows(countries, {row["country"]: row for row in stats})


def _rows(countries: list[str], by_country: Mapping[str, Mapping[str, Any]]) -> list[CountryRow]:
    """CountryRows from per-country sums: mentions, documents, stories, toned, positive, negative,
    and tone and GDELT tone as sum and count (``tone_sum``/``tone_n``, ``gdelt_sum``/``gdelt_n``)."""
    return country_index(countries, {code: IndexCounts.of(row) for code, row in by_country.items()})


def daily_series(country: str, start: dt.date | None, end: dt.date | None) -> list[DaySeries]:
    """One country's index per day (the API's series and the tone chart), from the rollup."""
    rows = DailyIndex.objects.filter(country=country)
    if start:
        rows = rows.filter(day__gte=start)
    if end:
        rows = rows.filter(day__lte=end)
    fields = ("day", "mentions", "documents", "tone_sum", "tone_n", "positive", "negative", "toned")
    return day_series(
        (day, IndexCounts(mentions=m, documents=d, toned=t, positive=p, negative=n, tone_sum=ts, tone_n=tn))
        for day, m, d, ts, tn, p, n, t in rows.order_by("day").values_list(*fields)
    )


def narrative_mix(country: str, start: dt.date, end: dt.date) -> tuple[list[Share], list[dict[str, Any]]]:
    """Narrative shares of ``country``'s documents now and in the previous period, and a weekly trend.

    Three queries: the narrative rollup of the period, its sums over the previous period, and the
    daily documents over both.
    """
    before, _ = previous_period(start, end)
    counts = DailyNarrative.objects.filter(country=country, day__gte=start, day__lte=end).values_list(
        "day", "narrative", "documents", "negative", "toned"
    )
    then = dict(
        DailyNarrative.objects.filter(country=country, day__gte=before, day__lt=start)
        .values("narrative")
        .annotate(n=Sum("documents"))
        .values_list("narrative", "n")
    )
    totals = dict(
        DailyIndex.objects.filter(country=country, day__gte=before, day__lte=end).values_list(
            "day", "documents"
        )
    )
    return narrative_shares(start, counts, then, totals)


def breakdowns(country: str, start: dt.date, end: dt.date) -> tuple[list[Slice], list[Slice]]:
    """``country``'s coverage by outlet country and by language over the period (one query)."""
    rows = (
        DailyBreakdown.objects.filter(country=country, day__gte=start, day__lte=end)
        .values("outlet_country", "language")
        .annotate(
            m=Sum("mentions"),
            d=Sum("documents"),
            neg=Sum("negative"),
            toned=Sum("toned"),
            ts=Sum("tone_sum"),
            tn=Sum("tone_n"),
        )
    )
    return slices(
        (r["outlet_country"], r["language"], r["m"], r["d"], r["neg"], r["toned"], r["ts"], r["tn"])
        for r in rows
    )


def top_outlets(country: str, start: dt.date, end: dt.date, limit: int = 10) -> list[dict[str, Any]]:
    """The outlets that carried most of ``country``'s documents: whole months from the monthly rollup,
    the days before and after them from the daily one, summed in one query."""
    daily, monthly = DailyOutlet._meta.db_table, MonthlyOutlet._meta.db_table
    months = months_within(start, end)
    parts = [
        f"SELECT outlet, outlet_country, documents, negative, positive FROM {daily} WHERE country = %s AND "  # noqa: S608
    ]
    params: list[Any] = [country]
    if months is None:
        parts[0] += "day >= %s AND day <= %s"
        params += [start, end]
    else:
        first, last = months
        parts[0] += "((day >= %s AND day < %s) OR (day > %s AND day <= %s))"
        params += [start, first, month_end(last), end]
        parts.append(
            f"SELECT outlet, outlet_country, documents, negative, positive FROM {monthly} "  # noqa: S608
            "WHERE country = %s AND month >= %s AND month <= %s"
        )
        params += [country, first, last]
    sql = (
        "SELECT outlet, outlet_country, SUM(documents), SUM(negative), SUM(positive) FROM ("  # noqa: S608
        + " UNION ALL ".join(parts)
        + ") AS u GROUP BY outlet, outlet_country ORDER BY 3 DESC, outlet LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    return [
        {"outlet": o, "outlet_country": c, "documents": int(d), "negative": int(n), "positive": int(p)}
        for o, c, d, n, p in rows
    ]


def relations_for(country: str, start: dt.date, end: dt.date, limit: int = 15) -> list[Relation]:
    """GDELT Events relations of ``country`` with each partner (elshi.analysis.relations), by mentions."""
    events = (
        RelationEvent.objects.filter(day__gte=start, day__lte=end)
        .filter(Q(actor1_country=country) | Q(actor2_country=country))
        .exclude(actor1_country="")
        .exclude(actor2_country="")
        .only("actor1_country", "actor2_country", "num_mentions", "quad_class", "goldstein", "avg_tone")
    )
    return fold_relations(events.iterator(), country)[:limit]
