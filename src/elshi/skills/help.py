"""Who needs help: the rules of ``skills.rules`` evaluated over the last four weeks, in a fixed number of
queries (published deliveries with their variants, clearances, latest metrics, active channels).

The rules run over every active mission at once because ``engagement`` compares a mission with the
others; callers then keep the missions a person may see.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from elshi.clearance.models import Clearance, ClearanceState
from elshi.missions.models import Channel, Mission, MissionKind
from elshi.missions.permissions import Perm, is_ministry_admin, missions_with, roles_of
from elshi.publishing.models import Delivery, DeliveryState
from elshi.reports.countries import host_languages
from elshi.reports.metrics import latest_metrics
from elshi.skills import rules as R
from elshi.skills.playbook import chapters
from elshi.skills.rules import RULES, Rule

__all__ = ["Finding", "evaluate", "help_for_person", "help_missions", "rows_for"]

_Hit = tuple[
    Rule, int, str, int
]  # a person's finding before the people are loaded: rule, mission, figure, user


@dataclass(frozen=True)
class Finding:
    rule: Rule
    mission: Mission
    measured: str  # the figure that crossed the threshold, as shown
    user: Any = None  # a person's finding; None: the mission's


@dataclass
class _Sent:
    posts: set[int] = field(default_factory=set)
    images: int = 0
    missing_alt: int = 0
    languages: set[str] = field(default_factory=set)
    weeks: set[int] = field(default_factory=set)
    measured: list[int] = field(default_factory=list)


def _images(media: Any) -> tuple[int, int]:
    items = [m for m in media or [] if isinstance(m, dict)]
    return len(items), sum(1 for m in items if not str(m.get("alt", "")).strip())


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({round(100 * part / whole)}%)"


def evaluate(now: dt.datetime | None = None) -> list[Finding]:
    now = now or timezone.now()
    start = now - dt.timedelta(days=R.WINDOW_DAYS)
    missions = {m.pk: m for m in Mission.objects.filter(is_active=True)}
    by_mission: dict[int, _Sent] = defaultdict(_Sent)
    by_person: dict[tuple[int, int], _Sent] = defaultdict(_Sent)
    rows = Delivery.objects.filter(
        state=DeliveryState.PUBLISHED,
        published_at__gte=start,
        published_at__lt=now,
        post__mission__in=list(missions),
    ).values_list(
        "pk",
        "post_id",
        "post__mission_id",
        "post__created_by_id",
        "variant__media",
        "variant__language",
        "published_at",
    )
    delivered = list(rows)
    metrics = latest_metrics([r[0] for r in delivered])
    for pk, post_id, mission_id, author_id, media, language, published_at in delivered:
        images, missing = _images(media)
        for sent in (by_mission[mission_id], by_person[(mission_id, author_id)]):
            sent.posts.add(post_id)
            sent.images += images
            sent.missing_alt += missing
            if language:
                sent.languages.add(language)
            if published_at is not None:  # the filter holds it; the column may be null for other states
                sent.weeks.add(min(int((published_at - start).total_seconds() // (7 * 86400)), 3))
        if pk in metrics:
            by_mission[mission_id].measured.append(metrics[pk].engagements)
    person_hits = _sent_back(start, now, missions)
    for (mission_id, author_id), sent in by_person.items():
        if sent.images >= R.ALT_MIN_IMAGES and sent.missing_alt / sent.images > R.ALT_MISSING_SHARE:
            person_hits.append(
                (RULES["alt_text"], mission_id, _share(sent.missing_alt, sent.images), author_id)
            )
    users = get_user_model().objects.in_bulk({hit[3] for hit in person_hits})
    findings = [
        Finding(rule, missions[m], measured, users[a]) for rule, m, measured, a in person_hits if a in users
    ]
    active = set(
        Channel.objects.filter(is_active=True, mission__in=list(missions)).values_list(
            "mission_id", flat=True
        )
    )
    means = {
        m: statistics.fmean(s.measured)
        for m, s in by_mission.items()
        if len(s.measured) >= R.ENGAGEMENT_MIN_DELIVERIES
    }
    for mission_id, mission in missions.items():
        sent = by_mission.get(mission_id, _Sent())
        findings += _mission_findings(mission, sent, mission_id in active, means)
    return findings


def _sent_back(start: dt.datetime, now: dt.datetime, missions: dict[int, Mission]) -> list[_Hit]:
    """Per author and mission: clearances decided in the window, and how many were sent back."""
    decided = Clearance.objects.filter(
        submitted_at__gte=start, submitted_at__lt=now, post__mission__in=list(missions)
    )
    decided = decided.exclude(state__in=[ClearanceState.WITHDRAWN, ClearanceState.OPEN])
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for mission_id, author_id, state in decided.values_list(
        "post__mission_id", "post__created_by_id", "state"
    ):
        totals[(mission_id, author_id)][0] += 1
        totals[(mission_id, author_id)][1] += state in (
            ClearanceState.CHANGES_REQUESTED,
            ClearanceState.REJECTED,
        )
    return [
        (RULES["sent_back"], mission_id, _share(back, total), author_id)
        for (mission_id, author_id), (total, back) in totals.items()
        if total >= R.SENT_BACK_MIN and back / total >= R.SENT_BACK_SHARE
    ]


def _mission_findings(
    mission: Mission, sent: _Sent, has_channel: bool, means: dict[int, float]
) -> list[Finding]:
    out = []
    if sent.images >= R.ALT_MIN_IMAGES and sent.missing_alt / sent.images > R.ALT_MISSING_SHARE:
        out.append(Finding(RULES["alt_text"], mission, _share(sent.missing_alt, sent.images)))
    empty = 4 - len(sent.weeks)
    if has_channel and empty >= R.CADENCE_EMPTY_WEEKS:
        out.append(Finding(RULES["cadence"], mission, f"{empty}/4"))
    if mission.kind != MissionKind.HQ and len(sent.posts) >= R.HOST_MIN_POSTS:
        wanted = host_languages(mission.host_country, list(mission.languages))
        if wanted and not sent.languages & set(wanted):
            out.append(Finding(RULES["host_language"], mission, ", ".join(sorted(sent.languages)) or "—"))
    if mission.pk in means:
        others = [v for k, v in means.items() if k != mission.pk]
        if len(others) >= R.ENGAGEMENT_MIN_PEERS and means[
            mission.pk
        ] < R.ENGAGEMENT_SHARE * statistics.median(others):
            out.append(
                Finding(
                    RULES["engagement"], mission, f"{means[mission.pk]:.1f} / {statistics.median(others):.1f}"
                )
            )
    return out


def help_missions(user: Any) -> list[Mission]:
    """Whose findings ``user`` sees: every mission for anyone with a role at HQ, else those they manage."""
    if is_ministry_admin(user) or any(m.mission.kind == MissionKind.HQ for m in roles_of(user)):
        return list(Mission.objects.filter(is_active=True))
    return list(missions_with(user, Perm.MANAGE))


def help_for_person(user: Any, mission: Mission | None, *, now: dt.datetime | None = None) -> list[Finding]:
    """The findings about ``user`` and, at an embassy, about their current mission."""
    if mission is None:
        return []
    mine = [
        f
        for f in evaluate(now)
        if (f.user is not None and f.user.pk == user.pk)
        or (f.user is None and f.mission.pk == mission.pk and not mission.is_hq)
    ]
    return mine


def rows_for(user: Any, language: str, *, now: dt.datetime | None = None) -> list[tuple[Finding, str]]:
    """The findings ``user`` may see, each with the title of its chapter in ``language``; mission first."""
    visible = {m.pk for m in help_missions(user)}
    if not visible:
        return []
    titles = {c.key: c.title for c in chapters(language)}
    rows = [(f, titles.get(f.rule.chapter, f.rule.chapter)) for f in evaluate(now) if f.mission.pk in visible]
    rows.sort(key=lambda r: (r[0].mission.name, r[0].user is not None, r[0].rule.key))
    return rows
