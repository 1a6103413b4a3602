"""Every write to engagements, registrations, post plans and virtual embassy sites.

``check_*`` authorises, ``do_*`` changes data and audits. Registrations are personal data: the
audit trail records their counts and states, never names or addresses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import operator_label as _label
from elshi.audit.log import record
from elshi.common.actors import Actor, person_or_none
from elshi.engagements.invites import cancel_token
from elshi.engagements.models import (
    Engagement,
    MissionSite,
    Registration,
    RegistrationStatus,
    Visibility,
)
from elshi.engagements.tasks import send_registration_email
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, require

__all__ = [
    "check_write",
    "do_cancel_registration",
    "do_purge_expired",
    "do_register",
    "do_resend_email",
    "do_save_engagement",
    "do_save_site",
]


def check_write(acting_user: Actor, mission: Mission) -> None:
    require(acting_user, Perm.COMPOSE, mission)


def do_save_engagement(
    engagement: Engagement, *, acting_user: Actor, narratives: list[Any] | None = None
) -> Engagement:
    creating = engagement.pk is None
    if engagement.ends_at <= engagement.starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    with transaction.atomic():
        if creating:
            engagement.created_by = person_or_none(acting_user)
        engagement.full_clean(exclude=["created_by"])
        engagement.save()
        if narratives is not None:
            engagement.narratives.set(narratives)
        record(
            acting_user,
            "engagement.create" if creating else "engagement.update",
            engagement,
            mission_slug=engagement.mission.slug,
            changes={
                "kind": engagement.kind,
                "visibility": engagement.visibility,
                "starts_at": engagement.starts_at.isoformat(),
                "meeting_link": bool(engagement.meeting_link_encrypted),  # never the link itself
            },
            actor_label=_label(acting_user),
        )
    return engagement


def cancel_url(base_url: str, registration: Registration) -> str:
    if not base_url:
        return ""
    path = reverse(
        "site_cancel",
        args=[registration.engagement.mission.slug, registration.language, cancel_token(registration)],
    )
    return base_url.rstrip("/") + path


def _confirm_later(registration: Registration, base_url: str) -> None:
    """Queue the e-mail for the worker once the registration is committed (JSON-safe arguments)."""
    transaction.on_commit(
        lambda: send_registration_email(registration.pk, cancel_url(base_url, registration))
    )


def seats_taken(engagement: Engagement) -> int:
    return sum(
        1
        for reg in engagement.registrations.filter(status=RegistrationStatus.CONFIRMED)
        if engagement.capacity_bound(reg.attendance)
    )


def do_register(
    engagement: Engagement, data: dict[str, Any], *, base_url: str = "", notify: bool = True
) -> Registration:
    """A visitor registers: confirmed while seats remain, otherwise on the waiting list."""
    if engagement.visibility != Visibility.PUBLIC or engagement.purged_at is not None:
        raise ValidationError(_("This engagement does not take registrations here."))
    if engagement.ends_at <= timezone.now():
        raise ValidationError(_("This engagement is over; registration is closed."))
    if data["attendance"] not in engagement.modes:
        raise ValidationError(_("Choose one of the ways to attend that this engagement offers."))
    with transaction.atomic():
        # Lock the engagement row so two visitors cannot take the last seat together.
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        full = (
            locked.capacity is not None
            and locked.capacity_bound(data["attendance"])
            and seats_taken(locked) >= locked.capacity
        )
        registration = Registration(
            engagement=locked,
            name=data["name"],
            email=data["email"],
            organisation=data.get("organisation", ""),
            attendance=data["attendance"],
            language=data["language"],
            consent_text=data["consent_text"],
            status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED,
        )
        registration.full_clean()
        registration.save()
        record(
            None,
            "registration.create",
            registration,
            mission_slug=locked.mission.slug,
            changes={"status": registration.status, "attendance": registration.attendance},
            actor_label="visitor",
        )
        if notify:
            _confirm_later(registration, base_url)
    return registration


def do_cancel_registration(registration: Registration, *, base_url: str = "") -> Registration | None:
    """The registrant cancels; the first on the waiting list for the same kind of seat moves up.

    Returns the promoted registration, if any.
    """
    engagement = registration.engagement
    with transaction.atomic():
        Engagement.objects.select_for_update().get(pk=engagement.pk)
        # Read the registration again under the lock: a second request (double click, two tabs)
        # may have loaded it before the first cancelled it.
        current = Registration.objects.filter(pk=registration.pk).first()
        if current is None or current.status == RegistrationStatus.CANCELLED:
            return None
        registration.status = current.status
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        record(
            None,
            "registration.cancel",
            registration,
            mission_slug=engagement.mission.slug,
            actor_label="visitor",
        )
        promoted = None
        if was_confirmed and engagement.capacity_bound(registration.attendance):
            waiting = engagement.registrations.filter(status=RegistrationStatus.WAITLISTED)
            promoted = next((r for r in waiting if engagement.capacity_bound(r.attendance)), None)
        if promoted is not None and (
            engagement.capacity is None or seats_taken(engagement) < engagement.capacity
        ):
            promoted.status = RegistrationStatus.CONFIRMED
            promoted.save(update_fields=["status"])
            record(
                None,
                "registration.promote",
                promoted,
                mission_slug=engagement.mission.slug,
                actor_label="system",
            )
            _confirm_later(promoted, base_url)
        else:
            promoted = None
    return promoted


def do_resend_email(registration: Registration, *, acting_user: Actor, base_url: str = "") -> None:
    """An editor asks to send a registration's e-mail again; audited, without the address."""
    engagement = registration.engagement
    require(acting_user, Perm.COMPOSE, engagement.mission)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration is cancelled: there is nothing to send."))
    with transaction.atomic():
        record(
            acting_user,
            "registration.resend_email",
            registration,
            mission_slug=engagement.mission.slug,
            changes={"status": registration.status, "had_error": bool(registration.last_email_error)},
            actor_label=_label(acting_user),
        )
        _confirm_later(registration, base_url)


def do_save_site(site: MissionSite, *, acting_user: Actor) -> MissionSite:
    creating = site.pk is None
    with transaction.atomic():
        site.full_clean()
        site.save()
        record(
            acting_user,
            "site.create" if creating else "site.update",
            site,
            mission_slug=site.mission.slug,
            changes={"published": site.is_published},
            actor_label=_label(acting_user),
        )
    return site


def do_purge_expired(now: dt.datetime | None = None) -> int:
    """Delete registrants' personal data once each engagement's retention period after its end is over."""
    now = now or timezone.now()
    done = 0
    due = Engagement.objects.filter(purged_at__isnull=True, ends_at__lt=now)
    for engagement in due.select_related("mission"):
        if engagement.ends_at + dt.timedelta(days=engagement.retention_days) > now:
            continue
        with transaction.atomic():
            counts = {
                status: engagement.registrations.filter(status=status).count()
                for status in RegistrationStatus.values
            }
            deleted, _detail = engagement.registrations.all().delete()
            engagement.purged_at = now
            engagement.save(update_fields=["purged_at"])
            record(
                None,
                "registration.purge",
                engagement,
                mission_slug=engagement.mission.slug,
                changes={
                    "deleted": deleted,
                    "by_status": counts,
                    "retention_days": engagement.retention_days,
                },
                actor_label="retention",
            )
        done += 1
    return done
