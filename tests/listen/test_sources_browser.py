"""A real browser on the sources pages: an analyst uploads an export and sees its result; axe is clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import LOCAL_HOSTS, axe_serious, log_in

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).with_name("fixtures") / "monitoring_export.csv"


def test_analyst_uploads_an_export_and_adds_a_gdelt_source(
    browser_page: Any,
    live_server: Any,
    people: dict[str, Any],
    settings: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    from huey.contrib.djhuey import HUEY

    from elshi.monitoring import polling
    from elshi.monitoring.models import Source

    settings.MEDIA_ROOT = tmp_path
    settings.ELSHI_TONE_MODEL = "lexicon"
    monkeypatch.setattr(polling, "_ANALYZERS", {})
    monkeypatch.setattr(HUEY, "immediate", True)  # the import runs as the worker would, right after commit
    page, requested = browser_page
    base = live_server.url
    log_in(page, base, "analyst")
    page.goto(f"{base}/listen/sources/")
    assert "No sources yet" in page.content()
    assert axe_serious(page) == []
    page.get_by_role("link", name="file upload").click()
    page.get_by_label("Name").fill("Monitoring export")
    page.locator("input[type=file]").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_text("parsed=4 quarantined=1").wait_for()
    assert "Imported" in page.content() and "no http(s) URL" in page.content()
    assert axe_serious(page) == []
    page.get_by_role("link", name="view").first.click()
    assert "not-a-url" in page.locator("pre.raw").inner_text()
    page.goto(f"{base}/listen/sources/?kind=gdelt")
    assert page.get_by_label("GDELT base URL").input_value() == "https://data.gdeltproject.org/gdeltv2/"
    page.get_by_label("Name").fill("GDELT")
    page.get_by_role("button", name="Add").click()
    page.get_by_text("Source added").wait_for()
    gdelt = Source.objects.get(kind="gdelt")
    assert gdelt.every_minutes == 15 and gdelt.options["streams"] == ["gkg", "export"]
    assert axe_serious(page) == []
    assert all(urlsplit(u).hostname in LOCAL_HOSTS for u in requested if u.startswith("http")), requested
