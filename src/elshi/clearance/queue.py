"""A person's clearance queue in a fixed number of queries, for the home page.

``workflow.can_decide`` asks the database two questions per clearance, which is right for one post's
page but grows with the queue. Here the open clearances come with their decisions and their posts'
editors prefetched, and the person's roles come from ``roles_of`` (cached on the user), so the same
rules of ``workflow`` are applied in Python: the step's people or its role (at the post's mission or at
HQ), four eyes, not twice at one step, and not at two steps unless the policy allows HQ exceptions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from elshi.clearance.models import Clearance, ClearanceState
from elshi.missions.models import Membership, Mission, MissionKind
from elshi.missions.permissions import roles_of

__all__ = ["waiting_for"]


def _named(step: dict[str, Any], user: Any, clearance: Clearance, roles: list[Membership]) -> bool:
    if step["people"]:
        return bool(user.pk in step["people"])
    for membership in roles:
        if membership.role != step["role"]:
            continue
        if step["at_hq"] and membership.mission.kind == MissionKind.HQ:
            return True
        if not step["at_hq"] and membership.mission_id == clearance.post.mission_id:
            return True
    return False


def _may_decide(user: Any, clearance: Clearance, roles: list[Membership]) -> bool:
    step = clearance.steps_snapshot[clearance.current_step]
    post = clearance.post
    authors = {post.created_by_id, *(e.pk for e in post.editors.all())}
    if user.pk in authors or not _named(step, user, clearance, roles):
        return False
    mine = [d for d in clearance.decisions.all() if d.user_id == user.pk]
    if any(d.step == step["order"] for d in mine):
        return False
    decided_other_step = any(d.step != step["order"] for d in mine)
    at_hq = any(m.mission.kind == MissionKind.HQ for m in roles)
    return not decided_other_step or (clearance.hq_exceptions and at_hq)


def waiting_for(user: Any, missions: QuerySet[Mission], limit: int = 10) -> tuple[list[Clearance], int]:
    """The open clearances ``user`` may decide now at ``missions``, oldest first, and how many in all."""
    roles = roles_of(user)
    open_ones = (
        Clearance.objects.filter(state=ClearanceState.OPEN, post__mission__in=missions)
        .select_related("post__mission")
        .prefetch_related("decisions", Prefetch("post__editors"))
        .order_by("submitted_at")
    )
    mine = [c for c in open_ones if _may_decide(user, c, roles)]
    return mine[:limit], len(mine)
