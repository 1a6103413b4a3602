"""Every write to narratives, claims, campaigns and posts.

``check_*`` authorises, ``do_*`` changes data and audits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import operator_label as _label
from elshi.audit.log import record
from elshi.common.actors import Actor, person, person_or_none
from elshi.content.media import media_problems
from elshi.content.models import (
    CLAIM_FACTS,
    CLEARED_STATES,
    EDITABLE_STATES,
    Campaign,
    Claim,
    ClaimOverride,
    Narrative,
    Post,
    PostState,
    Variant,
)
from elshi.content.signals import post_rescheduled, post_withdrawn
from elshi.missions.models import Channel, Mission
from elshi.missions.permissions import Perm, has_perm, is_ministry_admin, require

# Narratives, claims and campaigns: ministry-wide, curated by HQ editors and administrators.


def check_curate(acting_user: Actor) -> None:
    if acting_user is not None and not (
        is_ministry_admin(acting_user) or has_perm(acting_user, Perm.CURATE, None)
    ):
        raise PermissionDenied(
            _("Only HQ editors and administrators curate narratives, claims and campaigns.")
        )


def do_save(
    obj: Narrative | Claim | Campaign, *, acting_user: Actor, m2m: dict[str, list[Any]] | None = None
) -> Any:
    obj.full_clean()
    creating = obj.pk is None
    with transaction.atomic():
        changed = _claim_changes(obj, acting_user) if isinstance(obj, Claim) else {}
        obj.save()
        for name, values in (m2m or {}).items():
            getattr(obj, name).set(values)
        kind = obj._meta.model_name
        record(
            acting_user,
            f"{kind}.{'create' if creating else 'update'}",
            obj,
            changes=changed,
            actor_label=_label(acting_user),
        )
    return obj


def _claim_changes(claim: Claim, acting_user: Actor) -> dict[str, Any]:
    """What of the claim's figure and source changed; a verified claim so changed needs verifying again."""
    old = Claim.objects.filter(pk=claim.pk).first() if claim.pk else None
    changed = {
        name: [str(getattr(old, name)) if old else None, str(getattr(claim, name))]
        for name in CLAIM_FACTS
        if old is None or getattr(old, name) != getattr(claim, name)
    }
    if old is None or changed:
        claim.values_by = person_or_none(acting_user)
    if old is not None and changed and old.verified_at is not None:
        claim.verified_by, claim.verified_at = None, None
        record(
            acting_user,
            "claim.unverify",
            claim,
            changes={**changed, "verified_by": old.verified_by.get_username() if old.verified_by else None},
            actor_label=_label(acting_user),
        )
    return changed if old is not None else {}


def check_verify_claim(acting_user: Actor, claim: Claim) -> None:
    """Curators verify; never the one who entered the figure and source as they stand (four eyes)."""
    check_curate(acting_user)
    if claim.values_by_id is not None and claim.values_by_id == person(acting_user).pk:
        raise PermissionDenied(
            _("Four eyes: someone other than who entered this claim's figure and source must verify it.")
        )


def do_verify_claim(claim: Claim, *, acting_user: Actor) -> Claim:
    with transaction.atomic():
        claim.verified_by = person(acting_user)
        claim.verified_at = timezone.now()
        claim.save(update_fields=["verified_by", "verified_at", "updated_at"])
        record(
            acting_user,
            "claim.verify",
            claim,
            changes={"source": claim.source_url},
            actor_label=_label(acting_user),
        )
    return claim


# Posts.


def check_compose(acting_user: Actor, mission: Mission, channels: list[Channel]) -> None:
    """Mission editors write for and target their own mission; HQ editors any."""
    require(acting_user, Perm.COMPOSE, mission)
    for channel in channels:
        if not has_perm(acting_user, Perm.COMPOSE, channel.mission):
            raise PermissionDenied(
                _("You may not target %(channel)s of another mission.") % {"channel": channel}
            )
        if channel.mission_id != mission.pk and not has_perm(acting_user, Perm.COMPOSE, None):
            raise PermissionDenied(str(channel))


def check_edit(acting_user: Actor, post: Post) -> None:
    require(acting_user, Perm.COMPOSE, post.mission)
    if not post.is_editable:
        raise ValidationError(
            _("A post that is %(state)s cannot be edited.") % {"state": post.get_state_display()}
        )


def do_save_post(
    post: Post,
    *,
    acting_user: Actor,
    variants: list[dict[str, Any]] | None = None,
    channels: list[Channel] | None = None,
    narratives: list[Narrative] | None = None,
    claims: list[Claim] | None = None,
) -> Post:
    """Create or edit a post.

    Editing a post that was cleared sends it back to draft: it must be cleared again.
    """
    creating = post.pk is None
    changes: dict[str, Any] = {}
    problems = [p for data in variants or [] for p in media_problems(post.mission_id, data.get("media", []))]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if creating:
            post.created_by = person(acting_user)
        elif post.state in (PostState.SCHEDULED, PostState.EXPIRED):
            changes["state"] = [post.state, PostState.DRAFT]
            post.state = PostState.DRAFT
            post.cleared_at = None
            post_withdrawn.send(Post, post=post, acting_user=acting_user)
        post.full_clean(exclude=["created_by"])
        post.save()
        if acting_user is not None:
            post.editors.add(person(acting_user))
        if channels is not None:
            post.channels.set(channels)
        if narratives is not None:
            post.narratives.set(narratives)
        if claims is not None:
            post.claims.set(claims)
        if variants is not None:
            kept = []
            for data in variants:
                variant, _created = Variant.objects.update_or_create(
                    post=post,
                    platform=data["platform"],
                    language=data["language"],
                    defaults={
                        "text": data.get("text", ""),
                        "link": data.get("link", ""),
                        "media": data.get("media", []),
                        "options": data.get("options", {}),
                    },
                )
                variant.full_clean()
                kept.append(variant.pk)
            post.variants.exclude(pk__in=kept).delete()
            changes["variants"] = [f"{v['platform']}/{v['language']}" for v in variants]
        record(
            acting_user,
            "post.create" if creating else "post.update",
            post,
            mission_slug=post.mission.slug,
            changes=changes,
            actor_label=_label(acting_user),
        )
    return post


def check_reschedule(acting_user: Actor, post: Post, when: dt.datetime) -> None:
    require(acting_user, Perm.COMPOSE, post.mission)
    if post.state not in EDITABLE_STATES:
        raise ValidationError(
            _("A post that is %(state)s cannot be rescheduled.") % {"state": post.get_state_display()}
        )
    if when <= timezone.now():
        raise ValidationError(_("Choose a time in the future."))


def do_reschedule(post: Post, when: dt.datetime, *, acting_user: Actor, clearance_kept: bool) -> Post:
    """Move a post, keeping its state; an expired post becomes scheduled again.

    Content cannot tell whether a cleared post's clearance covers the new time (the policy decides):
    a cleared post is moved through ``elshi.clearance.reschedule``, which passes ``clearance_kept`` or
    sends the post through clearance again. A cleared post moved here otherwise is a bug, not a move.
    """
    if post.state in CLEARED_STATES and not clearance_kept:
        raise ValueError(f"post {post.pk} is cleared: move it through elshi.clearance.reschedule")
    with transaction.atomic():
        old = post.scheduled_at
        post.scheduled_at = when
        if post.state == PostState.EXPIRED:
            post.state = PostState.SCHEDULED
        post.save(update_fields=["scheduled_at", "state", "updated_at"])
        record(
            acting_user,
            "post.reschedule",
            post,
            mission_slug=post.mission.slug,
            changes={
                "scheduled_at": [old.isoformat() if old else None, when.isoformat()],
                "clearance": "kept" if post.state == PostState.SCHEDULED else "none yet",
            },
            actor_label=_label(acting_user),
        )
        if post.state == PostState.SCHEDULED:
            post_rescheduled.send(Post, post=post, acting_user=acting_user)
    return post


def check_override(acting_user: Actor, post: Post, figure: str, reason: str) -> None:
    require(acting_user, Perm.APPROVE, post.mission)
    actor = person(acting_user)
    if actor.pk == post.created_by_id or post.editors.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Four eyes: you cannot override a figure in a post you wrote or edited."))
    if len(reason.strip()) < 10:
        raise ValidationError(_("Write the reason for the override (at least 10 characters)."))


def do_override(post: Post, figure: str, reason: str, *, acting_user: Actor) -> ClaimOverride:
    with transaction.atomic():
        override, _created = ClaimOverride.objects.update_or_create(
            post=post, figure=figure, defaults={"reason": reason.strip(), "approved_by": person(acting_user)}
        )
        record(
            acting_user,
            "post.claim_override",
            post,
            mission_slug=post.mission.slug,
            changes={"figure": figure, "reason": reason.strip()},
            actor_label=_label(acting_user),
        )
    return override


def do_cancel(post: Post, *, acting_user: Actor) -> Post:
    require(acting_user, Perm.COMPOSE, post.mission)
    with transaction.atomic():
        old = post.state
        post.state = PostState.CANCELLED
        post.save(update_fields=["state", "updated_at"])
        post.clearances.filter(state="open").update(state="withdrawn", closed_at=timezone.now())
        post_withdrawn.send(Post, post=post, acting_user=acting_user)
        record(
            acting_user,
            "post.cancel",
            post,
            mission_slug=post.mission.slug,
            changes={"state": [old, "cancelled"]},
        )
    return post
