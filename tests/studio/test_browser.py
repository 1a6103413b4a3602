"""A real browser: the card editor's preview follows the typing; the studio pages pass axe."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import LOCAL_HOSTS, axe_serious, log_in

pytestmark = pytest.mark.browser


def test_card_editor_live_preview(
    browser_page: Any, live_server: Any, people: dict[str, Any], missions: dict[str, Any], claim: Any
) -> None:
    page, requested = browser_page
    base = live_server.url
    log_in(page, base, "author")
    page.goto(f"{base}/tell/studio/editor/")
    preview = page.locator("#card-preview img")
    preview.wait_for()  # the first preview (a number card from the claim) renders on load
    first = preview.get_attribute("src")
    assert first and first.startswith("data:image/png;base64,")
    assert axe_serious(page) == []

    page.get_by_label("Template").select_option("quote")
    page.get_by_label("Size (pixels)").select_option("1080x1920")
    page.get_by_label("Quote", exact=True).fill("Бейбітшілік — біздің басты байлығымыз.")
    page.get_by_label("Who said it").fill("Абай")
    page.wait_for_function(
        "old => { const i = document.querySelector('#card-preview img');"
        " return i && i.getAttribute('src') !== old && i.alt.includes('Абай'); }",
        arg=first,
    )
    box = preview.bounding_box()
    assert box and abs(box["width"] / box["height"] - 1080 / 1920) < 0.02
    assert page.get_by_label("Headline").is_hidden()  # only the chosen template's fields show
    assert axe_serious(page) == []

    page.get_by_role("button", name="Save the card").click()
    page.wait_for_url(f"{base}/tell/studio/assets/*/")
    assert "Абай" in page.locator("img.preview-media").get_attribute("alt")
    assert axe_serious(page) == []
    for path in ("/tell/studio/storyboard/", "/tell/studio/"):
        page.goto(f"{base}{path}")
        assert axe_serious(page) == [], path
    assert all(urlsplit(u).hostname in LOCAL_HOSTS for u in requested if not u.startswith("data:"))


def test_brand_kit_page_passes_axe(browser_page: Any, live_server: Any, people: dict[str, Any]) -> None:
    page, _requested = browser_page
    log_in(page, live_server.url, "approver")
    page.goto(f"{live_server.url}/tell/studio/brand/berlin/")
    assert axe_serious(page) == []
    page.goto(f"{live_server.url}/tell/studio/brand/")
    assert axe_serious(page) == []


def test_composer_attaches_an_asset_from_the_library(
    browser_page: Any, live_server: Any, people: dict[str, Any], missions: dict[str, Any]
) -> None:
    from elshi.content import studio

    spec = {"template": "quote", "quote": "Бейбітшілік", "attribution": "Абай", "language": "kk"}
    card = studio.do_render_card(
        missions["berlin"], spec, "1080x1080", acting_user=people["author"], title="Абай картасы"
    )
    page, _requested = browser_page
    log_in(page, live_server.url, "author")
    page.goto(f"{live_server.url}/tell/posts/new/")
    variant = page.locator("#variant-0")
    variant.get_by_text("Pick media from the studio library").click()
    variant.get_by_text(card.alt_text[:30]).wait_for()
    assert axe_serious(page) == []
    variant.get_by_role("button", name="Attach “Абай картасы”").click()
    assert variant.get_by_label("Media").input_value() == f"{card.media_url} | {card.alt_text}"
