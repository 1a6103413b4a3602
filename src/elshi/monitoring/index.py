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
of mentions (elshi.sources.relations).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum

from elshi.monitoring.models import (
    DailyBreakdown,
    DailyIndex,
    DailyNarrative,
    DailyOutlet,
    Mention,
    MonthlyOutlet,
    RelationEvent,
)


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
                row["documents"] or 0,
                row["stories"] or 0,
                round(row["tone_sum"] / row["tone_n"], 3) if row["tone_n"] else None,
                round(positive, 3),
                round(negative, 3),
                round((row["mentions"] or 0) / total, 3) if total else 0.0,
                _score(positive, negative, toned),
                round(row["gdelt_sum"] / row["gdelt_n"], 2) if row["gdelt_n"] else None,
            )
        )
    return rows


@dataclass(frozen=True)
class DaySeries:
    day: dt.date
    mentions: int
    documents: int
    mean_tone: float | None
    positive: int
    negative: int
    toned: int


def daily_series(country: str, start: dt.date | None, end: dt.date | None) -> list[DaySeries]:
    """One country's index per day (the API's series and the tone chart), from the rollup."""
    rows = DailyIndex.objects.filter(country=country)
    if start:
        rows = rows.filter(day__gte=start)
    if end:
        rows = rows.filter(day__lte=end)
    fields = ("day", "mentions", "documents", "tone_sum", "tone_n", "positive", "negative", "toned")
    return [
        DaySeries(day, m, d, round(ts / tn, 3) if tn else None, pos, neg, toned)
        for day, m, d, ts, tn, pos, neg, toned in rows.order_by("day").values_list(*fields)
    ]


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of equal length that ends the day before ``start``."""
    length = (end - start).days + 1
    return start - dt.timedelta(days=length), start - dt.timedelta(days=1)


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
    now_total = sum(n for d, n in totals.items() if d >= start)
    then_total = sum(n for d, n in totals.items() if d < start)
    now: dict[str, int] = {}
    negative: dict[str, list[int]] = {}
    weekly: dict[tuple[dt.date, str], int] = {}
    weeks: dict[dt.date, dt.date] = {}
    for day, key, docs, neg, toned in counts:
        now[key] = now.get(key, 0) + docs
        neg_toned = negative.setdefault(key, [0, 0])
        neg_toned[0] += neg
        neg_toned[1] += toned
        week = weeks.get(day)
        if week is None:
            week = weeks[day] = day - dt.timedelta(days=(day - start).days % 7)
        weekly[(week, key)] = weekly.get((week, key), 0) + docs
    shares = [
        Share(
            key,
            docs,
            round(docs / now_total, 3) if now_total else 0.0,
            round(then.get(key, 0) / then_total, 3) if then_total else 0.0,
            round(negative[key][0] / negative[key][1], 3) if negative[key][1] else 0.0,
        )
        for key, docs in now.items()
    ]
    shares.sort(key=lambda s: (-s.documents, s.key))
    week_totals: dict[dt.date, int] = {}
    for day, n in totals.items():
        if day >= start:
            week = day - dt.timedelta(days=(day - start).days % 7)
            week_totals[week] = week_totals.get(week, 0) + n
    trend = [
        {
            "narrative": key,
            "weeks": [w.isoformat() for w in sorted(week_totals)],
            "shares": [
                round(weekly.get((w, key), 0) / week_totals[w], 3) if week_totals[w] else 0.0
                for w in sorted(week_totals)
            ],
        }
        for key in [s.key for s in shares]
    ]
    return shares, trend


@dataclass(frozen=True)
class Slice:
    key: str
    mentions: int
    documents: int
    share: float
    negative_share: float
    mean_tone: float | None


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
    by: tuple[dict[str, list[float]], dict[str, list[float]]] = ({}, {})
    for row in rows:
        values = [row["m"], row["d"], row["neg"], row["toned"], row["ts"], row["tn"]]
        for table, key in zip(by, (row["outlet_country"], row["language"]), strict=True):
            acc = table.setdefault(key, [0, 0, 0, 0, 0.0, 0])
            for i, value in enumerate(values):
                acc[i] += value or 0
    out: list[list[Slice]] = []
    for table in by:
        total = sum(v[1] for v in table.values())
        slices = [
            Slice(
                key,
                int(v[0]),
                int(v[1]),
                round(v[1] / total, 3) if total else 0.0,
                round(v[2] / v[3], 3) if v[3] else 0.0,
                round(v[4] / v[5], 3) if v[5] else None,
            )
            for key, v in table.items()
        ]
        slices.sort(key=lambda s: (-s.documents, s.key))
        out.append(slices)
    return out[0], out[1]


def _months_within(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last whole calendar months inside [start, end] (their first days), if any."""
    first = start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    after_end = end + dt.timedelta(days=1)
    last = after_end.replace(day=1) - dt.timedelta(days=1)  # the last day of the last whole month
    if last < first:
        return None
    return first, last.replace(day=1)


def top_outlets(country: str, start: dt.date, end: dt.date, limit: int = 10) -> list[dict[str, Any]]:
    """The outlets that carried most of ``country``'s documents: whole months from the monthly rollup,
    the days before and after them from the daily one, summed in one query."""
    daily, monthly = DailyOutlet._meta.db_table, MonthlyOutlet._meta.db_table
    months = _months_within(start, end)
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
        params += [start, first, month_last_day(last), end]
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


def month_last_day(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def relations_for(country: str, start: dt.date, end: dt.date, limit: int = 15) -> list[Any]:
    """GDELT Events relations of ``country`` with each partner (elshi.sources.relations), by mentions."""
    from elshi.sources.relations import relations

    events = (
        RelationEvent.objects.filter(day__gte=start, day__lte=end)
        .filter(Q(actor1_country=country) | Q(actor2_country=country))
        .exclude(actor1_country="")
        .exclude(actor2_country="")
        .only("actor1_country", "actor2_country", "num_mentions", "quad_class", "goldstein", "avg_tone")
    )
    # The model rows carry the attributes relations() reads from a GdeltEvent.
    return relations(events.iterator(), country)[:limit]  # type: ignore[arg-type]
