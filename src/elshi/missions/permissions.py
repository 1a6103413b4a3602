"""The one place that decides who may do what, and where.

Roles are held per mission. A role grants its permissions at that mission
only, with two exceptions for roles held at a headquarters mission: an
``admin`` there (and a Django superuser) administers every mission, and an
``hq_editor`` there writes for every mission, and an ``approver`` there reads every
mission (to clear what policies send to HQ) (``HQ_WIDE``). Views, API endpoints and CLI
commands all ask ``has_perm`` / ``missions_with`` / ``require``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from elshi.missions.models import Membership, Mission, MissionKind, Role

__all__ = [
    "HQ_WIDE",
    "PRIVILEGED_ROLES",
    "ROLE_PERMS",
    "Perm",
    "has_perm",
    "holds_privileged_role",
    "is_ministry_admin",
    "missions_with",
    "require",
    "roles_of",
]


class Perm(StrEnum):
    VIEW = "view"  # see the mission's workspace
    LISTEN = "listen"  # see listening data, dashboards and alerts
    COMPOSE = "compose"  # draft posts and assets
    CURATE = "curate"  # narratives, claims and campaigns
    APPROVE = "approve"  # clear posts
    PUBLISH = "publish"  # channels and deliveries
    ANALYSE = "analyse"  # configure sources, run reports
    AUDIT = "audit"  # read the audit trail
    MANAGE = "manage"  # mission settings and people


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.HQ_EDITOR: frozenset({Perm.VIEW, Perm.LISTEN, Perm.COMPOSE, Perm.CURATE, Perm.ANALYSE}),
    Role.APPROVER: frozenset({Perm.VIEW, Perm.LISTEN, Perm.COMPOSE, Perm.APPROVE, Perm.PUBLISH, Perm.AUDIT}),
    Role.MISSION_EDITOR: frozenset({Perm.VIEW, Perm.LISTEN, Perm.COMPOSE}),
    Role.ANALYST: frozenset({Perm.VIEW, Perm.LISTEN, Perm.ANALYSE}),
    Role.VIEWER: frozenset({Perm.VIEW}),
}


# What a role held at an HQ mission grants at every mission.
HQ_WIDE: dict[str, frozenset[Perm]] = {
    Role.HQ_EDITOR: frozenset({Perm.VIEW, Perm.LISTEN, Perm.COMPOSE, Perm.CURATE, Perm.ANALYSE}),
    # HQ approvers clear posts of every mission whose policy asks for HQ: they must read them.
    Role.APPROVER: frozenset({Perm.VIEW, Perm.LISTEN}),
}


# Writes that reach beyond one mission's own drafts: a stolen password with one of these roles
# clears, sends or rewrites in the ministry's name, so these roles owe a second factor.
_CLEARING = frozenset({Perm.APPROVE, Perm.PUBLISH, Perm.MANAGE})
_WRITING = frozenset({Perm.COMPOSE, Perm.CURATE, Perm.ANALYSE, Perm.MANAGE})
PRIVILEGED_ROLES: frozenset[str] = frozenset(
    role for role in ROLE_PERMS if ROLE_PERMS[role] & _CLEARING or HQ_WIDE.get(role, frozenset()) & _WRITING
)


def _memberships(user: Any) -> list[Membership]:
    cached: list[Membership] | None = getattr(user, "_elshi_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, mission__is_active=True).select_related("mission"))
        user._elshi_memberships = cached
    return cached


def roles_of(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return _memberships(user)


def is_ministry_admin(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(m.role == Role.ADMIN and m.mission.kind == MissionKind.HQ for m in _memberships(user))


def holds_privileged_role(user: Any) -> bool:
    """Can this person approve, publish, manage, or write for other missions (``PRIVILEGED_ROLES``)?"""
    return is_ministry_admin(user) or any(m.role in PRIVILEGED_ROLES for m in roles_of(user))


def has_perm(user: Any, perm: Perm, mission: Mission | None) -> bool:
    """May ``user`` do ``perm`` at ``mission``? ``mission=None`` asks: at any mission."""
    if is_ministry_admin(user):
        return True
    for membership in roles_of(user):
        if (mission is None or membership.mission_id == mission.pk) and perm in ROLE_PERMS[membership.role]:
            return True
        if membership.mission.kind == MissionKind.HQ and perm in HQ_WIDE.get(membership.role, ()):
            return True
    return False


def missions_with(user: Any, perm: Perm) -> QuerySet[Mission]:
    """The active missions where ``user`` has ``perm``: use it to filter every list."""
    if is_ministry_admin(user):
        return Mission.objects.filter(is_active=True)
    hq_roles = [r for r, perms in HQ_WIDE.items() if perm in perms]
    if any(m.role in hq_roles and m.mission.kind == MissionKind.HQ for m in roles_of(user)):
        return Mission.objects.filter(is_active=True)
    roles = [r for r, perms in ROLE_PERMS.items() if perm in perms]
    return Mission.objects.filter(
        is_active=True, memberships__user=user, memberships__role__in=roles
    ).distinct()


def require(user: Any, perm: Perm, mission: Mission | None) -> None:
    if not has_perm(user, perm, mission):
        raise PermissionDenied(f"{perm} at {mission.slug if mission else 'any mission'}")
