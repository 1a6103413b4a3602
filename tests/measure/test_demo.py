"""The demo step: a week of publishing history and the last week's brief in en, ru and kk, once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from elshi.common.demo import DemoContext
from elshi.reports.models import Brief


@pytest.mark.slow
def test_demo_briefs_in_three_languages_once(history: dict[str, Any], tmp_path: Path) -> None:
    from elshi.reports.demo import demo_briefs
    from elshi.reports.views import last_week

    context = DemoContext(tmp_path / "creds.json")
    demo_briefs(context)
    start, end = last_week()
    assert sorted(Brief.objects.filter(start=start, end=end).values_list("language", flat=True)) == [
        "en",
        "kk",
        "ru",
    ]
    assert context.created["published history"] == 5  # the missions of the fixture (no London, no Beijing)
    assert all(b.pdf_file and b.html_file for b in Brief.objects.all())
    again = DemoContext(tmp_path / "creds.json")
    demo_briefs(again)
    assert again.created == {} and Brief.objects.count() == 3
    kk = Brief.objects.get(language="kk")
    assert (
        kk.data["country_name"] == "Қазақстан" and kk.data["published"]
    )  # the history is in last week's brief
