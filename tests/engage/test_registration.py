"""Registration on the public site: real SMTP, ICS read back, waiting list, cancellation, retention."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar

from elshi.audit.models import AuditEvent
from elshi.engagements import actions
from elshi.engagements.models import Engagement, Registration

from .conftest import LINK, make_engagement
from .smtp import Inbox, ics_of

pytestmark = pytest.mark.django_db


def _register(client: Any, engagement: Engagement, lang: str = "kk", **over: str) -> Any:
    data = {
        "name": "Aigerim Sadykova",
        "email": "aigerim@example.org",
        "organisation": "KazGreen",
        "attendance": "online",
        "language": lang,
        "consent": "on",
        "website": "",
    }
    data.update(over)
    return client.post(f"/m/berlin/{lang}/engagements/{engagement.pk}/", data)


def test_online_registrant_gets_an_ics_with_the_link(
    client: Any, site: Any, engagement: Engagement, smtp_inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, engagement)
    assert response.status_code == 302 and response["Location"].endswith("?registered=confirmed")
    [message] = smtp_inbox.messages
    assert message["To"] == "aigerim@example.org"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and LINK in body.get_content()
    cal = Calendar.from_ical(ics_of(message))
    [event] = cal.walk("VEVENT")
    assert str(event["uid"]) == f"engagement-{engagement.pk}@elshi"
    assert event.decoded("dtstart") == engagement.starts_at
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert event.decoded("dtend") == engagement.ends_at
    assert str(event["location"]) == LINK
    assert "/m/berlin/kk/cancel/" in body.get_content()
    registration = Registration.objects.get()
    assert registration.status == "confirmed" and registration.consent_text


def test_in_person_registrant_gets_no_link(
    client: Any, site: Any, engagement: Engagement, smtp_inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, engagement, lang="en", attendance="in_person")
    [message] = smtp_inbox.messages
    raw = message.as_string()
    assert "zoom.us" not in raw and "Secr3t" not in raw
    [event] = Calendar.from_ical(ics_of(message)).walk("VEVENT")
    assert "Nordsternstra" in str(event["location"]) and "url" not in event


def test_modes_consent_honeypot_and_csrf(client: Any, site: Any, missions: dict[str, Any]) -> None:
    physical = make_engagement(missions["berlin"], kind="physical")
    response = _register(client, physical, attendance="online")
    assert response.status_code == 400 and "attendance" in response.context["form"].errors
    assert 'value="Aigerim Sadykova"' in response.content.decode()  # nothing typed is lost
    assert _register(client, physical, attendance="in_person", consent="").status_code == 400
    assert _register(client, physical, attendance="in_person", website="http://spam").status_code == 400
    assert not Registration.objects.exists()
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert _register(strict, physical, attendance="in_person").status_code == 403


def test_only_public_engagements_of_published_sites(client: Any, site: Any, missions: dict[str, Any]) -> None:
    internal = make_engagement(missions["berlin"], visibility="internal")
    assert client.get(f"/m/berlin/en/engagements/{internal.pk}/").status_code == 404
    assert _register(client, internal).status_code == 404
    public = make_engagement(missions["berlin"])
    site.is_published = False
    site.save()
    assert client.get(f"/m/berlin/en/engagements/{public.pk}/").status_code == 404


def test_waiting_list_and_promotion_on_cancel(
    client: Any,
    site: Any,
    missions: dict[str, Any],
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    engagement = make_engagement(missions["berlin"], capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, engagement, lang="en", attendance="in_person", email="first@example.org")
        response = _register(
            client, engagement, lang="en", attendance="in_person", email="second@example.org"
        )
        _register(client, engagement, lang="en", attendance="online", email="online@example.org")
    assert response["Location"].endswith("?registered=waitlisted")
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "first@example.org": "confirmed",
        "second@example.org": "waitlisted",
        "online@example.org": "confirmed",  # online seats of a hybrid engagement are not limited
    }
    waitlisted = [m for m in smtp_inbox.messages if m["To"] == "second@example.org"]
    assert len(waitlisted) == 1 and not any(
        p.get_content_type() == "text/calendar" for p in waitlisted[0].walk()
    )
    first_mail = next(m for m in smtp_inbox.messages if m["To"] == "first@example.org")
    body = first_mail.get_body(preferencelist=("plain",))
    assert body is not None
    cancel_url = next(w for w in body.get_content().split() if "/cancel/" in w)
    path = cancel_url.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 200
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses["first@example.org"] == "cancelled" and statuses["second@example.org"] == "confirmed"
    promoted = [m for m in smtp_inbox.messages if m["To"] == "second@example.org"]
    assert len(promoted) == 2 and any(p.get_content_type() == "text/calendar" for p in promoted[1].walk())
    assert client.get(path.replace("/cancel/", "/cancel/x")).status_code == 404


def test_rate_limit(client: Any, site: Any, missions: dict[str, Any]) -> None:
    from django.core.cache import cache

    cache.clear()
    engagement = make_engagement(missions["berlin"], capacity=None)
    codes = [
        _register(client, engagement, lang="en", email=f"p{i}@example.org").status_code for i in range(11)
    ]
    assert codes[:10] == [302] * 10 and codes[10] == 400
    cache.clear()


def test_personal_data_deleted_after_retention(site: Any, missions: dict[str, Any]) -> None:
    engagement = make_engagement(missions["berlin"], capacity=None, retention_days=30)
    for i in range(3):
        actions.do_register(
            engagement,
            {
                "name": f"Person {i}",
                "email": f"p{i}@example.org",
                "attendance": "online",
                "language": "en",
                "consent_text": "ok",
            },
        )
    from elshi.engagements.tasks import purge_personal_data

    after_end = engagement.ends_at + dt.timedelta(days=29)
    assert actions.do_purge_expired(after_end) == 0
    assert Registration.objects.count() == 3
    assert actions.do_purge_expired(engagement.ends_at + dt.timedelta(days=31)) == 1
    assert not Registration.objects.exists()
    event = AuditEvent.objects.get(action="registration.purge")
    assert event.changes["deleted"] == 3 and "p0@example.org" not in str(event.changes)
    assert not any("example.org" in str(e.changes) for e in AuditEvent.objects.all())
    engagement.refresh_from_db()
    assert engagement.purged_at is not None
    # the periodic task itself, run now: nothing more to delete, nothing fails
    assert purge_personal_data.call_local() == 0
