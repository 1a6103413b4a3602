"""A real browser: Playwright drives Debian's Chromium against a live elshi server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("ELSHI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def browser_page(transactional_db: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[str]]]:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        yield page, requested
        browser.close()


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def _axe_serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} {[(n['target'], n.get('failureSummary', '')[:200]) for n in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def test_login_switch_to_kazakh_screenshot_and_stay_local(
    browser_page: Any, live_server: Any, people: dict[str, Any]
) -> None:
    page, requested = browser_page
    base = live_server.url
    _log_in(page, base, "author")
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
    _log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}{path}")
    assert _axe_serious(page) == []
    assert all(urlsplit(url).hostname in LOCAL_HOSTS for url in requested)


def test_login_page_passes_axe_and_works_on_a_phone(
    browser_page: Any, live_server: Any, people: dict[str, Any]
) -> None:
    page, _requested = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    assert _axe_serious(page) == []
    _log_in(page, live_server.url, "approver")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone: {width}px"
