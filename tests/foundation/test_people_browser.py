"""People in a real browser (issue 18): an invitation to a privileged role, then a forgotten password."""

from __future__ import annotations

import base64
import re
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_otp.oath import totp

from elshi.missions import invitations
from tests.browser import LOCAL_HOSTS, axe_serious

pytestmark = pytest.mark.browser
NEW_PASSWORD = "quiet-river-lantern-77"
RESET_PASSWORD = "amber-harbour-violin-58"


def _wait_for_mail(count: int) -> Any:
    deadline = time.monotonic() + 10
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) >= count, "no e-mail arrived"
    return mail.outbox[count - 1]


def test_invite_enrol_2fa_then_reset_the_password(
    browser_page: Any, live_server: Any, missions: dict[str, Any]
) -> None:
    page, requested = browser_page
    base = live_server.url
    invitations.do_invite(
        "dana@example.org", missions["berlin"], "approver", language="en", base=base, acting_user=None
    )
    link = re.search(r"(http://\S+/invitation/\S+/)", _wait_for_mail(1).body)
    assert link
    page.goto(link.group(1))
    assert axe_serious(page) == []
    page.get_by_label("Username").fill("dana")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}/account/2fa/")
    secret = page.locator("code").first.inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.locator("#id_token").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{base}/")

    page.context.clear_cookies()  # signed out: a forgotten password starts from the login page
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.locator("#id_email").fill("dana@example.org")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url(f"{base}/accounts/password/reset/sent/")
    reset = re.search(r"(http://\S+/accounts/reset/\S+/)", _wait_for_mail(2).body)
    assert reset
    page.goto(reset.group(1))
    page.locator("#id_new_password1").fill(RESET_PASSWORD)
    page.locator("#id_new_password2").fill(RESET_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_url(f"{base}/accounts/reset/done/")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(RESET_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/(account/2fa/)?$"))
    assert all(urlsplit(url).hostname in LOCAL_HOSTS for url in requested)
