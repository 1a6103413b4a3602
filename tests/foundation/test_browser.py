"""A real browser: Playwright drives Debian's Chromium against a live elshi server."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import ARTIFACTS, LOCAL_HOSTS, axe_serious, log_in

pytestmark = pytest.mark.browser


def test_login_switch_to_kazakh_screenshot_and_stay_local(
    browser_page: Any, live_server: Any, people: dict[str, Any]
) -> None:
    page, requested = browser_page
    base = live_server.url
    log_in(page, base, "author")
    assert "Mission Berlin" in page.content()

    page.get_by_label("Language").select_option("kk")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "kk"
    nav = page.get_by_role("navigation", name="Негізгі навигация")
    assert nav.get_by_text("Тыңдау").is_visible()
    assert nav.get_by_text("Жариялау").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-kk.png"), full_page=True)
    assert (ARTIFACTS / "home-kk.png").stat().st_size > 10_000

    outside = [url for url in requested if urlsplit(url).hostname not in LOCAL_HOSTS]
    assert requested and not outside, outside


@pytest.mark.parametrize(
    "path", ["/", "/listen/", "/missions/", "/missions/berlin/", "/audit/", "/account/", "/people/"]
)
def test_pages_pass_axe(browser_page: Any, live_server: Any, people: dict[str, Any], path: str) -> None:
    page, requested = browser_page
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}{path}")
    assert axe_serious(page) == []
    assert all(urlsplit(url).hostname in LOCAL_HOSTS for url in requested)


def test_login_page_passes_axe_and_works_on_a_phone(
    browser_page: Any, live_server: Any, people: dict[str, Any]
) -> None:
    page, _requested = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_serious(page) == []
    log_in(page, live_server.url, "approver")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone: {width}px"
