"""A real browser: compose, submit, approve, and the post on the calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.browser import LOCAL_HOSTS, axe_serious, log_in

from .conftest import EN

pytestmark = pytest.mark.browser


def test_compose_submit_approve_calendar(
    browser_page: Any,
    live_server: Any,
    people: dict[str, Any],
    tell: dict[str, Any],
    missions: dict[str, Any],
) -> None:
    page, requested = browser_page
    base = live_server.url
    log_in(page, base, "author")
    page.goto(f"{base}/tell/posts/new/")
    page.get_by_label("Working title").fill("Browser post")
    page.get_by_label("@kz@berlin.example").check()
    page.get_by_label("UN E-Government Development Index: #24 (2024)").check()
    when = (
        (timezone.now() + dt.timedelta(days=2))
        .astimezone(missions["berlin"].zone)
        .replace(hour=11, minute=30)
    )
    page.get_by_label("Publish at (mission's local time)").fill(when.strftime("%Y-%m-%dT%H:%M"))
    variant = page.locator("#variant-0")
    variant.get_by_label("Platform").select_option("mastodon")
    variant.get_by_label("Language").select_option("en")
    variant.get_by_label("Text").fill(EN)
    page.locator("#check-v-0").get_by_text("Ready for clearance on this platform.").wait_for()
    assert "“24th”: backed by" in page.locator("#check-v-0").inner_text().replace("\n", " ")
    assert axe_serious(page) == []
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit for clearance").click()
    page.get_by_text("Submitted for clearance.").wait_for()
    assert "in clearance" in page.locator("h1").inner_text()
    post_url = page.url

    page.locator("summary", has_text="author").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, base, "approver")
    page.goto(f"{base}/clear/queue/")
    page.get_by_role("link", name="Browser post").click()
    assert page.url == post_url
    assert axe_serious(page) == []
    page.get_by_label("Verdict").select_option("approve")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded.").wait_for()
    assert "scheduled" in page.locator("h1").inner_text()

    page.goto(f"{base}/publish/calendar/?date={when.date().isoformat()}")
    cell = page.locator(f'td[data-date="{when.date().isoformat()}"]')
    assert "Browser post" in cell.inner_text() and "11:30" in cell.inner_text()
    assert axe_serious(page) == []
    outside = [url for url in requested if urlsplit(url).hostname not in LOCAL_HOSTS]
    assert not outside, outside


@pytest.mark.parametrize(
    "path",
    [
        "/tell/narratives/",
        "/tell/claims/",
        "/tell/claims/1/",
        "/tell/campaigns/",
        "/tell/posts/",
        "/clear/queue/",
        "/clear/policies/",
        "/clear/policies/new/",
        "/publish/channels/",
        "/publish/calendar/?view=week",
        "/notifications/",
        "/publish/deliveries/",
        "/listen/dashboard/",
        "/listen/explorer/",
        "/listen/quarantine/",
        "/listen/sources/",
        "/listen/alerts/",
        "/tell/posts/new/",
    ],
)
def test_tell_pages_pass_axe(
    browser_page: Any,
    live_server: Any,
    people: dict[str, Any],
    tell: dict[str, Any],
    write_post: Any,
    path: str,
) -> None:
    page, requested = browser_page
    write_post()
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert axe_serious(page) == []
    assert all(urlsplit(url).hostname in LOCAL_HOSTS for url in requested)
