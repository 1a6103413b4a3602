"""The publishing calendar (month and week, across missions) and moving a post on it; ICS feeds in ``ics``."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from typing import Any, Protocol

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Event

from elshi.clearance import reschedule as moves  # the one way to move a post: clearance decides
from elshi.common.redirects import safe_next
from elshi.content.models import Campaign, Post, PostState
from elshi.missions.models import Channel, Mission
from elshi.missions.permissions import Perm, has_perm, missions_with
from elshi.publishing import feed_links
from elshi.publishing.models import CalendarLink

SHOWN = [
    PostState.DRAFT,
    PostState.IN_CLEARANCE,
    PostState.CHANGES_REQUESTED,
    PostState.SCHEDULED,
    PostState.EXPIRED,
]


class CalendarItems(Protocol):
    """What another app shows beside the posts, in the calendar and the ICS feeds.

    The calendar cannot import the apps above it; they add their items here (``engagements`` does, from
    its ``apps.ready``). ``by_day`` gets the month or week shown and the filters chosen; ``ics_events``
    the feed's signed data (``k``: mission or campaign, ``id``) and the person it belongs to.
    """

    def by_day(
        self,
        request: HttpRequest,
        visible: QuerySet[Mission],
        chosen: dict[str, str],
        first: dt.date,
        last: dt.date,
    ) -> dict[dt.date, list[tuple[Any, dt.datetime, str]]]: ...

    def ics_events(
        self, request: HttpRequest, user: AbstractBaseUser, data: dict[str, Any]
    ) -> list[Event]: ...


_ITEMS: list[CalendarItems] = []


def add_calendar_items(items: CalendarItems) -> None:
    """Show ``items`` in the calendar and the feeds (once, however often an app registers them)."""
    if items not in _ITEMS:
        _ITEMS.append(items)


def registered_items() -> list[CalendarItems]:
    """What the other apps added, for the ICS feeds (``publishing.ics``)."""
    return list(_ITEMS)


def _filtered(request: HttpRequest) -> tuple[QuerySet[Post], dict[str, str]]:
    posts = Post.objects.filter(
        mission__in=missions_with(request.user, Perm.VIEW), scheduled_at__isnull=False
    )
    chosen = {k: request.GET.get(k, "") for k in ("mission", "channel", "campaign", "state")}
    if chosen["mission"]:
        posts = posts.filter(mission__slug=chosen["mission"])
    if chosen["channel"].isdigit():
        posts = posts.filter(channels__pk=int(chosen["channel"]))
    if chosen["campaign"].isdigit():
        posts = posts.filter(campaign_id=int(chosen["campaign"]))
    posts = (
        posts.filter(state=chosen["state"])
        if chosen["state"] in PostState.values
        else posts.filter(state__in=SHOWN)
    )
    return posts.select_related("mission").distinct(), chosen


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    """Month or week; each post at its mission's local time."""
    view = "week" if request.GET.get("view") == "week" else "month"
    try:
        anchor = (
            dt.date.fromisoformat(request.GET.get("date", ""))
            if request.GET.get("date")
            else timezone.now().date()
        )
    except ValueError:
        anchor = timezone.now().date()
    if view == "month":
        weeks = pycal.Calendar(firstweekday=0).monthdatescalendar(anchor.year, anchor.month)
        previous, following = (
            (anchor.replace(day=1) - dt.timedelta(days=1)),
            (weeks[-1][-1] + dt.timedelta(days=1)),
        )
    else:
        start = anchor - dt.timedelta(days=anchor.weekday())
        weeks = [[start + dt.timedelta(days=i) for i in range(7)]]
        previous, following = start - dt.timedelta(days=7), start + dt.timedelta(days=7)
    first, last = weeks[0][0], weeks[-1][-1]
    posts, chosen = _filtered(request)
    window = posts.filter(
        scheduled_at__gte=dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), dt.UTC),
        scheduled_at__lt=dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), dt.UTC),
    )
    by_day: dict[dt.date, list[tuple[Post, dt.datetime, bool]]] = {}
    for post in window.order_by("scheduled_at"):
        if post.scheduled_at is None:  # excluded by the window; says so to the type checker
            continue
        local = post.scheduled_at.astimezone(post.mission.zone)
        movable = post.is_editable and has_perm(request.user, Perm.COMPOSE, post.mission)
        by_day.setdefault(local.date(), []).append((post, local, movable))
    visible = missions_with(request.user, Perm.VIEW)
    events: dict[dt.date, list[tuple[Any, dt.datetime, str]]] = {}
    for items in _ITEMS:
        for day, rows in items.by_day(request, visible, chosen, first, last).items():
            events.setdefault(day, []).extend(rows)
    context = {
        "view": view,
        "anchor": anchor,
        "weeks": [[(d, by_day.get(d, []), events.get(d, [])) for d in w] for w in weeks],
        "previous": previous,
        "following": following,
        "today": timezone.now().date(),
        "chosen": chosen,
        "missions": visible,
        "channels": Channel.objects.filter(mission__in=visible),
        "campaigns": Campaign.objects.filter(missions__in=visible).distinct(),
        "states": PostState.choices,
        "feed_links": _feed_links(request),
        "link_days": settings.ELSHI_CALENDAR_LINK_DAYS,
        "active": "publish",
    }
    return render(request, "content/calendar.html", context)


def _feed_links(request: HttpRequest) -> list[tuple[CalendarLink, str]]:
    """The person's live ICS links, each with its full URL (``publishing.ics`` serves them)."""
    return [
        (link, request.build_absolute_uri(reverse("ics_feed", args=[feed_links.link_token(link)])))
        for link in feed_links.links_of(request.user, timezone.now())
    ]


@login_required
@require_POST
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a post to another day (keeping its local time) or to a given local date and time."""
    post = get_object_or_404(Post, pk=pk)
    zone = post.mission.zone
    try:
        if request.POST.get("when"):
            local = dt.datetime.fromisoformat(request.POST["when"]).replace(tzinfo=zone)
        else:
            day = dt.date.fromisoformat(request.POST.get("date", ""))
            current = (
                post.scheduled_at.astimezone(zone)
                if post.scheduled_at
                else dt.datetime.combine(day, dt.time(10), zone)
            )
            local = dt.datetime.combine(day, current.timetz().replace(tzinfo=None), zone)
        when = local.astimezone(dt.UTC)
        moves.check_reschedule(request.user, post, when)
    except ValueError:
        error = _("Give a date as YYYY-MM-DD or a local time as YYYY-MM-DDTHH:MM.")
    except ValidationError as exc:
        error = exc.messages[0]
    else:
        again = moves.do_reschedule(post, when, acting_user=request.user)
        if request.htmx:  # type: ignore[attr-defined]
            return JsonResponse({"ok": True, "scheduled_at": when.isoformat(), "cleared_again": again})
        messages.success(
            request, _("Rescheduled; the new time must be cleared.") if again else _("Rescheduled.")
        )
        return redirect(safe_next(request, reverse("post_detail", args=[pk])))
    if request.htmx:  # type: ignore[attr-defined]
        return JsonResponse({"ok": False, "error": error}, status=400)
    messages.error(request, error)
    return redirect(reverse("post_detail", args=[pk]))
