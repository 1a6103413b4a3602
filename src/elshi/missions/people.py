"""People administration: who may see and change a person, deactivation, reactivation, lockouts.

A mission administrator sees the people who hold a role at a mission they manage; deactivating
someone reaches every mission where that person works, so it needs the manage permission at all
of them (else a ministry administrator). Deactivation ends the person's sessions and API tokens at
once rather than at their next request, so a leaver's open browser or script stops immediately.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import operator_label as _label
from elshi.audit.log import record
from elshi.common.actors import Actor
from elshi.missions.models import ApiToken, Membership, MissionKind, Role
from elshi.missions.permissions import Perm, has_perm, is_ministry_admin, missions_with

__all__ = [
    "check_change_person",
    "check_see_person",
    "do_deactivate",
    "do_reactivate",
    "do_unlock",
    "end_sessions",
    "is_locked_out",
    "people_for",
]

# Session stores that keep rows in the database, which can be searched for one person's sessions.
_DB_SESSIONS = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}


def people_for(acting_user: Any) -> QuerySet[Any]:
    """Everyone ``acting_user`` administers: with a role where they manage (all, for the ministry)."""
    users = get_user_model().objects.all()
    if is_ministry_admin(acting_user):
        return users
    return users.filter(memberships__mission__in=missions_with(acting_user, Perm.MANAGE)).distinct()


def _is_ministry_level(user: Any) -> bool:
    # Read from the table, not ``is_ministry_admin``: that answers False for a deactivated person.
    return (
        bool(user.is_superuser)
        or Membership.objects.filter(user=user, role=Role.ADMIN, mission__kind=MissionKind.HQ).exists()
    )


def check_see_person(acting_user: Actor, user: Any) -> None:
    if acting_user is None or is_ministry_admin(acting_user):
        return
    if not people_for(acting_user).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You do not administer a mission where this person holds a role."))


def check_change_person(acting_user: Actor, user: Any) -> None:
    """Deactivate, reactivate, unlock: needs the manage permission wherever the person holds a role."""
    if acting_user is None:
        return
    if acting_user.pk == user.pk:
        raise ValidationError(_("You cannot change your own account's access: ask another administrator."))
    if is_ministry_admin(acting_user):
        return
    check_see_person(acting_user, user)
    if _is_ministry_level(user):
        raise PermissionDenied(
            _("Only ministry administrators can change a ministry administrator's access.")
        )
    for membership in Membership.objects.filter(user=user).select_related("mission"):
        if not has_perm(acting_user, Perm.MANAGE, membership.mission):
            raise PermissionDenied(
                _(
                    "%(name)s also holds a role at %(mission)s, which you do not manage: "
                    "ask a ministry administrator."
                )
                % {"name": user.get_username(), "mission": membership.mission.name}
            )


def end_sessions(user: Any) -> int:
    """Delete every database session of ``user``; returns how many ended."""
    if settings.SESSION_ENGINE not in _DB_SESSIONS:
        # Other stores cannot be searched; Django's ModelBackend still refuses an inactive person on
        # their next request, which is the fallback this relies on.
        return 0
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def do_deactivate(user: Any, *, acting_user: Actor) -> dict[str, int]:
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        sessions = end_sessions(user)
        record(
            acting_user,
            "user.deactivated",
            user,
            changes={"is_active": [True, False], "tokens_revoked": tokens, "sessions_ended": sessions},
            actor_label=_label(acting_user),
        )
    return {"tokens": tokens, "sessions": sessions}


def do_reactivate(user: Any, *, acting_user: Actor) -> None:
    """The person can sign in again; their old API tokens stay revoked (they create new ones)."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        record(
            acting_user,
            "user.reactivated",
            user,
            changes={"is_active": [False, True]},
            actor_label=_label(acting_user),
        )


def is_locked_out(user: Any) -> bool:
    return AccessAttempt.objects.filter(
        username=user.get_username(), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


def do_unlock(user: Any, *, acting_user: Actor) -> int:
    """Lift django-axes' lockouts of this username (every address); returns how many were cleared."""
    with transaction.atomic():
        count = int(reset(username=user.get_username()))
        record(
            acting_user, "user.unlocked", user, changes={"cleared": count}, actor_label=_label(acting_user)
        )
    return count
