"""Submitting posts to clearance and deciding on them. Every transition is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import record
from elshi.clearance.models import Clearance, ClearanceState, Decision, Policy, Step, Verdict
from elshi.clearance.workflow import (
    blocked_as_earlier,
    can_decide,
    current_eligible,
    is_exception,
    open_clearance,
    policy_for,
    snapshot,
    step_done,
)
from elshi.common.actors import Actor, person
from elshi.content.models import Post, PostState
from elshi.content.signals import post_cleared
from elshi.content.validation import check_post
from elshi.missions.notify import notify
from elshi.missions.permissions import Perm, require

SUBMITTABLE = {PostState.DRAFT, PostState.CHANGES_REQUESTED}


class SubmissionInvalid(ValidationError):
    """The post cannot be submitted; ``reports`` holds the per-variant problems."""

    def __init__(self, messages: list[str], reports: list[dict[str, Any]]) -> None:
        super().__init__(messages)
        self.reports = reports


def check_submit(acting_user: Actor, post: Post) -> None:
    require(acting_user, Perm.COMPOSE, post.mission)
    if post.state not in SUBMITTABLE:
        raise ValidationError(
            _("Only a draft can be submitted; this post is %(state)s.") % {"state": post.get_state_display()}
        )
    problems: list[str] = []
    if not post.variants.exists():
        problems.append(_("Write at least one variant."))
    if not post.channels.exists():
        problems.append(_("Choose at least one channel."))
    if post.scheduled_at is None or post.scheduled_at <= timezone.now():
        problems.append(_("Set a publishing time in the future."))
    reports = check_post(post)
    for report in reports:
        problems.extend(f"{report.platform}/{report.language}: {p}" for p in report.problems)
        problems.extend(
            f"{report.platform}/{report.language}: “{f.figure.text}” {f.message}"
            for f in report.blocking_figures
        )
    platforms = {v.platform for v in post.variants.all()}
    missing = sorted({c.platform for c in post.channels.all()} - platforms)
    if missing:
        problems.append(
            _("No variant for the channels on: %(platforms)s.") % {"platforms": ", ".join(missing)}
        )
    if problems:
        raise SubmissionInvalid(problems, [r.as_json() for r in reports])


def do_submit(post: Post, *, acting_user: Actor) -> Clearance:
    with transaction.atomic():
        old = post.state
        clearance, policy = start_clearance(post, acting_user=acting_user)
        record(
            acting_user,
            "post.submit",
            post,
            mission_slug=post.mission.slug,
            changes={"state": [old, post.state], "policy": policy.name if policy else "default"},
        )
    return clearance


def start_clearance(post: Post, *, acting_user: Actor) -> tuple[Clearance, Policy | None]:
    """Open a fresh clearance (no decisions) under the policy as it is now; the caller audits why."""
    policy = policy_for(post)
    clearance = Clearance.objects.create(
        post=post,
        policy=policy,
        steps_snapshot=snapshot(policy),
        hq_exceptions=policy.hq_exceptions if policy else False,
        reschedule_window_minutes=policy.reschedule_window_minutes if policy else 0,
        submitted_by=person(acting_user),
    )
    post.state = PostState.IN_CLEARANCE
    post.cleared_at = None
    post.save(update_fields=["state", "cleared_at", "updated_at"])
    _ask_step(clearance)
    return clearance, policy


def _ask_step(clearance: Clearance) -> None:
    url = reverse("post_detail", args=[clearance.post.pk])
    notify(
        current_eligible(clearance),
        "clearance.request",
        _("Clearance requested: %(title)s") % {"title": clearance.post.title},
        url,
    )


def check_decide(acting_user: Actor, post: Post, verdict: str, comment: str) -> Clearance:
    clearance = open_clearance(post)
    if post.state != PostState.IN_CLEARANCE or clearance is None:
        raise ValidationError(_("This post is not waiting for clearance."))
    if verdict not in Verdict.values:
        raise ValidationError(_("Unknown decision %(verdict)s.") % {"verdict": verdict})
    actor = person(acting_user)
    if actor.pk == post.created_by_id or post.editors.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Four eyes: you cannot clear a post you wrote or edited."))
    if actor.pk in blocked_as_earlier(clearance):
        raise PermissionDenied(
            _(
                "Each step needs a different person: you already decided an earlier step of this "
                "clearance, and its policy allows no HQ exception."
            )
        )
    if not can_decide(acting_user, clearance):
        raise PermissionDenied(_("You are not an approver at this post's current clearance step."))
    if verdict != Verdict.APPROVE and not comment.strip():
        raise ValidationError(_("Say what must change, or why it is rejected."))
    return clearance


def do_decide(clearance: Clearance, verdict: str, comment: str, *, acting_user: Actor) -> Clearance:
    post = clearance.post
    url = reverse("post_detail", args=[post.pk])
    with transaction.atomic():
        step = clearance.steps_snapshot[clearance.current_step]
        exception = is_exception(person(acting_user), clearance)
        Decision.objects.create(
            clearance=clearance,
            step=step["order"],
            user=person(acting_user),
            verdict=verdict,
            comment=comment,
            exception=exception,
        )
        if exception:
            record(
                acting_user,
                "post.clearance_exception",
                post,
                mission_slug=post.mission.slug,
                changes={"step": step["order"], "verdict": verdict, "reason": "HQ exception of the policy"},
            )
        old = post.state
        if verdict == Verdict.APPROVE and step_done(clearance):
            if clearance.current_step + 1 < len(clearance.steps_snapshot):
                clearance.current_step += 1
                _ask_step(clearance)
            else:
                clearance.state = ClearanceState.CLEARED
                clearance.closed_at = post.cleared_at = timezone.now()
                clearance.cleared_for = post.scheduled_at
                # Cleared after its slot: never sent late; it waits for a new time.
                late = post.scheduled_at is None or post.scheduled_at <= timezone.now()
                post.state = PostState.EXPIRED if late else PostState.SCHEDULED
                if post.state == PostState.SCHEDULED:
                    post.save(update_fields=["state", "cleared_at", "updated_at"])
                    post_cleared.send(Post, post=post, acting_user=acting_user)
        elif verdict == Verdict.REQUEST_CHANGES:
            clearance.state = ClearanceState.CHANGES_REQUESTED
            clearance.closed_at = timezone.now()
            post.state = PostState.CHANGES_REQUESTED
        elif verdict == Verdict.REJECT:
            clearance.state = ClearanceState.REJECTED
            clearance.closed_at = timezone.now()
            post.state = PostState.REJECTED
        clearance.save()
        post.save(update_fields=["state", "cleared_at", "updated_at"])
        record(
            acting_user,
            f"post.{verdict}",
            post,
            mission_slug=post.mission.slug,
            changes={"state": [old, post.state], "step": step["order"], "comment": comment},
        )
        if post.state != old:
            authors = [post.created_by, *post.editors.all()]
            notify(
                set(authors),
                f"clearance.{verdict}",
                _("%(title)s: %(state)s") % {"title": post.title, "state": post.get_state_display()},
                url,
            )
    return clearance


def check_manage_policy(acting_user: Actor, mission: Any) -> None:
    require(acting_user, Perm.MANAGE, mission)


def do_save_policy(policy: Any, steps: list[dict[str, Any]], *, acting_user: Actor) -> Any:
    """Replace a policy's steps. Posts already in clearance keep the steps they were submitted with."""
    if not steps:
        raise ValidationError(_("A policy needs at least one step."))
    with transaction.atomic():
        policy.full_clean()
        policy.save()
        policy.steps.all().delete()
        for order, data in enumerate(steps, start=1):
            step = Step.objects.create(
                policy=policy,
                order=order,
                role=data.get("role", ""),
                at_hq=data.get("at_hq", False),
                mode=data.get("mode", "any"),
            )
            step.people.set(data.get("people", []))
        record(
            acting_user,
            "policy.save",
            policy,
            mission_slug=policy.mission.slug,
            changes={
                "hq_exceptions": policy.hq_exceptions,
                "reschedule_window_minutes": policy.reschedule_window_minutes,
                "steps": [
                    {
                        "role": s.get("role", ""),
                        "at_hq": s.get("at_hq", False),
                        "mode": s.get("mode"),
                        "people": [u.username for u in s.get("people", [])],
                    }
                    for s in steps
                ],
            },
        )
    return policy
