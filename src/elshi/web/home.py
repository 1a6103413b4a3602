"""The home page for today: each tile's data comes from the app that owns it, assembled here.

Scope: the person's current mission; at a headquarters mission, every mission they may see. A tile is
left out where the person's roles give no reason to see it (the queue without Perm.APPROVE, listening
without Perm.LISTEN). Every source runs a fixed number of queries, so the page stays O(1) in the
number of posts, deliveries and clearances (``tests/foundation/test_home.py`` counts them).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from elshi.clearance.queue import waiting_for
from elshi.content.expiring import expiring_claims
from elshi.engagements.week import this_week
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, has_perm, missions_with
from elshi.monitoring.today import image_glance, open_alerts
from elshi.publishing.today import going_out_today, needing_a_person
from elshi.skills.help import Finding, help_for_person
from elshi.skills.progress import Progress, progress_of
from elshi.web.sparkline import sparkline

__all__ = ["home_context"]


def _scope(request: HttpRequest) -> tuple[Mission | None, QuerySet[Mission], zoneinfo.ZoneInfo]:
    mission: Mission | None = getattr(request, "mission", None)
    if mission is None:
        return None, Mission.objects.none(), zoneinfo.ZoneInfo("UTC")
    if mission.is_hq:
        return mission, missions_with(request.user, Perm.VIEW), mission.zone
    return mission, Mission.objects.filter(pk=mission.pk), mission.zone


def _with_titles(findings: list[Finding], progress: Progress) -> list[tuple[Finding, str]]:
    titles = {row.chapter.key: row.chapter.title for row in progress.rows}
    return [(f, titles.get(f.rule.chapter, f.rule.chapter)) for f in findings]


def home_context(request: HttpRequest, now: dt.datetime | None = None) -> dict[str, Any]:
    mission, scope, zone = _scope(request)
    if mission is None:
        return {}
    user = request.user
    now = now or timezone.now()
    progress = progress_of(user, request.LANGUAGE_CODE)
    context: dict[str, Any] = {
        "across_missions": mission.is_hq,
        "today_local": now.astimezone(zone).date(),
        "today_zone": str(zone),
        "going_out": going_out_today(scope, zone, now=now),
        "stuck": needing_a_person(scope),
        "claims": expiring_claims(now.date()),
        "engagements": this_week(scope, zone, now=now),
        "skills_progress": progress,
        "skills_help": _with_titles(help_for_person(user, mission, now=now), progress),
    }
    if has_perm(user, Perm.APPROVE, None):
        context["queue"] = waiting_for(user, scope)
    if has_perm(user, Perm.LISTEN, None):
        glance = image_glance()
        context["alerts"] = open_alerts()
        context["glance"] = glance
        context["spark"] = sparkline(glance.daily) if glance is not None else None
    return context
