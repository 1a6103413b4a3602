"""Every write to missions, people, roles and tokens.

``check_*`` validates and authorises (raising ``PermissionDenied`` or
``ValidationError``); ``do_*`` changes data and appends to the audit chain in
the same transaction. ``acting_user=None`` means the operator at the command
line, who already holds the keys to the server.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import operator_label as _label
from elshi.audit.log import record
from elshi.common.actors import Actor
from elshi.missions.models import (
    TOKEN_DAYS_DEFAULT,
    ApiToken,
    Membership,
    Mission,
    Role,
    SecurityPolicy,
    TokenScope,
)
from elshi.missions.permissions import Perm, holds_privileged_role, is_ministry_admin, require

TOKEN_PREFIX = "elshi_"  # noqa: S105 - a visible prefix, not a secret

MISSION_FIELDS = ("name", "kind", "host_country", "city", "timezone", "languages", "is_active")


def check_manage_mission(acting_user: Actor, mission: Mission | None) -> None:
    if acting_user is None:
        return
    if mission is None:
        if not is_ministry_admin(acting_user):
            raise ValidationError(_("Only ministry administrators can create missions."))
        return
    require(acting_user, Perm.MANAGE, mission)


def do_save_mission(mission: Mission, *, acting_user: Actor) -> Mission:
    mission.full_clean()
    creating = mission.pk is None
    before = {} if creating else dict(Mission.objects.filter(pk=mission.pk).values(*MISSION_FIELDS).get())
    with transaction.atomic():
        mission.save()
        after = {f: getattr(mission, f) for f in MISSION_FIELDS}
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        record(
            acting_user,
            "mission.create" if creating else "mission.update",
            mission,
            mission_slug=mission.slug,
            changes=changes,
            actor_label=_label(acting_user),
        )
    return mission


def do_create_user(
    username: str, *, password: str | None, email: str = "", acting_user: Actor, superuser: bool = False
) -> tuple[AbstractBaseUser, str]:
    """Create a person; returns the user and the password (generated when none was given)."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("A user named %(name)s already exists.") % {"name": username})
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    user = User(username=username, email=email, is_superuser=superuser, is_staff=superuser)
    if not generated:
        validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        record(
            acting_user,
            "user.create",
            user,
            changes={"superuser": superuser, "email": email},
            actor_label=_label(acting_user),
        )
    return user, password


def check_set_role(acting_user: Actor, mission: Mission, role: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role %(role)s. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if acting_user is not None:
        require(acting_user, Perm.MANAGE, mission)
        if role == Role.ADMIN and mission.is_hq and not is_ministry_admin(acting_user):
            raise ValidationError(_("Only ministry administrators can appoint HQ administrators."))


def do_set_role(
    user: Any, mission: Mission, role: str | None, *, acting_user: Actor, actor_label: str | None = None
) -> Membership | None:
    """Give ``user`` ``role`` at ``mission``, replacing any role there; ``None`` removes it.

    ``actor_label`` names a non-person actor in the audit trail (``sso``: the identity provider's groups)."""
    with transaction.atomic():
        current = Membership.objects.select_for_update().filter(user=user, mission=mission).first()
        old = current.role if current else None
        if role is None:
            if current is not None:
                current.delete()
            membership = None
        elif current is None:
            membership = Membership.objects.create(user=user, mission=mission, role=role)
        else:
            current.role = role
            current.save(update_fields=["role"])
            membership = current
        if old != role:
            record(
                acting_user,
                "role.set" if role else "role.remove",
                user,
                mission_slug=mission.slug,
                changes={"role": [old, role]},
                actor_label=actor_label or _label(acting_user),
            )
    return membership


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_create_token(acting_user: Actor, user: Any, *, second_factor_verified: bool) -> None:
    """A token skips the second factor, so a person who must give one has to have given it first."""
    if acting_user is None:
        return  # the operator at the command line already holds the server's keys
    if acting_user.pk != user.pk:
        raise ValidationError(_("You can only create tokens for yourself."))
    if holds_privileged_role(user) and not second_factor_verified:
        raise ValidationError(
            _(
                "Your roles can approve, publish or write for other missions: set up and verify "
                "two-factor authentication in this session before creating an API token."
            )
        )


def do_create_token(
    user: Any,
    name: str,
    *,
    acting_user: Actor,
    scopes: Collection[str] = tuple(TokenScope.values),
    expires_in: timedelta = timedelta(days=TOKEN_DAYS_DEFAULT),
) -> tuple[ApiToken, str]:
    """Create an API token; the plain token is returned once and never stored."""
    unknown = set(scopes) - set(TokenScope.values)
    if unknown or not scopes:
        raise ValidationError(
            _("Choose at least one scope among: %(known)s."), params={"known": ", ".join(TokenScope.values)}
        )
    if expires_in <= timedelta(0):
        raise ValidationError(_("A token must expire in the future."))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ordered = [s for s in TokenScope.values if s in set(scopes)]
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name or "token",
            prefix=plain[: len(TOKEN_PREFIX) + 6],
            digest=token_digest(plain),
            scopes=ordered,
            expires_at=timezone.now() + expires_in,
        )
        record(
            acting_user,
            "token.create",
            user,
            changes={
                "token": token.prefix,
                "name": token.name,
                "scopes": ordered,
                "expires_at": token.expires_at.isoformat(),
            },
            actor_label=_label(acting_user),
        )
    return token, plain


def check_revoke_token(acting_user: Actor, token: ApiToken) -> None:
    if acting_user is not None and token.user_id != acting_user.pk and not is_ministry_admin(acting_user):
        raise ValidationError(_("You can only revoke your own tokens."))


def do_revoke_token(token: ApiToken, *, acting_user: Actor) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            acting_user,
            "token.revoke",
            token.user,
            changes={"token": token.prefix},
            actor_label=_label(acting_user),
        )


def check_set_security_policy(acting_user: Actor) -> None:
    if acting_user is not None and not is_ministry_admin(acting_user):
        raise ValidationError(_("Only ministry administrators can change the security policy."))


def do_set_security_policy(*, require_2fa: bool, acting_user: Actor) -> SecurityPolicy:
    with transaction.atomic():
        policy = SecurityPolicy.current()
        old = policy.require_2fa_for_privileged
        policy.require_2fa_for_privileged = require_2fa
        policy.save()
        if old != require_2fa:
            record(
                acting_user,
                "security.policy",
                policy,
                changes={"require_2fa_for_privileged": [old, require_2fa]},
                actor_label=_label(acting_user),
            )
    return policy


def do_save_channel(channel: Any, *, acting_user: Actor) -> Any:
    channel.full_clean()
    creating = channel.pk is None
    with transaction.atomic():
        channel.save()
        record(
            acting_user,
            "channel.create" if creating else "channel.update",
            channel,
            mission_slug=channel.mission.slug,
            changes={"platform": channel.platform, "handle": channel.handle},
            actor_label=_label(acting_user),
        )
    return channel
