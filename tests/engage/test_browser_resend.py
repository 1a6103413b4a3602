"""Real browser: an editor sees a registration whose e-mail failed and sends it again."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from elshi.engagements.models import Registration
from tests.browser import axe_serious, log_in

from .conftest import make_engagement
from .smtp import Inbox

pytestmark = pytest.mark.browser


def test_editor_sends_a_failed_email_again(
    browser_page: Any, live_server: Any, people: Any, site: Any, missions: Any, smtp_inbox: Inbox
) -> None:
    page, _requested = browser_page
    engagement = make_engagement(missions["berlin"])
    registration = Registration.objects.create(
        engagement=engagement,
        name="Aigerim",
        email="aigerim@example.org",
        attendance="in_person",
        language="en",
        status="confirmed",
        consent_text="ok",
        last_email_error="ConnectionRefusedError: [Errno 111] Connection refused",
        last_email_error_at=timezone.now(),
    )
    log_in(page, live_server.url, "author")
    page.goto(f"{live_server.url}/engage/engagements/{engagement.pk}/")
    row = page.locator("#registrations tbody tr")
    assert "not sent" in row.inner_text() and "Connection refused" in row.inner_text()
    assert axe_serious(page) == []
    row.get_by_role("button", name="Send again").click()
    page.wait_for_url("**#registrations")
    assert "not sent" not in page.locator("#registrations").inner_text()
    assert "sent" in page.locator("#registrations tbody tr").inner_text()
    [message] = smtp_inbox.messages
    assert message["To"] == "aigerim@example.org"
    registration.refresh_from_db()
    assert registration.last_email_error == "" and registration.last_email_sent_at is not None
