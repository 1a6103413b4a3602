"""Confirmation e-mails with an ICS invitation; the meeting link only for those who attend online."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from elshi.engagements.models import Attendance, Engagement, Registration, RegistrationStatus

log = logging.getLogger(__name__)
CANCEL_SALT = "elshi.engage.cancel"

__all__ = ["cancel_token", "deliver", "invitation", "send_confirmation"]


def cancel_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk, "e": registration.engagement_id}, salt=CANCEL_SALT)


def engagement_event(engagement: Engagement, language: str, *, with_link: bool) -> Event:
    event = Event()
    event.add("uid", f"engagement-{engagement.pk}@elshi")  # stable: the same event for everyone
    event.add("dtstamp", engagement.updated_at)
    event.add("dtstart", engagement.starts_at)  # aware UTC datetimes: written as ...Z
    event.add("dtend", engagement.ends_at)
    event.add("summary", engagement.title(language))
    description = engagement.description(language)
    place = ", ".join(p for p in (engagement.venue, engagement.address) if p)
    if with_link and engagement.meeting_link:
        event.add("location", engagement.meeting_link)
        event.add("url", engagement.meeting_link)
        description = f"{description}\n\n{engagement.meeting_link}".strip()
    elif place:
        event.add("location", place)
    event.add("description", description)
    return event


def invitation(registration: Registration) -> bytes:
    """The ICS of one registration: a REQUEST with the engagement; the link only for online attendance."""
    engagement = registration.engagement
    cal = Calendar()
    cal.add("prodid", "-//elshi//engagements//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    online = registration.attendance == Attendance.ONLINE
    cal.add_component(engagement_event(engagement, registration.language, with_link=online))
    return bytes(cal.to_ical())


def send_confirmation(registration: Registration, site_url: str = "") -> None:
    """Confirmed: the invitation. On the waiting list: a note, and the invitation once promoted."""
    engagement = registration.engagement
    with translation.override(registration.language):
        title = " ".join(engagement.title(registration.language).split())  # one line: it goes in the subject
        local = engagement.starts_at.astimezone(engagement.mission.zone)
        when = f"{local:%Y-%m-%d %H:%M} ({engagement.mission.timezone})"
        lines = [_("Dear %(name)s,") % {"name": registration.name}, ""]
        if registration.status == RegistrationStatus.CONFIRMED:
            subject = _("Registration confirmed: %(title)s") % {"title": title}
            lines.append(
                _("Your registration for %(title)s on %(when)s is confirmed.")
                % {"title": title, "when": when}
            )
            if registration.attendance == Attendance.ONLINE and engagement.meeting_link:
                lines.append(_("Join online: %(link)s") % {"link": engagement.meeting_link})
            elif engagement.venue or engagement.address:
                place = ", ".join(p for p in (engagement.venue, engagement.address) if p)
                lines.append(_("Venue: %(place)s") % {"place": place})
            lines.append(_("The invitation for your calendar is attached."))
        else:
            subject = _("Waiting list: %(title)s") % {"title": title}
            lines.append(
                _("%(title)s is full. You are on the waiting list; we will write when a seat is free.")
                % {"title": title}
            )
        if site_url:
            lines += ["", _("To cancel your registration: %(url)s") % {"url": site_url}]
        message = EmailMessage(
            subject, "\n".join(lines) + "\n", settings.DEFAULT_FROM_EMAIL, [registration.email]
        )
        if registration.status == RegistrationStatus.CONFIRMED:
            message.attach("invitation.ics", invitation(registration), "text/calendar")
    message.send()


def deliver(registration_id: int, site_url: str = "", *, only_if_failed: bool = False) -> bool:
    """Send the registration's e-mail now (from the worker) and keep the outcome on the registration.

    Returns False when the send failed: the error and its time stay on the registration, shown to the
    mission's editors with a "send again" action, until a later send succeeds. A cancelled or deleted
    (purged) registration gets nothing; with ``only_if_failed`` (a retry) nor does one whose e-mail
    went out since the failure.
    """
    registration = (
        Registration.objects.select_related("engagement", "engagement__mission")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        return True
    if only_if_failed and not registration.last_email_error:
        return True  # a retry after someone else's send succeeded: nothing is owed
    try:
        send_confirmation(registration, site_url)
    except OSError as exc:  # connection refused, SMTP refusals (smtplib.SMTPException is an OSError)
        log.error("could not e-mail registration %s: %s", registration.pk, exc)
        Registration.objects.filter(pk=registration.pk).update(
            last_email_error=f"{type(exc).__name__}: {exc}"[:1000], last_email_error_at=timezone.now()
        )
        return False
    Registration.objects.filter(pk=registration.pk).update(
        last_email_sent_at=timezone.now(), last_email_error="", last_email_error_at=None
    )
    return True
