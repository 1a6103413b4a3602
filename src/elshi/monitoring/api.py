"""Listening over JSON: the daily index series and the mentions, with the same permission as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, Sum
from django.http import HttpRequest
from ninja import Query, Router, Schema

from elshi.missions.permissions import Perm, has_perm
from elshi.monitoring.models import Mention

router = Router(tags=["listen"])


class DayOut(Schema):
    day: dt.date
    mentions: int
    documents: int
    mean_tone: float | None
    positive: int
    negative: int


class MentionOut(Schema):
    id: int
    country: str
    day: dt.date
    title: str
    url: str
    outlet: str
    outlet_country: str
    language: str
    tone: str
    tone_score: float | None
    evidence: list[str]
    story: str


def _listen(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.LISTEN, None):
        raise PermissionDenied("listen")


@router.get("/index", response=list[DayOut], summary="Daily index series of one country")
def index(
    request: HttpRequest,
    country: str,
    from_: dt.date | None = Query(None, alias="from"),  # noqa: B008
    to: dt.date | None = None,
) -> Any:
    _listen(request)
    rows = Mention.objects.filter(country=country.upper())
    if from_:
        rows = rows.filter(day__gte=from_)
    if to:
        rows = rows.filter(day__lte=to)
    return list(
        rows.values("day")
        .annotate(
            mentions=Sum("count"),
            documents=Count("document", distinct=True),
            mean_tone=Avg("tone_score"),
            positive=Count("pk", filter=Q(tone_label="positive")),
            negative=Count("pk", filter=Q(tone_label="negative")),
        )
        .order_by("day")
    )


@router.get("/mentions", response=list[MentionOut], summary="Mentions, newest first, filtered and paged")
def mentions(
    request: HttpRequest,
    country: str = "",
    tone: str = "",
    q: str = "",
    language: str = "",
    limit: int = 50,
    offset: int = 0,
) -> Any:
    _listen(request)
    rows = Mention.objects.select_related("document")
    if country:
        rows = rows.filter(country=country.upper())
    if tone:
        rows = rows.filter(tone_label=tone)
    if language:
        rows = rows.filter(document__language=language)
    if q:
        rows = rows.filter(Q(document__title__icontains=q) | Q(document__text__icontains=q))
    limit = max(1, min(limit, 500))
    return [
        {
            "id": m.pk,
            "country": m.country,
            "day": m.day,
            "title": m.document.title,
            "url": m.document.canonical_url,
            "outlet": m.document.outlet,
            "outlet_country": m.document.outlet_country,
            "language": m.document.language,
            "tone": m.tone_label,
            "tone_score": m.tone_score,
            "evidence": [str(e) for e in m.tone_evidence],
            "story": m.document.story_id,
        }
        for m in rows.order_by("-day", "-pk")[offset : offset + limit]
    ]
