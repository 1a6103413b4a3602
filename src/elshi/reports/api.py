"""The brief's data as JSON: ``GET /api/v1/reports/brief?country=KZ&from=YYYY-MM-DD&to=YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from elshi.common.api_errors import ApiRefusal
from elshi.reports.actions import LANGUAGES, check_read_briefs
from elshi.reports.brief import brief_json, build_brief

router = Router(tags=["measure"])
MAX_PEERS = 30  # each peer adds index queries: a bound keeps one request cheap


@router.get("/reports/brief", summary="The nation-image brief's data for a country and period")
def brief(
    request: HttpRequest,
    country: str,
    from_: dt.date = Query(..., alias="from"),  # noqa: B008
    to: dt.date = Query(...),  # noqa: B008
    peers: str = "",
    lang: str = "en",
) -> Any:
    """Every figure of the brief (the same as its HTML and PDF). Needs the listen permission."""
    check_read_briefs(request.user)
    if to < from_:
        raise ApiRefusal(422, "'to' is before 'from'")
    if (to - from_).days > 366:
        raise ApiRefusal(422, "a brief covers at most a year")
    if lang not in LANGUAGES:
        raise ApiRefusal(422, f"lang must be one of {', '.join(LANGUAGES)}")
    code = country.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ApiRefusal(422, "country must be a two-letter code such as KZ")
    peer_list = [p.strip().upper() for p in peers.split(",") if p.strip()] or None
    if peer_list and any(len(p) != 2 or not p.isalpha() for p in peer_list):
        raise ApiRefusal(422, "peers must be two-letter codes separated by commas, such as UZ,KG")
    if peer_list and len(peer_list) > MAX_PEERS:
        raise ApiRefusal(422, f"at most {MAX_PEERS} peers")
    return brief_json(build_brief(code, from_, to, peer_list, lang))
