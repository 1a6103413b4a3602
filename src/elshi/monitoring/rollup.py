"""Daily rollups: each UTC day's mentions folded per country, outlet country, language, narrative, outlet.

``refresh(days)`` recomputes the rollup rows of the given days from the stored mentions (delete, then
insert), so it is idempotent: importing a file twice, or re-importing a document whose text changed,
leaves exactly the rows a full rebuild would give. The store path calls it for every day it touched
(the days of the mentions it replaced and of those it wrote); ``rebuild()`` recomputes every day.
The fold of mention rows into rollups is ``elshi.analysis.rollup.fold_mentions`` (pure); this module
queries and stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict

from django.db import transaction
from django.db.models import Sum

from elshi.analysis.periods import month_end
from elshi.analysis.rollup import fold_mentions
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
# In elshi.analysis.rollup.MentionRow's order: the fold (pure) unpacks them by position.
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


def refresh(days: Iterable[dt.date]) -> None:
    """Recompute the rollup rows of ``days`` (and the months they fall in) from the mentions stored now."""
    todo = sorted(set(days))
    for start in range(0, len(todo), DAYS_PER_PASS):
        chunk = todo[start : start + DAYS_PER_PASS]
        rows = Mention.objects.filter(day__in=chunk).values_list(*FIELDS).iterator(chunk_size=5000)
        folded = fold_mentions(rows)
        with transaction.atomic():
            for model in (DailyIndex, DailyBreakdown, DailyNarrative, DailyOutlet):
                model.objects.filter(day__in=chunk).delete()
            DailyIndex.objects.bulk_create(
                [DailyIndex(day=k[0], country=k[1], **asdict(v)) for k, v in folded.index.items()],
                batch_size=2000,
            )
            DailyBreakdown.objects.bulk_create(
                [
                    DailyBreakdown(day=k[0], country=k[1], outlet_country=k[2], language=k[3], **asdict(v))
                    for k, v in folded.breakdown.items()
                ],
                batch_size=2000,
            )
            DailyNarrative.objects.bulk_create(
                [
                    DailyNarrative(day=k[0], country=k[1], narrative=k[2], **asdict(v))
                    for k, v in folded.narrative.items()
                ],
                batch_size=2000,
            )
            DailyOutlet.objects.bulk_create(
                [
                    DailyOutlet(day=k[0], country=k[1], outlet=k[2], outlet_country=k[3], **asdict(v))
                    for k, v in folded.outlet.items()
                ],
                batch_size=2000,
            )
    if todo:
        _refresh_months({d.replace(day=1) for d in todo})


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
