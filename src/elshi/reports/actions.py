"""Writes of Measure: generate a brief (data, HTML, PDF stored under MEDIA_ROOT), manage subscriptions."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from elshi.audit.log import record
from elshi.common.actors import Actor, person_or_none
from elshi.missions.permissions import Perm, has_perm, is_ministry_admin
from elshi.reports.brief import brief_json, build_brief
from elshi.reports.models import Brief, BriefSubscription
from elshi.reports.render import charts_for, pdf_unavailable, render_html, render_pdf

LANGUAGES = ("kk", "ru", "en")

log = logging.getLogger(__name__)


def check_generate_brief(user: Any) -> None:
    if not has_perm(user, Perm.ANALYSE, None):
        raise PermissionDenied("analyse")


def check_read_briefs(user: Any) -> None:
    if not has_perm(user, Perm.LISTEN, None):
        raise PermissionDenied("listen")


def may_see_recipients(user: Any, subscription: BriefSubscription) -> bool:
    """Recipients' addresses are personal data: their list is for the subscription's creator and the
    ministry's administrators; others who run reports see how many there are."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_ministry_admin(user) or (
        subscription.created_by_id is not None and subscription.created_by_id == user.pk
    )


def check_delete_subscription(user: Any, subscription: BriefSubscription) -> None:
    check_generate_brief(user)
    if not may_see_recipients(user, subscription):
        raise PermissionDenied("only its creator or a ministry administrator removes a subscription")


def _store(content: bytes, suffix: str) -> str:
    relative = f"reports/briefs/{uuid.uuid4().hex}.{suffix}"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return relative


def brief_file(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def do_generate_brief(
    country: str,
    start: dt.date,
    end: dt.date,
    peers: list[str] | None,
    lang: str,
    *,
    acting_user: Actor,
    subscription: BriefSubscription | None = None,
    pdf: bool = True,
) -> Brief:
    """Build the brief's data, render HTML (and PDF), store both and the record; audited."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    data = brief_json(build_brief(country, start, end, peers, lang))
    html = render_html(data, charts_for(data))
    html_file = _store(html.encode("utf-8"), "html")
    pdf_file = ""
    if pdf:
        why = pdf_unavailable()
        if why is None:
            pdf_file = _store(render_pdf(html), "pdf")
        else:  # the HTML brief is still made, archived and sent; the PDF waits for the library
            log.warning("brief without PDF: %s", why)
    with transaction.atomic():
        brief = Brief.objects.create(
            country=data["country"],
            start=start,
            end=end,
            peers=data["peers"],
            language=lang,
            data=data,
            html_file=html_file,
            pdf_file=pdf_file,
            created_by=person_or_none(acting_user),
            subscription=subscription,
        )
        record(
            acting_user,
            "brief.generate",
            brief,
            changes={"country": brief.country, "from": str(start), "to": str(end), "language": lang},
        )
    return brief


def do_save_subscription(subscription: BriefSubscription, *, acting_user: Actor) -> BriefSubscription:
    with transaction.atomic():
        created = subscription.pk is None
        if created and getattr(acting_user, "is_authenticated", False):
            subscription.created_by = person_or_none(acting_user)
        subscription.save()
        record(
            acting_user,
            "brief_subscription.create" if created else "brief_subscription.update",
            subscription,
            changes={
                "country": subscription.country,
                "language": subscription.language,
                "recipients": len(subscription.recipients),  # a count: addresses are personal data
                "active": subscription.is_active,
            },
        )
    return subscription


def do_delete_subscription(subscription: BriefSubscription, *, acting_user: Actor) -> None:
    with transaction.atomic():
        record(
            acting_user,
            "brief_subscription.delete",
            subscription,
            changes={"name": subscription.name, "recipients": len(subscription.recipients)},
        )
        subscription.delete()
