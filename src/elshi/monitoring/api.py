"""Listening over JSON: the daily index series and the mentions, with the same permission as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from elshi.common.profile import current_profile
from elshi.missions.permissions import Perm, has_perm
from elshi.monitoring.dashboard import context, latest_day
from elshi.monitoring.index import daily_series
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

    return [
        {
            "day": r.day,
            "mentions": r.mentions,
            "documents": r.documents,
            "mean_tone": r.mean_tone,
            "positive": r.positive,
            "negative": r.negative,
        }
        for r in daily_series(country.upper(), from_, to)
    ]


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


@router.get("/listen/summary", summary="The dashboard's figures for a period, beside the previous period")
def summary(
    request: HttpRequest,
    from_: dt.date | None = Query(None, alias="from"),  # noqa: B008
    to: dt.date | None = None,
    peers: str = "",
) -> Any:
    """Key figures of the target and its peers (``peers=UZ,KG``; default all), narrative mix, outlet
    countries, languages, top outlets and GDELT relations: what the dashboard shows, as JSON."""
    _listen(request)

    profile = current_profile()
    offered = [*profile.peers, *profile.optional_peers]
    chosen = [p.strip().upper() for p in peers.split(",") if p.strip().upper() in offered] or list(
        profile.peers
    )
    end = to or latest_day() or dt.datetime.now(dt.UTC).date()
    start = from_ or end - dt.timedelta(days=29)
    if start > end:
        raise HttpError(422, "from must not be after to")
    data = context(profile.target, chosen, start, end)
    return {
        "target": profile.target,
        "peers": chosen,
        "period": {"from": start, "to": end},
        "previous_period": {"from": data["prev_start"], "to": data["prev_end"]},
        "countries": [vars(r) for r in data["rows"]],
        "previous": [vars(r) for r in data["previous"].values()],
        "narratives": [
            {
                "narrative": n.key,
                "documents": n.documents,
                "share": n.share,
                "previous_share": n.previous_share,
                "negative_share": n.negative_share,
            }
            for n in data["narratives"]
        ],
        "outlet_countries": [vars(s) for s in data["by_outlet_country"]],
        "languages": [vars(s) for s in data["by_language"]],
        "outlets": data["outlets"],
        "relations": data["relations"],
    }


from elshi.monitoring import api_sources as _sources  # noqa: E402,F401 - its endpoints join this router
