"""Invitations: an administrator invites by e-mail with a role; the link sets a password, once.

The link carries a random token of which only the SHA-256 digest is stored, so a copy of the
database opens no account. Accepting claims the invitation with one conditional UPDATE
(``accepted_at IS NULL``) whose row count says who won: two clicks at once create one person.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from elshi.audit.log import operator_label as _label
from elshi.audit.log import record
from elshi.common.actors import Actor, person_or_none
from elshi.missions import actions
from elshi.missions.models import Invitation, Mission, Preference
from elshi.missions.permissions import PRIVILEGED_ROLES

__all__ = [
    "check_invite",
    "check_manage_invitation",
    "do_accept",
    "do_invite",
    "do_resend",
    "do_revoke",
    "open_invitation",
]


def _digest(plain: str) -> str:
    return actions.token_digest(plain)


def _new_link_token() -> tuple[str, str]:
    plain = secrets.token_urlsafe(32)
    return plain, _digest(plain)


def _expiry() -> Any:
    return timezone.now() + timedelta(hours=settings.ELSHI_INVITATION_HOURS)


def check_invite(acting_user: Actor, email: str, mission: Mission, role: str) -> None:
    """Who may give ``role`` at ``mission`` may invite with it; an address with an account is refused."""
    actions.check_set_role(acting_user, mission, role)
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s already has an account: give that person a role on the mission's page.")
            % {"email": email}
        )


def check_manage_invitation(acting_user: Actor, invitation: Invitation) -> None:
    actions.check_set_role(acting_user, invitation.mission, invitation.role)


def accept_url(plain: str, base: str) -> str:
    return base.rstrip("/") + reverse("invitation_accept", args=[plain])


def _send(invitation: Invitation, plain: str, base: str) -> None:
    context = {
        "invitation": invitation,
        "url": accept_url(plain, base),
        "hours": settings.ELSHI_INVITATION_HOURS,
    }
    with translation.override(invitation.language):
        subject = _("You are invited to elshi (%(mission)s)") % {"mission": invitation.mission.name}
        body = render_to_string("missions/invitation_email.txt", context)
    message = EmailMessage(subject, body, to=[invitation.email])
    message.extra_headers["Content-Language"] = invitation.language
    message.send()


def do_invite(
    email: str, mission: Mission, role: str, *, language: str, base: str, acting_user: Actor
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link (after commit); returns it and the plain token."""
    plain, digest = _new_link_token()
    with transaction.atomic():
        invitation = Invitation(
            email=email,
            mission=mission,
            role=role,
            language=language,
            digest=digest,
            invited_by=person_or_none(acting_user),
            expires_at=_expiry(),
        )
        invitation.full_clean(exclude=["digest"])
        invitation.save()
        record(
            acting_user,
            "user.invited",
            invitation,
            mission_slug=mission.slug,
            changes={"email": email, "role": role, "expires_at": invitation.expires_at.isoformat()},
            actor_label=_label(acting_user),
        )
        transaction.on_commit(lambda: _send(invitation, plain, base))
    return invitation, plain


def do_resend(invitation: Invitation, *, base: str, acting_user: Actor) -> str:
    """A new link with a new expiry; the old link stops working."""
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was already accepted or revoked."))
    plain, invitation.digest = _new_link_token()
    invitation.expires_at = _expiry()
    with transaction.atomic():
        invitation.save(update_fields=["digest", "expires_at"])
        record(
            acting_user,
            "user.invitation_resent",
            invitation,
            mission_slug=invitation.mission.slug,
            changes={"email": invitation.email, "expires_at": invitation.expires_at.isoformat()},
            actor_label=_label(acting_user),
        )
        transaction.on_commit(lambda: _send(invitation, plain, base))
    return plain


def do_revoke(invitation: Invitation, *, acting_user: Actor) -> None:
    with transaction.atomic():
        won = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not won:
            raise ValidationError(_("This invitation was already accepted or revoked."))
        record(
            acting_user,
            "user.invitation_revoked",
            invitation,
            mission_slug=invitation.mission.slug,
            changes={"email": invitation.email},
            actor_label=_label(acting_user),
        )


def open_invitation(plain: str) -> Invitation | None:
    """The invitation this link opens, or None when it is unknown, used, revoked or expired."""
    found = Invitation.objects.select_related("mission").filter(digest=_digest(plain)).first()
    return found if found is not None and found.is_open(timezone.now()) else None


def needs_second_factor_enrolment(invitation: Invitation) -> bool:
    """Roles that clear, send, manage or write for other missions owe a second factor from the start."""
    return invitation.role in PRIVILEGED_ROLES


def do_accept(invitation: Invitation, *, username: str, password: str) -> Any:
    """Create the person with the invited role; refuses a link that was used, revoked or has expired."""
    with transaction.atomic():
        won = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).update(accepted_at=timezone.now())
        if not won:
            raise ValidationError(_("This invitation link was already used, revoked or has expired."))
        # The invitation is the administrator's decision, so the role is given in their name.
        inviter = invitation.invited_by
        user, _plain = actions.do_create_user(
            username, password=password, email=invitation.email, acting_user=inviter
        )
        Preference.objects.create(user_id=user.pk, language=invitation.language)
        actions.do_set_role(user, invitation.mission, invitation.role, acting_user=inviter)
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by_id=user.pk)
        record(
            user,
            "user.invitation_accepted",
            invitation,
            mission_slug=invitation.mission.slug,
            changes={"email": invitation.email, "username": username, "role": invitation.role},
            actor_label=username,
        )
    return user
