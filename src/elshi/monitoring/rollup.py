"""Daily rollups: each UTC day's mentions folded per country, outlet country, language, narrative, outlet.

``refresh(days)`` recomputes the rollup rows of the given days from the stored mentions (delete, then
insert), so it is idempotent: importing a file twice, or re-importing a document whose text changed,
leaves exactly the rows a full rebuild would give. The store path calls it for every day it touched
(the days of the mentions it replaced and of those it wrote); ``rebuild()`` recomputes every day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Sum

from elshi.monitoring.models import (
    DailyBreakdown,
    DailyIndex,
    DailyNarrative,
    DailyOutlet,
    Mention,
    MonthlyOutlet,
)

__all__ = ["rebuild", "refresh"]

DAYS_PER_PASS = 31
FIELDS = (
    "day",
    "country",
    "count",
    "tone_label",
    "tone_score",
    "document__story_id",
    "document__outlet",
    "document__outlet_country",
    "document__language",
    "document__gdelt_tone",
    "document__narratives",
)


def _new() -> dict[str, Any]:
    return defaultdict(int)


def _fold(rows: Iterable[tuple[Any, ...]]) -> tuple[dict[Any, Any], ...]:
    index: dict[Any, Any] = defaultdict(_new)
    stories: dict[Any, set[str]] = defaultdict(set)
    breakdown: dict[Any, Any] = defaultdict(_new)
    narrative: dict[Any, Any] = defaultdict(_new)
    outlet: dict[Any, Any] = defaultdict(_new)
    for day, country, count, label, score, story, out, out_country, lang, gdelt, narratives in rows:
        toned = 1 if label else 0
        pos = 1 if label == "positive" else 0
        neg = 1 if label == "negative" else 0
        row = index[(day, country)]
        row["mentions"] += count
        row["documents"] += 1
        row["toned"] += toned
        row["positive"] += pos
        row["negative"] += neg
        if score is not None:
            row["tone_sum"] += score
            row["tone_n"] += 1
        if gdelt is not None:
            row["gdelt_sum"] += gdelt
            row["gdelt_n"] += 1
        stories[(day, country)].add(story)
        b = breakdown[(day, country, out_country or "", lang or "")]
        b["mentions"] += count
        b["documents"] += 1
        b["toned"] += toned
        b["positive"] += pos
        b["negative"] += neg
        if score is not None:
            b["tone_sum"] += score
            b["tone_n"] += 1
        for item in narratives or ():
            key = item[0] if isinstance(item, list | tuple) else str(item)
            n = narrative[(day, country, str(key)[:64])]
            n["documents"] += 1
            n["negative"] += neg
            n["toned"] += toned
        if out:
            o = outlet[(day, country, out[:300], out_country or "")]
            o["documents"] += 1
            o["negative"] += neg
            o["positive"] += pos
    for key, found in stories.items():
        index[key]["stories"] = len(found)
    return index, breakdown, narrative, outlet


def refresh(days: Iterable[dt.date]) -> None:
    """Recompute the rollup rows of ``days`` (and the months they fall in) from the mentions stored now."""
    todo = sorted(set(days))
    for start in range(0, len(todo), DAYS_PER_PASS):
        chunk = todo[start : start + DAYS_PER_PASS]
        rows = Mention.objects.filter(day__in=chunk).values_list(*FIELDS).iterator(chunk_size=5000)
        index, breakdown, narrative, outlet = _fold(rows)
        with transaction.atomic():
            for model in (DailyIndex, DailyBreakdown, DailyNarrative, DailyOutlet):
                model.objects.filter(day__in=chunk).delete()
            DailyIndex.objects.bulk_create(
                [DailyIndex(day=k[0], country=k[1], **v) for k, v in index.items()], batch_size=2000
            )
            DailyBreakdown.objects.bulk_create(
                [
                    DailyBreakdown(day=k[0], country=k[1], outlet_country=k[2], language=k[3], **v)
                    for k, v in breakdown.items()
                ],
                batch_size=2000,
            )
            DailyNarrative.objects.bulk_create(
                [DailyNarrative(day=k[0], country=k[1], narrative=k[2], **v) for k, v in narrative.items()],
                batch_size=2000,
            )
            DailyOutlet.objects.bulk_create(
                [
                    DailyOutlet(day=k[0], country=k[1], outlet=k[2], outlet_country=k[3], **v)
                    for k, v in outlet.items()
                ],
                batch_size=2000,
            )
    if todo:
        _refresh_months({d.replace(day=1) for d in todo})


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _refresh_months(months: set[dt.date]) -> None:
    """Recompute MonthlyOutlet for ``months`` (first days) from the daily outlet rows."""
    with transaction.atomic():
        MonthlyOutlet.objects.filter(month__in=months).delete()
        for month in sorted(months):
            rows = (
                DailyOutlet.objects.filter(day__gte=month, day__lte=month_end(month))
                .values("country", "outlet", "outlet_country")
                .annotate(d=Sum("documents"), n=Sum("negative"), p=Sum("positive"))
            )
            MonthlyOutlet.objects.bulk_create(
                [
                    MonthlyOutlet(
                        month=month,
                        country=r["country"],
                        outlet=r["outlet"],
                        outlet_country=r["outlet_country"],
                        documents=r["d"],
                        negative=r["n"],
                        positive=r["p"],
                    )
                    for r in rows
                ],
                batch_size=2000,
            )


def rebuild() -> int:
    """Recompute every day that has mentions (and drop rollup rows of days that have none); days done."""
    days = set(Mention.objects.values_list("day", flat=True).distinct())
    stale = set(DailyIndex.objects.values_list("day", flat=True).distinct()) - days
    refresh(days | stale)
    return len(days)
