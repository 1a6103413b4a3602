"""The rules of clearance: which policy applies, who may act at a step, when a step is done.

Four eyes: nobody who wrote or edited a post may clear it, at any step.
A different person at each step: whoever decided one step of a clearance may not decide another, except
an HQ person where the policy allows HQ exceptions (the decision is then marked and audited as one).
Without a policy, a mission's posts need one approver of that mission.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from elshi.clearance.models import Clearance, Policy, StepMode, Verdict
from elshi.content.models import Post
from elshi.missions.models import Membership, MissionKind, Role

DEFAULT_STEPS: list[dict[str, Any]] = [
    {"order": 1, "role": Role.APPROVER, "at_hq": False, "people": [], "mode": "any"}
]


def policy_for(post: Post) -> Policy | None:
    """The channel's own policy when every target channel shares one, else the mission's default."""
    channel_ids = set(post.channels.values_list("pk", flat=True))
    specific = {
        p.channel_id: p for p in Policy.objects.filter(mission=post.mission, channel_id__in=channel_ids)
    }
    if channel_ids and set(specific) == channel_ids and len({p.pk for p in specific.values()}) == 1:
        return next(iter(specific.values()))
    return Policy.objects.filter(mission=post.mission, channel__isnull=True).first()


def snapshot(policy: Policy | None) -> list[dict[str, Any]]:
    if policy is None or not policy.steps.exists():
        return [dict(step) for step in DEFAULT_STEPS]
    return [
        {
            "order": s.order,
            "role": s.role,
            "at_hq": s.at_hq,
            "people": sorted(s.people.values_list("pk", flat=True)),
            "mode": s.mode,
        }
        for s in policy.steps.order_by("order")
    ]


def authors_of(post: Post) -> set[int]:
    return {post.created_by_id, *post.editors.values_list("pk", flat=True)}


def step_members(post: Post, step: dict[str, Any]) -> QuerySet[Any]:
    """Everyone named by a step (before the four-eyes rule)."""
    User = get_user_model()
    if step["people"]:
        return User.objects.filter(pk__in=step["people"], is_active=True)
    memberships = Membership.objects.filter(role=step["role"], mission__is_active=True)
    if step["at_hq"]:
        memberships = memberships.filter(mission__kind=MissionKind.HQ)
    else:
        memberships = memberships.filter(mission=post.mission)
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)


def eligible(post: Post, step: dict[str, Any]) -> QuerySet[Any]:
    """Who may decide at ``step``: its members, less anyone who wrote or edited the post."""
    return step_members(post, step).exclude(pk__in=authors_of(post))


def earlier_deciders(clearance: Clearance) -> set[int]:
    """Who decided another step of this clearance than the current one."""
    step = clearance.steps_snapshot[clearance.current_step]
    return set(clearance.decisions.exclude(step=step["order"]).values_list("user_id", flat=True))


def hq_people(user_ids: set[int]) -> set[int]:
    """Those of ``user_ids`` who hold a role at an active HQ mission."""
    return set(
        Membership.objects.filter(
            user_id__in=user_ids, mission__kind=MissionKind.HQ, mission__is_active=True
        ).values_list("user_id", flat=True)
    )


def blocked_as_earlier(clearance: Clearance) -> set[int]:
    """Who may not decide the current step because they decided an earlier one (HQ exceptions aside)."""
    blocked = earlier_deciders(clearance)
    if clearance.hq_exceptions and blocked:
        blocked -= hq_people(blocked)
    return blocked


def current_eligible(clearance: Clearance) -> QuerySet[Any]:
    """Who may decide the clearance's current step: eligible, and not a decider of another step."""
    step = clearance.steps_snapshot[clearance.current_step]
    return eligible(clearance.post, step).exclude(pk__in=blocked_as_earlier(clearance))


def is_exception(user: Any, clearance: Clearance) -> bool:
    """Would ``user``'s decision now be an HQ exception (a second step by the same person)?"""
    return bool(user.pk in earlier_deciders(clearance))


def can_decide(user: Any, clearance: Clearance) -> bool:
    if clearance.state != "open" or not getattr(user, "is_authenticated", False):
        return False
    step = clearance.steps_snapshot[clearance.current_step]
    already = clearance.decisions.filter(step=step["order"], user=user).exists()
    return not already and current_eligible(clearance).filter(pk=user.pk).exists()


def step_done(clearance: Clearance) -> bool:
    step = clearance.steps_snapshot[clearance.current_step]
    approvers = set(
        clearance.decisions.filter(step=step["order"], verdict=Verdict.APPROVE).values_list(
            "user_id", flat=True
        )
    )
    if step["mode"] == StepMode.ANY:
        return bool(approvers)
    # Those who decided an earlier step cannot decide this one, so an all-of step does not wait for them.
    needed = set(current_eligible(clearance).values_list("pk", flat=True))
    return bool(needed) and needed <= approvers


def open_clearance(post: Post) -> Clearance | None:
    return post.clearances.filter(state="open").first()
