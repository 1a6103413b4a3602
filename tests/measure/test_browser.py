"""A real browser: the briefs archive and one brief, checked with axe."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from elshi.reports.actions import do_generate_brief
from tests.browser import ARTIFACTS, LOCAL_HOSTS, axe_serious, log_in

from .conftest import END, START

pytestmark = pytest.mark.browser


def test_brief_page(
    browser_page: Any, live_server: Any, people: dict[str, Any], corpus: dict[str, Any]
) -> None:
    brief = do_generate_brief("KZ", START, END, ["UZ"], "en", acting_user=None, pdf=False)
    page, requested = browser_page
    base = live_server.url
    log_in(page, base, "analyst")
    page.goto(f"{base}/measure/briefs/")
    assert page.get_by_role("button", name="Generate HTML and PDF").is_visible()
    assert axe_serious(page) == []
    page.get_by_role("link", name="Kazakhstan").click()
    page.wait_for_url(f"{base}/measure/briefs/{brief.pk}/")
    assert "Nation-image brief: Kazakhstan" in page.locator("h1").inner_text()
    assert page.locator(".tile-value").first.inner_text() == "75.0"
    assert page.locator("img.chart").count() == 2
    assert axe_serious(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "measure-brief.png"), full_page=True)
    outside = [u for u in requested if urlsplit(u).hostname not in LOCAL_HOSTS and not u.startswith("data:")]
    assert outside == []
