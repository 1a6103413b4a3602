"""Real browser: a visitor registers in Kazakh; the site passes axe and stays local; the export opens."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from elshi.engagements.models import Registration
from tests.browser import LOCAL_HOSTS, axe_serious

from .conftest import LINK, make_engagement
from .smtp import Inbox, ics_of

pytestmark = pytest.mark.browser


def test_visitor_registers_in_kazakh_and_site_is_accessible_and_local(
    browser_page: Any,
    live_server: Any,
    site: Any,
    published: dict[str, Any],
    missions: Any,
    smtp_inbox: Inbox,
) -> None:
    page, requested = browser_page
    base = live_server.url
    engagement = make_engagement(missions["berlin"])
    for path in ["kk/", "kk/news/", "kk/engagements/", "kk/numbers/", "kk/stories/", "kk/contacts/", "de/"]:
        page.goto(f"{base}/m/berlin/{path}")
        assert axe_serious(page) == [], path
    page.goto(f"{base}/m/berlin/kk/")
    page.get_by_role("link", name="Форумның қосымша іс-шарасы").first.click()
    page.wait_for_url(f"**/m/berlin/kk/engagements/{engagement.pk}/")
    assert axe_serious(page) == []
    page.locator("#id_name").fill("Айгерім Садықова")
    page.locator("#id_email").fill("aigerim@example.kz")
    page.locator("#id_organisation").fill("KazGreen")
    page.locator("input[name=attendance][value=online]").check()
    page.locator("#id_language").select_option("kk")
    page.locator("#id_consent").check()
    page.locator("form.register button[type=submit]").click()
    page.wait_for_url("**?registered=confirmed")
    assert page.locator("[role=status]").count() == 1
    assert axe_serious(page) == []

    registration = Registration.objects.get()
    assert (registration.name, registration.language, registration.status) == (
        "Айгерім Садықова",
        "kk",
        "confirmed",
    )
    [message] = smtp_inbox.messages
    [event] = Calendar.from_ical(ics_of(message)).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == engagement.starts_at
    berlin = start.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    assert berlin == engagement.starts_at.astimezone(missions["berlin"].zone)
    assert berlin.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))
    assert str(event["location"]) == LINK

    outside = [u for u in requested if urlsplit(u).hostname not in LOCAL_HOSTS and not u.startswith("data:")]
    assert outside == []


def test_static_export_opens_from_disk(
    browser_page: Any, site: Any, published: dict[str, Any], missions: Any, tmp_path: Path
) -> None:
    from elshi.engagements.export import export_site

    page, requested = browser_page
    engagement = make_engagement(missions["berlin"])
    export_site(site, tmp_path)
    page.goto((tmp_path / "index.html").as_uri())
    page.wait_for_url("**/en/index.html")
    assert page.locator("h1").inner_text() == "Mission Berlin"
    page.locator(".site-nav").get_by_role("link", name="News").click()
    assert "Kazakhstan opens a trade house in Berlin." in page.locator("main").inner_text()
    page.get_by_role("link", name="KK", exact=True).click()
    assert page.url.endswith("/kk/news/index.html")
    page.locator(".site-nav a").nth(2).click()
    page.get_by_role("link", name="Форумның қосымша іс-шарасы").click()
    assert page.url.endswith(f"/kk/engagements/{engagement.pk}/index.html")
    border = page.locator(".site-head").evaluate("h => getComputedStyle(h).borderBottomColor")
    assert border == "rgb(0, 175, 202)"  # the stylesheet was found on disk
    assert axe_serious(page) == []
    assert all(u.startswith("file://") for u in requested), requested


def test_staff_pages_pass_axe(
    browser_page: Any, live_server: Any, people: Any, site: Any, missions: Any
) -> None:
    from elshi.engagements import actions
    from tests.browser import log_in

    page, _requested = browser_page
    engagement = make_engagement(missions["berlin"])
    actions.do_register(
        engagement,
        {
            "name": "A. Visitor",
            "email": "a@example.org",
            "attendance": "online",
            "language": "en",
            "consent_text": "ok",
        },
        notify=False,
    )
    log_in(page, live_server.url, "author")
    for path in [
        "/engage/engagements/",
        f"/engage/engagements/{engagement.pk}/",
        "/engage/engagements/new/berlin/",
        f"/engage/engagements/{engagement.pk}/edit/",
        "/engage/virtual-embassy/",
        "/engage/virtual-embassy/berlin/preview/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert axe_serious(page) == [], path
    assert "a@example.org" not in page.content()  # the preview is the public page: no personal data
    page.goto(f"{live_server.url}/engage/engagements/new/berlin/")
    page.locator("#id_title_en").fill("Typed title")
    page.locator("#id_starts_at").fill("2030-01-01T10:00")
    page.locator("#id_ends_at").fill("2030-01-01T09:00")
    page.locator("form.form button[type=submit]").click()
    assert "The end must be after the start." in page.locator("main").inner_text()
    assert page.locator("#id_title_en").input_value() == "Typed title"
