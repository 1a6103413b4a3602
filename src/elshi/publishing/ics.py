"""The calendar's ICS feeds: a person's subscription links (create, revoke) and the feed behind each."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from elshi.content.models import CLEARED_STATES, Campaign, Post
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, has_perm, missions_with
from elshi.publishing import feed_links
from elshi.publishing.calendar import SHOWN, registered_items
from elshi.publishing.models import CalendarLink


@login_required
@require_POST
def create_link(request: HttpRequest) -> HttpResponse:
    """``target``: ``mission:<slug>`` or ``campaign:<id>``; ``with_drafts`` asks for posts not yet cleared."""
    kind, _sep, key = request.POST.get("target", "").partition(":")
    target: Mission | Campaign
    if kind == "mission":
        target = get_object_or_404(Mission, slug=key)
    elif kind == "campaign" and key.isdigit():
        target = get_object_or_404(Campaign, pk=int(key))
    else:
        messages.error(request, _("Choose a mission or a campaign for the calendar link."))
        return redirect("calendar")
    with_drafts = request.POST.get("with_drafts") == "on"
    try:
        feed_links.check_create_link(request.user, target, with_drafts=with_drafts)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        link = feed_links.do_create_link(
            request.user,
            target,
            with_drafts=with_drafts,
            acting_user=request.user,
        )
        messages.success(
            request,
            _("Calendar link created; it works until %(date)s unless you revoke it.")
            % {"date": link.expires_at.date().isoformat()},
        )
    return redirect("calendar")


@login_required
@require_POST
def revoke_link(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(CalendarLink, pk=pk, user_id=request.user.pk)
    try:
        feed_links.check_revoke_link(request.user, link)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        feed_links.do_revoke_link(link, acting_user=request.user)
        messages.success(
            request, _("Calendar link revoked: calendar applications using it get nothing more.")
        )
    return redirect("calendar")


def _posts(link: CalendarLink) -> tuple[list[Post], str, dict[str, object]]:
    """The link's posts, checked against its owner's roles now (a role removed ends the feed)."""
    user = link.user
    if link.mission is not None:
        if not has_perm(user, Perm.VIEW, link.mission):
            raise Http404("feed")
        seen = Mission.objects.filter(pk=link.mission.pk)
        posts = Post.objects.filter(mission=link.mission)
        name, data = link.mission.name, {"k": "mission", "id": link.mission.pk}
    else:
        campaign = link.campaign
        if campaign is None:
            raise Http404("feed")
        seen = missions_with(user, Perm.VIEW).filter(pk__in=campaign.missions.values("pk"))
        if not seen.exists():
            raise Http404("feed")
        posts = Post.objects.filter(campaign=campaign, mission__in=seen)
        name, data = campaign.name, {"k": "campaign", "id": campaign.pk}
    cleared = Q(state__in=CLEARED_STATES)
    if link.with_drafts:  # only at missions where the owner may still see drafts
        drafting = [m.pk for m in seen if feed_links.drafts_allowed(user, m)]
        cleared |= Q(state__in=SHOWN, mission__in=drafting)
    rows = (
        posts.filter(cleared, scheduled_at__isnull=False)
        .select_related("mission")
        .prefetch_related("variants")
    )
    return list(rows), name, data


def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar application's subscription: a live link's posts and the other apps' items."""
    now = timezone.now()
    link = feed_links.link_for_token(token, now)
    if link is None:
        raise Http404("feed")
    posts, name, data = _posts(link)
    CalendarLink.objects.filter(pk=link.pk).update(last_used_at=now)
    cal = Calendar()
    cal.add("prodid", "-//elshi//publishing calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"elshi: {name}")
    for post in posts:
        if post.scheduled_at is None:  # excluded by the query; says so to the type checker
            continue
        event = Event()
        event.add("uid", f"post-{post.pk}@elshi")
        event.add("dtstamp", post.updated_at)
        event.add("dtstart", post.scheduled_at)
        event.add("dtend", post.scheduled_at + dt.timedelta(minutes=15))
        event.add("summary", f"{post.title} [{post.get_state_display()}]")
        event.add("description", "\n\n".join(v.text for v in post.variants.all())[:2000])
        event.add("url", request.build_absolute_uri(reverse("post_detail", args=[post.pk])))
        cal.add_component(event)
    for items in registered_items():
        for component in items.ics_events(request, link.user, data):
            cal.add_component(component)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="elshi-{data["k"]}-{data["id"]}.ics"'
    response["Cache-Control"] = "private, no-store"  # a feed is one person's view: no shared cache keeps it
    return response
