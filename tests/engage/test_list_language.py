"""The staff engagement list and page show titles in the reader's language, then the mission's first."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import make_engagement

pytestmark = pytest.mark.django_db


def _titles_on_list(client: Any, language: str) -> str:
    client.cookies["django_language"] = language
    return client.get("/engage/engagements/").content.decode()


def test_titles_follow_the_reader_then_the_mission(login: Any, missions: dict[str, Any]) -> None:
    berlin = missions["berlin"]  # working languages: de, en
    both = make_engagement(berlin, titles={"en": "Forum side event", "kk": "Форумның іс-шарасы"})
    make_engagement(berlin, titles={"ru": "Форум по-русски", "de": "Forum auf Deutsch"})
    make_engagement(berlin, titles={"ru": "Только по-русски"})
    viewer = login("viewer")

    kk = _titles_on_list(viewer, "kk")
    assert "Форумның іс-шарасы" in kk and "Forum side event" not in kk
    assert "Forum auf Deutsch" in kk and "Форум по-русски" not in kk  # the mission's first language
    assert "Только по-русски" in kk  # any language rather than nothing

    en = _titles_on_list(viewer, "en")
    assert "Forum side event" in en and "Форумның іс-шарасы" not in en
    assert "Forum auf Deutsch" in en

    ru = _titles_on_list(viewer, "ru")
    assert "Форум по-русски" in ru and "Forum auf Deutsch" not in ru

    viewer.cookies["django_language"] = "kk"
    page = viewer.get(f"/engage/engagements/{both.pk}/").content.decode()
    assert "<h1>Форумның іс-шарасы" in page


def test_edit_page_title_in_the_readers_language(login: Any, missions: dict[str, Any]) -> None:
    engagement = make_engagement(missions["berlin"])
    author = login("author")
    author.cookies["django_language"] = "kk"
    page = author.get(f"/engage/engagements/{engagement.pk}/edit/").content.decode()
    assert "Форумның қосымша іс-шарасы" in page.split("</h1>")[0]
