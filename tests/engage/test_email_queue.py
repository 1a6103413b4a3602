"""Registration e-mails go out from the worker after commit; a failed send stays visible and can be resent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from elshi.audit.models import AuditEvent
from elshi.engagements.models import Engagement, Registration
from elshi.engagements.tasks import send_registration_email

from .conftest import make_engagement
from .smtp import Inbox, _free_port

pytestmark = pytest.mark.django_db


def _register(client: Any, engagement: Engagement, email: str = "aigerim@example.org") -> Any:
    return client.post(
        f"/m/berlin/en/engagements/{engagement.pk}/",
        {
            "name": "Aigerim Sadykova",
            "email": email,
            "organisation": "KazGreen",
            "attendance": "in_person",
            "language": "en",
            "consent": "on",
            "website": "",
        },
    )


def test_the_request_only_queues_the_email_after_commit(
    client: Any,
    site: Any,
    engagement: Engagement,
    smtp_inbox: Inbox,
    huey_immediate: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    huey_immediate.immediate = False  # the real queue storage: the task must be enqueued, not run
    huey_immediate.flush()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _register(client, engagement).status_code == 302
    assert smtp_inbox.messages == [] and len(callbacks) == 1  # nothing sent inside the request
    callbacks[0]()
    assert smtp_inbox.messages == [] and len(huey_immediate) == 1
    task = huey_immediate.dequeue()  # as the worker reads it: arguments round-tripped through storage
    assert (
        task.args == (Registration.objects.get().pk, task.args[1]) and "/m/berlin/en/cancel/" in task.args[1]
    )
    huey_immediate.immediate = True  # run it in this test's transaction (a worker would reconnect)
    huey_immediate.execute(task)
    [message] = smtp_inbox.messages
    assert message["To"] == "aigerim@example.org"
    registration = Registration.objects.get()
    assert registration.last_email_sent_at is not None and registration.last_email_error == ""


def test_a_failed_send_is_kept_shown_and_sent_again(
    client: Any,
    site: Any,
    engagement: Engagement,
    smtp_inbox: Inbox,
    settings: Any,
    login: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nobody listens there: connection refused
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(client, engagement).status_code == 302  # the visitor is registered all the same
    registration = Registration.objects.get()
    assert registration.status == "confirmed"
    assert "Connection" in registration.last_email_error or "refused" in registration.last_email_error.lower()
    assert registration.last_email_error_at is not None and registration.last_email_sent_at is None
    assert smtp_inbox.messages == []

    page = login("author").get(f"/engage/engagements/{engagement.pk}/").content.decode()
    resend = f"/engage/engagements/{engagement.pk}/registrations/{registration.pk}/resend/"
    assert "not sent" in page and f'action="{resend}"' in page and "csrfmiddlewaretoken" in page

    for name in ("viewer", "analyst", "outsider"):
        other = Client()
        other.force_login(_user(name))
        assert other.post(resend).status_code == 403, name
        assert f'action="{resend}"' not in other.get(f"/engage/engagements/{engagement.pk}/").content.decode()
    assert Client().post(resend).status_code == 302  # anonymous: to the login page
    author = login("author")
    assert author.get(resend).status_code == 405  # a change is a POST

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(_user("author"))
    assert strict.post(resend).status_code == 403  # no CSRF token, no resend

    settings.EMAIL_PORT = working_port
    with django_capture_on_commit_callbacks(execute=True):
        response = author.post(resend)
    assert response.status_code == 302 and response["Location"].endswith("#registrations")
    [message] = smtp_inbox.messages
    assert message["To"] == "aigerim@example.org"
    registration.refresh_from_db()
    assert registration.last_email_error == "" and registration.last_email_sent_at is not None
    event = AuditEvent.objects.get(action="registration.resend_email", object_id=str(registration.pk))
    assert "aigerim" not in str(event.changes) and event.changes["had_error"] is True
    page = author.get(f"/engage/engagements/{engagement.pk}/").content.decode()
    assert "not sent" not in page and f'action="{resend}"' not in page


def _user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_cancelled_registrations_get_nothing(
    site: Any, missions: dict[str, Any], smtp_inbox: Inbox, login: Any
) -> None:
    engagement = make_engagement(missions["berlin"])
    registration = Registration.objects.create(
        engagement=engagement,
        name="A",
        email="a@example.org",
        attendance="in_person",
        language="en",
        status="cancelled",
        consent_text="ok",
    )
    send_registration_email.call_local(registration.pk, "")
    assert smtp_inbox.messages == []
    resend = f"/engage/engagements/{engagement.pk}/registrations/{registration.pk}/resend/"
    author = login("author")
    assert author.post(resend).status_code == 302
    assert not AuditEvent.objects.filter(action="registration.resend_email").exists()
    other = make_engagement(missions["berlin"])
    assert (
        author.post(f"/engage/engagements/{other.pk}/registrations/{registration.pk}/resend/").status_code
        == 404
    )


def test_the_task_raises_for_a_retry_after_keeping_the_error(
    site: Any, engagement: Engagement, smtp_inbox: Inbox, settings: Any
) -> None:
    from elshi.engagements.tasks import EmailNotSent

    registration = Registration.objects.create(
        engagement=engagement,
        name="A",
        email="a@example.org",
        attendance="online",
        language="en",
        status="waitlisted",
        consent_text="ok",
    )
    settings.EMAIL_PORT = _free_port()
    with pytest.raises(EmailNotSent):
        send_registration_email.call_local(registration.pk, "")
    registration.refresh_from_db()
    assert registration.last_email_error and registration.last_email_error_at is not None


def test_a_retry_sends_nothing_once_the_email_went_out(
    site: Any, engagement: Engagement, smtp_inbox: Inbox, settings: Any
) -> None:
    from types import SimpleNamespace

    registration = Registration.objects.create(
        engagement=engagement,
        name="A",
        email="a@example.org",
        attendance="in_person",
        language="en",
        status="confirmed",
        consent_text="ok",
        last_email_error="refused",
    )
    retry = SimpleNamespace(retries=1)
    send_registration_email.call_local(registration.pk, "", task=retry)  # still failed: the retry sends
    assert len(smtp_inbox.messages) == 1
    send_registration_email.call_local(registration.pk, "", task=retry)  # sent since: nothing more
    assert len(smtp_inbox.messages) == 1
    send_registration_email.call_local(registration.pk, "")  # a first attempt (a resend) always sends
    assert len(smtp_inbox.messages) == 2
