"""The Engage demo step: two hybrid engagements with registrations and post plans; two sites, exported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from elshi.audit.log import verify_chain


@pytest.mark.django_db(transaction=True)
def test_engage_demo(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: Any) -> None:
    from elshi.common.demo import DemoContext, steps
    from elshi.engagements.models import Engagement, MissionSite, Registration

    settings.ELSHI_HOME = tmp_path
    monkeypatch.setenv("ELSHI_DEMO_PASSWORD", "demo-pass-for-tests-7")
    wanted = {
        "missions",
        "people",
        "narratives and claims",
        "channels and campaign",
        "clearance policy",
        "engage: hybrid engagements and virtual embassies",
    }
    for _round in range(2):  # idempotent
        context = DemoContext(tmp_path / "credentials.json")
        for name, func in steps():
            if name in wanted:
                func(context)
    assert Engagement.objects.filter(kind="hybrid").count() == 2
    assert set(Engagement.objects.values_list("mission__slug", flat=True)) == {"berlin", "astana-hq"}
    berlin = Engagement.objects.get(mission__slug="berlin")
    assert berlin.registrations.filter(status="waitlisted").count() == 1
    assert Registration.objects.count() == 8
    states = set(berlin.planned_posts.values_list("post__state", flat=True))
    assert "in_clearance" in states and "draft" in states
    assert MissionSite.objects.filter(is_published=True).count() == 2
    for slug, langs in {"berlin": ["kk", "ru", "en", "de"], "astana-hq": ["kk", "ru", "en"]}.items():
        for lang in langs:
            assert client.get(f"/m/{slug}/{lang}/").status_code == 200
            assert (tmp_path / "sites" / slug / lang / "index.html").is_file()
    assert verify_chain().ok
