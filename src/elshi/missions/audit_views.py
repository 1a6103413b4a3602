"""The audit trail for people: the list each role may read, and the chain's verification."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from elshi.audit.log import verify_chain
from elshi.audit.models import AuditEvent
from elshi.missions.permissions import Perm, is_ministry_admin, missions_with


def visible_events(user: object) -> object:
    """Ministry admins see every event; others see the events of missions they may audit."""
    if is_ministry_admin(user):
        return AuditEvent.objects.all()
    slugs = list(missions_with(user, Perm.AUDIT).values_list("slug", flat=True))
    if not slugs:
        raise PermissionDenied("audit")
    return AuditEvent.objects.filter(mission_slug__in=slugs)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    events = visible_events(request.user)
    action = request.GET.get("action", "").strip()
    mission = request.GET.get("mission", "").strip()
    query = request.GET.get("q", "").strip()
    if action:
        events = events.filter(action__startswith=action)  # type: ignore[attr-defined]
    if mission:
        events = events.filter(mission_slug=mission)  # type: ignore[attr-defined]
    if query:
        events = events.filter(Q(object_repr__icontains=query) | Q(actor_label__icontains=query))  # type: ignore[attr-defined]
    page = Paginator(events.select_related("actor"), 50).get_page(request.GET.get("page"))  # type: ignore[attr-defined]
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "action": action,
            "mission": mission,
            "q": query,
            "active": "audit",
            "can_verify": is_ministry_admin(request.user),
        },
    )


@login_required
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    if not is_ministry_admin(request.user):
        raise PermissionDenied("audit verify")
    report = verify_chain()
    return render(request, "audit/verify.html", {"report": report, "active": "audit"})
