from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from elshi.audit.models import AuditEvent
from elshi.common.forms import flash_errors
from elshi.missions import actions
from elshi.missions.forms import MissionForm, RoleForm
from elshi.missions.models import Mission, MissionKind
from elshi.missions.permissions import Perm, has_perm, is_ministry_admin, missions_with, require

SORTS = {"name": "name", "-name": "-name", "kind": "kind", "city": "city", "country": "host_country"}


@login_required
def mission_list(request: HttpRequest) -> HttpResponse:
    missions = missions_with(request.user, Perm.VIEW)
    kind = request.GET.get("kind", "")
    if kind in MissionKind.values:
        missions = missions.filter(kind=kind)
    query = request.GET.get("q", "").strip()
    if query:
        missions = missions.filter(name__icontains=query) | missions.filter(city__icontains=query)
    sort = request.GET.get("sort", "name")
    missions = missions.order_by(SORTS.get(sort, "name"))
    page = Paginator(missions, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "missions/list.html",
        {
            "page": page,
            "kinds": MissionKind.choices,
            "kind": kind,
            "q": query,
            "sort": sort,
            "active": "missions",
            "can_create": is_ministry_admin(request.user),
        },
    )


def _mission_for(request: HttpRequest, slug: str, perm: Perm) -> Mission:
    mission = get_object_or_404(Mission, slug=slug)
    require(request.user, perm, mission)
    return mission


@login_required
def mission_detail(request: HttpRequest, slug: str) -> HttpResponse:
    mission = _mission_for(request, slug, Perm.VIEW)
    can_manage = has_perm(request.user, Perm.MANAGE, mission)
    can_audit = has_perm(request.user, Perm.AUDIT, mission)
    context = {
        "mission": mission,
        "memberships": mission.memberships.select_related("user") if can_manage else None,
        "history": AuditEvent.objects.filter(mission_slug=mission.slug)[:20] if can_audit else None,
        "can_manage": can_manage,
        "role_form": RoleForm() if can_manage else None,
        "active": "missions",
    }
    return render(request, "missions/detail.html", context)


@login_required
def mission_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    mission = get_object_or_404(Mission, slug=slug) if slug else None
    try:
        actions.check_manage_mission(request.user, mission)
    except ValidationError as exc:
        raise PermissionDenied(exc.messages[0]) from exc
    form = MissionForm(request.POST or None, instance=mission)
    if request.method == "POST" and form.is_valid():
        saved = actions.do_save_mission(form.save(commit=False), acting_user=request.user)
        messages.success(request, _("Mission saved."))
        return redirect("mission_detail", slug=saved.slug)
    return render(request, "missions/edit.html", {"form": form, "mission": mission, "active": "missions"})


@login_required
def mission_role(request: HttpRequest, slug: str) -> HttpResponse:
    mission = _mission_for(request, slug, Perm.MANAGE)
    if request.method != "POST":
        return redirect("mission_detail", slug=slug)
    form = RoleForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"] or None
        try:
            if role:
                actions.check_set_role(request.user, mission, role)
            actions.do_set_role(form.cleaned_data["username"], mission, role, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, str(exc.messages[0]))
        else:
            messages.success(request, _("Role saved."))
    else:
        flash_errors(request, form)
    return redirect("mission_detail", slug=slug)
