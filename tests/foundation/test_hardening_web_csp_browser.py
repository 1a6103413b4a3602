# ruff: noqa: F811  (pytest fixtures imported from other folders' conftests, then named as parameters)
"""A real browser with the Content-Security-Policy on: the pages that do the most still do it, unreported.

Each page is opened in Chromium (Debian's, see ``tests.browser``); every ``securitypolicyviolation``
event and every console line about the policy is collected, and none may appear.
"""

from __future__ import annotations

from typing import Any

import pytest

from elshi.content.models import Asset
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing.accounts import set_credentials
from tests.browser import log_in
from tests.engage.conftest import channels, published, site  # noqa: F401  (shared fixtures)
from tests.listen.test_browser import DAY, _corpus
from tests.studio.conftest import claim  # noqa: F401
from tests.tell.conftest import tell, write_post  # noqa: F401

pytestmark = pytest.mark.browser

# Runs before any page script, outside the page's policy (Playwright injects it), and reports back.
LISTEN = """document.addEventListener("securitypolicyviolation", (e) => window.cspViolation(
  `${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
  + ` at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`
));"""


def _watch(page: Any) -> list[str]:
    seen: list[str] = []
    page.expose_binding("cspViolation", lambda _source, text: seen.append(text))
    page.add_init_script(LISTEN)
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda exc: seen.append(f"page error: {exc}"))
    return seen


def test_staff_pages_work_under_the_policy(
    browser_page: Any,
    live_server: Any,
    people: dict[str, Any],
    claim: Any,
    write_post: Any,
) -> None:
    _corpus()
    post = write_post()
    page, _requested = browser_page
    seen = _watch(page)
    base = live_server.url
    log_in(page, base, "admin")
    response = page.goto(f"{base}/listen/dashboard/?days=30&end={DAY}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for name in ("volume", "tone", "map"):  # plotly draws (and styles its toolbar) under the policy
        page.locator(f'[data-chart="{name}"] .main-svg').first.wait_for(timeout=20_000)
    page.locator('[data-chart="volume"]').hover()
    page.wait_for_timeout(300)
    assert seen == [], seen

    page.goto(f"{base}/tell/studio/editor/")
    page.locator("#card-preview img").wait_for()  # htmx posted and swapped the data: preview in
    page.get_by_label("Template").select_option("quote")
    assert page.get_by_label("Headline").is_hidden()  # the moved :has() rules still apply
    page.goto(f"{base}/tell/studio/brand/")
    assert page.locator(".swatches svg rect").count() >= 3
    page.goto(f"{base}/tell/posts/{post.pk}/")
    page.goto(f"{base}/publish/calendar/")
    page.get_by_role("button", name="Create a calendar link").click()
    page.wait_for_url(f"{base}/publish/calendar/")
    assert page.locator("#calendar-links code").count() == 1
    assert seen == [], seen


def test_compose_picker_attaches_without_inline_code(
    browser_page: Any,
    live_server: Any,
    people: dict[str, Any],
    claim: Any,
    write_post: Any,
) -> None:
    post = write_post()
    page, _requested = browser_page
    seen = _watch(page)
    base = live_server.url
    log_in(page, base, "author")
    page.goto(f"{base}/tell/studio/editor/")
    page.locator("#card-preview img").wait_for()
    page.get_by_role("button", name="Save the card").click()
    page.wait_for_url(f"{base}/tell/studio/assets/*/")
    asset = Asset.objects.latest("pk")
    page.goto(f"{base}/tell/posts/{post.pk}/edit/")
    page.locator("details.picker > summary").first.click()
    button = page.locator("button[data-attach]").first
    button.click()
    field = page.locator(f"[id='{button.get_attribute('data-target')}']")
    assert asset.media_url in field.input_value()
    assert button.inner_text() == "Attached"
    assert seen == [], seen


def test_public_site_works_under_the_policy(
    browser_page: Any,
    live_server: Any,
    site: Any,
    published: dict[str, Any],
) -> None:
    page, _requested = browser_page
    seen = _watch(page)
    for path in ("en/", "en/news/", "en/engagements/", "en/stories/", "en/contacts/", "en/numbers/"):
        response = page.goto(f"{live_server.url}/m/berlin/{path}")
        assert (
            response.status == 200 and "frame-ancestors 'none'" in response.headers["content-security-policy"]
        )
    assert seen == [], seen


def test_connect_button_reaches_the_platforms_consent_screen(
    browser_page: Any, live_server: Any, people: dict[str, Any], missions: dict[str, Any]
) -> None:
    """The Connect form posts to elshi, which redirects to the platform: form-action must allow that hop."""
    channel = Channel(mission=missions["berlin"], platform="linkedin", handle="kz-de")
    set_credentials(channel, secrets={"client_id": "86abc", "client_secret": "linkedin-secret"})
    channel = mission_actions.do_save_channel(channel, acting_user=None)
    page, _requested = browser_page
    seen = _watch(page)
    consent: list[str] = []
    page.route(
        "https://www.linkedin.com/**",
        lambda route: (consent.append(route.request.url), route.fulfill(status=200, body="consent")),
    )
    log_in(page, live_server.url, "approver")
    page.goto(f"{live_server.url}/publish/channels/{channel.pk}/")
    page.get_by_role("button", name="Connect with LinkedIn").click()
    page.wait_for_url("https://www.linkedin.com/**")
    assert consent and seen == [], seen
