"""The audit trail over JSON (``/api/v1/audit``), with the same visibility as the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from elshi.audit.log import verify_chain
from elshi.missions.audit_views import visible_events
from elshi.missions.permissions import is_ministry_admin

router = Router(tags=["audit"])


class EventOut(Schema):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    mission: str
    changes: dict[str, Any]
    hash: str


class VerifyOut(Schema):
    ok: bool
    checked: int
    broken_at: int | None
    reason: str


@router.get("", response=list[EventOut], summary="Audit events you may read, newest first")
def events(
    request: HttpRequest, mission: str = "", action: str = "", limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    qs = visible_events(request.user)
    if mission:
        qs = qs.filter(mission_slug=mission)  # type: ignore[attr-defined]
    if action:
        qs = qs.filter(action__startswith=action)  # type: ignore[attr-defined]
    limit = max(1, min(limit, 500))
    return [
        {
            "id": e.pk,
            "at": e.at,
            "actor": e.actor_label,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object_repr": e.object_repr,
            "mission": e.mission_slug,
            "changes": e.changes,
            "hash": e.hash,
        }
        for e in qs[offset : offset + limit]  # type: ignore[index]
    ]


@router.post("/verify", response=VerifyOut, summary="Walk the hash chain and report the first broken link")
def verify(request: HttpRequest) -> Any:
    if not is_ministry_admin(request.user):
        raise PermissionDenied("audit verify")
    return verify_chain()
