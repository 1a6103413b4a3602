"""Calendar (ICS) subscription links: create, revoke, and resolve a link's URL to a live link.

``check_*`` authorises, ``do_*`` writes and audits, as in every app's actions. A link's URL is
``ical/<token>.ics`` where the token signs the link's id (salt below): the old links, which signed the
person and the mission and never expired, fail the new salt and open nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import record
from elshi.common.actors import Actor, person
from elshi.content.models import Campaign
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, has_perm, missions_with
from elshi.publishing.models import CalendarLink

__all__ = [
    "check_create_link",
    "check_revoke_link",
    "do_create_link",
    "do_revoke_link",
    "drafts_allowed",
    "link_for_token",
    "link_token",
    "links_of",
]

SALT = "elshi.ics.link"
User = AbstractBaseUser | AnonymousUser


def drafts_allowed(user: User, mission: Mission) -> bool:
    """Who may see posts before clearance in a feed: those who write or clear them, not readers."""
    return has_perm(user, Perm.COMPOSE, mission) or has_perm(user, Perm.APPROVE, mission)


def check_create_link(user: User, target: Mission | Campaign, *, with_drafts: bool) -> None:
    if isinstance(target, Mission):
        if not has_perm(user, Perm.VIEW, target):
            raise PermissionDenied(_("You do not see this mission's calendar."))
        if with_drafts and not drafts_allowed(user, target):
            raise ValidationError(
                _("Only people who write or clear this mission's posts may include drafts.")
            )
    else:
        allowed = missions_with(user, Perm.VIEW)
        if not target.missions.filter(pk__in=allowed).exists():
            raise PermissionDenied(_("You do not see any mission of this campaign."))
        if with_drafts and not any(drafts_allowed(user, m) for m in target.missions.filter(pk__in=allowed)):
            raise ValidationError(
                _("Only people who write or clear this campaign's posts may include drafts.")
            )


def do_create_link(
    user: Actor, target: Mission | Campaign, *, with_drafts: bool, acting_user: Actor
) -> CalendarLink:
    now = timezone.now()
    link = CalendarLink.objects.create(
        user=person(user),
        mission=target if isinstance(target, Mission) else None,
        campaign=target if isinstance(target, Campaign) else None,
        with_drafts=with_drafts,
        expires_at=now + dt.timedelta(days=settings.ELSHI_CALENDAR_LINK_DAYS),
    )
    record(
        acting_user,
        "calendar_link.create",
        link,
        mission_slug=target.slug if isinstance(target, Mission) else "",
        changes={
            "target": str(target),
            "with_drafts": with_drafts,
            "expires_at": link.expires_at.isoformat(),
        },
    )
    return link


def check_revoke_link(user: User, link: CalendarLink) -> None:
    if link.user_id != user.pk:
        raise PermissionDenied(_("This calendar link is not yours."))
    if link.revoked_at is not None:
        raise ValidationError(_("This calendar link was already revoked."))


def do_revoke_link(link: CalendarLink, *, acting_user: Actor) -> None:
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    record(acting_user, "calendar_link.revoke", link, changes={"target": str(link.target)})


def link_token(link: CalendarLink) -> str:
    return signing.dumps(link.pk, salt=SALT, compress=True)


def link_for_token(token: str, now: dt.datetime) -> CalendarLink | None:
    """The live link a token names: signed by this installation, not revoked, not expired, owner active."""
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return (
        CalendarLink.objects.select_related("user", "mission", "campaign")
        .filter(pk=pk, revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )


def links_of(user: User, now: dt.datetime) -> QuerySet[CalendarLink]:
    """A person's links still in force, newest first (expired and revoked ones drop off the list)."""
    return CalendarLink.objects.filter(
        user_id=int(user.pk or 0), revoked_at__isnull=True, expires_at__gt=now
    ).select_related("mission", "campaign")
