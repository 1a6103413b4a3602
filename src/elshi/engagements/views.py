"""Engage for staff: engagements per mission (read with VIEW, write with COMPOSE) and the site editor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from elshi.audit.models import AuditEvent
from elshi.engagements import actions, public
from elshi.engagements.forms import EngagementForm, SiteForm
from elshi.engagements.models import Engagement, Kind, MissionSite, Registration, Visibility
from elshi.engagements.plan import draft_post_plan
from elshi.engagements.registrants import registrants_file
from elshi.engagements.site import Links
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, has_perm, missions_with, require


def _history(obj: Any) -> Any:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))[:30]


@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    visible = missions_with(request.user, Perm.VIEW)
    if not visible.exists():
        raise PermissionDenied("engagements")
    rows = Engagement.objects.filter(mission__in=visible).select_related("mission")
    chosen = {k: request.GET.get(k, "") for k in ("mission", "kind", "visibility", "when")}
    if chosen["mission"]:
        rows = rows.filter(mission__slug=chosen["mission"])
    if chosen["kind"] in Kind.values:
        rows = rows.filter(kind=chosen["kind"])
    if chosen["visibility"] in Visibility.values:
        rows = rows.filter(visibility=chosen["visibility"])
    now = timezone.now()
    if chosen["when"] == "upcoming":
        rows = rows.filter(ends_at__gte=now).order_by("starts_at")
    elif chosen["when"] == "past":
        rows = rows.filter(ends_at__lt=now)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    writable = list(missions_with(request.user, Perm.COMPOSE))
    language = request.LANGUAGE_CODE
    return render(
        request,
        "engagements/list.html",
        {
            "page": page,
            "rows": [(e, e.display_title(language)) for e in page.object_list],
            "chosen": chosen,
            "missions": visible,
            "kinds": Kind.choices,
            "visibilities": Visibility.choices,
            "writable": writable,
            "query": request.GET.copy(),
            "active": "engage",
            "active_page": "engagement_list",
        },
    )


@login_required
def engagement_edit(request: HttpRequest, slug: str = "", pk: int | None = None) -> HttpResponse:
    engagement = get_object_or_404(Engagement, pk=pk) if pk else None
    mission = engagement.mission if engagement else get_object_or_404(Mission, slug=slug, is_active=True)
    actions.check_write(request.user, mission)
    form = EngagementForm(request.POST or None, instance=engagement, mission=mission)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.do_save_engagement(
                form.apply(), acting_user=request.user, narratives=list(form.cleaned_data["narratives"])
            )
            if form.cleaned_data.get("plan_posts"):
                posts = draft_post_plan(
                    saved, list(form.cleaned_data["plan_channels"]), acting_user=request.user
                )
                messages.info(request, _("%(n)d posts of the plan drafted.") % {"n": len(posts)})
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("engagement_detail", saved.pk)
    return render(
        request,
        "engagements/edit.html",
        {
            "form": form,
            "engagement": engagement,
            "title": engagement.display_title(request.LANGUAGE_CODE) if engagement else "",
            "mission": mission,
            "active": "engage",
            "active_page": "engagement_list",
        },
    )


def _readable(request: HttpRequest, pk: int) -> Engagement:
    engagement = get_object_or_404(Engagement.objects.select_related("mission", "campaign"), pk=pk)
    require(request.user, Perm.VIEW, engagement.mission)
    return engagement


@login_required
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _readable(request, pk)
    can_write = has_perm(request.user, Perm.COMPOSE, engagement.mission)
    zone = engagement.mission.zone
    context: dict[str, Any] = {
        "e": engagement,
        "tz": zone,
        "title": engagement.display_title(request.LANGUAGE_CODE),
        "description": engagement.description(request.LANGUAGE_CODE),
        "can_write": can_write,
        "planned": engagement.planned_posts.select_related("post").order_by("post__scheduled_at"),
        "history": _history(engagement),
        "site_published": MissionSite.objects.filter(mission=engagement.mission, is_published=True).exists(),
        "active": "engage",
        "active_page": "engagement_list",
    }
    if can_write:  # personal data: the mission's editors and approvers only
        context["registrations"] = engagement.registrations.all()
        context["seats_taken"] = actions.seats_taken(engagement)
        context["meeting_link"] = engagement.meeting_link
    return render(request, "engagements/detail.html", context)


@login_required
@require_POST
def registration_resend(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    """Send a registration's e-mail again (editors of the mission; audited)."""
    engagement = _readable(request, pk)
    require(request.user, Perm.COMPOSE, engagement.mission)
    registration = get_object_or_404(Registration, pk=registration_pk, engagement=engagement)
    registration.engagement = engagement
    try:
        actions.do_resend_email(
            registration, acting_user=request.user, base_url=request.build_absolute_uri("/").rstrip("/")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The e-mail is queued; this page shows whether it went out."))
    return redirect(f"{reverse('engagement_detail', args=[engagement.pk])}#registrations")


@login_required
def registrants_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    engagement = _readable(request, pk)
    require(request.user, Perm.COMPOSE, engagement.mission)
    if fmt not in ("csv", "xlsx"):
        raise Http404(fmt)
    return registrants_file(engagement, fmt, acting_user=request.user)


@login_required
def virtual_embassy(request: HttpRequest) -> HttpResponse:
    """The site editor: the mission's message, contacts and consular information, and publishing."""
    writable = list(missions_with(request.user, Perm.COMPOSE))
    if not writable:
        raise PermissionDenied("virtual embassy")
    slug = request.GET.get("mission") or request.POST.get("mission") or ""
    current = getattr(request, "mission", None)
    mission = next((m for m in writable if m.slug == slug), None)
    if slug and mission is None:
        raise PermissionDenied(slug)
    if mission is None:
        mission = current if current in writable else writable[0]
    site = MissionSite.objects.filter(mission=mission).first() or MissionSite(mission=mission)
    form = SiteForm(request.POST or None, instance=site, mission=mission)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_site(form.apply(), acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?mission={mission.slug}")
    return render(
        request,
        "engagements/site_edit.html",
        {
            "form": form,
            "mission": mission,
            "site": site,
            "writable": writable,
            "history": _history(site) if site.pk else [],
            "active": "engage",
            "active_page": "virtual_embassy",
        },
    )


@login_required
def site_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The home page of a mission's site as visitors will see it, published or not (editors only)."""
    site = get_object_or_404(MissionSite.objects.select_related("mission"), mission__slug=slug)
    require(request.user, Perm.COMPOSE, site.mission)
    lang = request.GET.get("lang") or request.LANGUAGE_CODE
    if lang not in site.languages:
        lang = "en"
    links = Links(slug, lang, base_url=request.build_absolute_uri("/").rstrip("/"))
    data = public.page_context(site, lang, "", links)
    return HttpResponse(public.render_page("engagements/site/home.html", data, lang, request))
