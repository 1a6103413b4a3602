"""The weekly brief by e-mail: HTML body, PDF attached, through Django's mail (ELSHI_EMAIL_URL).

``send_due_briefs`` runs every day (``elshi.reports.tasks``); each active subscription gets the brief
of the last complete week (Monday to Sunday) once: ``last_sent_for`` remembers the week already sent,
so a worker that was down on Monday catches up the next day and never sends twice. A failure is kept
on the subscription (``last_error``, shown on the briefs page) and retried at the next run.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from elshi.reports import actions
from elshi.reports.models import Brief, BriefSubscription
from elshi.reports.views import last_week

log = logging.getLogger(__name__)


def send_brief(brief: Brief, recipients: list[str]) -> None:
    html = actions.brief_file(brief.html_file).read_text("utf-8")
    with translation.override(brief.language):
        subject = _("Nation-image brief: %(country)s, %(start)s – %(end)s") % {
            "country": brief.data.get("country_name", brief.country),
            "start": brief.start.isoformat(),
            "end": brief.end.isoformat(),
        }
        text = _("The weekly brief is attached as PDF; mail readers that show HTML show it below.")
    message = EmailMultiAlternatives(subject, text, to=recipients)
    message.attach_alternative(html, "text/html")
    if brief.pdf_file:
        message.attach(
            f"elshi-brief-{brief.country}-{brief.start}-{brief.end}-{brief.language}.pdf",
            actions.brief_file(brief.pdf_file).read_bytes(),
            "application/pdf",
        )
    message.send()


def send_due_briefs(today: dt.date | None = None) -> int:
    start, end = last_week(today or timezone.now().date())
    sent = 0
    for subscription in BriefSubscription.objects.filter(is_active=True):
        if subscription.last_sent_for is not None and subscription.last_sent_for >= end:
            continue
        try:
            brief = actions.do_generate_brief(
                subscription.country,
                start,
                end,
                subscription.peers or None,
                subscription.language,
                acting_user=None,
                subscription=subscription,
            )
            send_brief(brief, list(subscription.recipients))
        except Exception as exc:  # noqa: BLE001 - kept on the subscription and retried next run
            log.exception("weekly brief %s failed", subscription.pk)
            BriefSubscription.objects.filter(pk=subscription.pk).update(last_error=str(exc)[:500])
            continue
        BriefSubscription.objects.filter(pk=subscription.pk).update(last_sent_for=end, last_error="")
        sent += 1
    return sent
