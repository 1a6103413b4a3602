"""The latest metric snapshot of each delivery, and what counts as an engagement.

engagements = likes + reposts + replies + quotes + link clicks (a missing figure counts as 0);
views are kept apart, because only some platforms report them.
"""

from __future__ import annotations

from dataclasses import dataclass

from elshi.publishing.models import MetricSnapshot


@dataclass(frozen=True)
class Latest:
    views: int | None
    engagements: int


def latest_metrics(delivery_ids: list[int]) -> dict[int, Latest]:
    """delivery id -> its most recent snapshot, in one query (newest first, first one wins)."""
    out: dict[int, Latest] = {}
    rows = (
        MetricSnapshot.objects.filter(delivery_id__in=delivery_ids)
        .order_by("delivery_id", "-fetched_at", "-pk")
        .values_list("delivery_id", "views", "likes", "reposts", "replies", "quotes", "link_clicks")
    )
    for delivery_id, views, *counts in rows:
        if delivery_id not in out:
            out[delivery_id] = Latest(views, sum(c or 0 for c in counts))
    return out
