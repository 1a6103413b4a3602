"""Shared fixtures: missions and one person per role, plus an outsider from another mission."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# Rich wraps and truncates at the terminal's width (80 columns without a terminal, whatever the
# developer's window is with one): one wide width for every test, set before any Console exists,
# so that no assertion on a command's output depends on the machine it runs on.
os.environ["COLUMNS"] = "200"

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def missions(db: Any) -> dict[str, Any]:
    from elshi.missions import actions
    from elshi.missions.models import Mission, MissionKind

    made = {}
    for slug, kind, country, city, tz, langs in [
        ("astana-hq", MissionKind.HQ, "KZ", "Astana", "Asia/Almaty", ["kk", "ru", "en"]),
        ("berlin", MissionKind.EMBASSY, "DE", "Berlin", "Europe/Berlin", ["de", "en"]),
        ("washington", MissionKind.EMBASSY, "US", "Washington", "America/New_York", ["en"]),
    ]:
        mission = Mission(
            slug=slug,
            name=f"Mission {city}",
            kind=kind,
            host_country=country,
            city=city,
            timezone=tz,
            languages=langs,
        )
        made[slug] = actions.do_save_mission(mission, acting_user=None)
    return made


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The shared cache (files, or Redis in CI) outlives a test: rate-limit counters must not."""
    from django.core.cache import cache

    cache.clear()


PASSWORD = "correct-horse-battery-42"


@pytest.fixture
def people(missions: dict[str, Any]) -> dict[str, Any]:
    """author, approver, analyst and viewer at Berlin; outsider (an editor) at Washington; admin at HQ."""
    from elshi.missions import actions

    spec = {
        "author": ("berlin", "mission_editor"),
        "approver": ("berlin", "approver"),
        "analyst": ("berlin", "analyst"),
        "viewer": ("berlin", "viewer"),
        "outsider": ("washington", "mission_editor"),
        "admin": ("astana-hq", "admin"),
    }
    made = {}
    for name, (slug, role) in spec.items():
        user, _ = actions.do_create_user(name, password=PASSWORD, acting_user=None)
        actions.do_set_role(user, missions[slug], role, acting_user=None)
        made[name] = user
    return made


@pytest.fixture
def login(client: Any, people: dict[str, Any]):  # type: ignore[no-untyped-def]
    def _login(name: str) -> Any:
        client.force_login(people[name])
        return client

    return _login


@pytest.fixture
def browser_page(transactional_db: Any, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A Chromium page, and the list of every URL it requested."""
    import shutil

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        yield page, requested
        browser.close()
