"""Each 'what to do next' rule on a fixture that should trigger it and on one that should not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from elshi.content.models import Claim
from elshi.reports import rules
from elshi.reports.brief import Period, build_brief

from .conftest import END, START, at, mention

WEEK = Period(START, END)


def _water_de(n: int, day: dt.date, tone: str = "negative") -> None:
    for _ in range(n):
        mention("KZ", day, tone, narratives=["water"], language="de", outlet_country="DE")


def test_narrative_language_gap_fires_without_posts_in_that_language(db: Any) -> None:
    _water_de(3, START + dt.timedelta(days=1))
    _water_de(2, START - dt.timedelta(days=3), "neutral")
    data = build_brief("KZ", START, END, [], "en")
    found = rules.narrative_language_gap(data, WEEK)
    assert len(found) == 1 and "German" in found[0].text and "water" in found[0].text
    assert "narrative_language_gap" in [r.rule for r in data.recommendations]


def test_narrative_language_gap_quiet_when_we_posted_in_that_language(history: dict[str, Any]) -> None:
    _water_de(3, START + dt.timedelta(days=1))  # Berlin published German variants on 2 and 4 March
    data = build_brief("KZ", START, END, [], "en")
    assert "de" in {p.language for p in data.published}
    assert rules.narrative_language_gap(data, WEEK) == []


def test_narrative_language_gap_quiet_when_negativity_did_not_rise(db: Any) -> None:
    _water_de(3, START + dt.timedelta(days=1))
    _water_de(3, START - dt.timedelta(days=2))  # as negative the week before
    assert rules.narrative_language_gap(build_brief("KZ", START, END, [], "en"), WEEK) == []


def test_narrative_language_gap_needs_a_minimum_of_negative_mentions(db: Any) -> None:
    _water_de(2, START + dt.timedelta(days=1))
    assert rules.narrative_language_gap(build_brief("KZ", START, END, [], "en"), WEEK) == []


def test_silent_mission(missions: dict[str, Any]) -> None:
    for i in range(5):
        mention("KZ", START + dt.timedelta(days=i % 7), "neutral", outlet_country="DE")
    found = rules.silent_mission(build_brief("KZ", START, END, [], "en"), WEEK)
    assert [r.rule for r in found] == ["silent_mission"] and "Mission Berlin" in found[0].text


def test_silent_mission_quiet_below_threshold_or_when_posting(history: dict[str, Any]) -> None:
    for i in range(4):
        mention("KZ", START + dt.timedelta(days=i), "neutral", outlet_country="US")  # Washington: 4 < 5
    for i in range(6):
        mention("KZ", START + dt.timedelta(days=i), "neutral", outlet_country="DE")  # Berlin posted
    assert rules.silent_mission(build_brief("KZ", START, END, [], "en"), WEEK) == []


def test_deliveries_need_a_person(history: dict[str, Any]) -> None:
    two_weeks = Period(START, START + dt.timedelta(days=13))
    data = build_brief("KZ", two_weeks.start, two_weeks.end, [], "en")
    assert data.failed_deliveries == 2
    assert "2 deliveries" in rules.deliveries_need_a_person(data, two_weeks)[0].text
    later = Period(dt.date(2026, 3, 16), dt.date(2026, 3, 22))
    assert rules.deliveries_need_a_person(build_brief("KZ", later.start, later.end, [], "en"), later) == []


def _claim(valid_until: dt.date, verified: bool = True) -> Claim:
    return Claim.objects.create(
        subject=f"Claim until {valid_until}",
        statements={"en": "x"},
        value=1,
        unit="count",
        source_title="s",
        source_url="https://example.org",
        source_date=dt.date(2025, 1, 1),
        valid_until=valid_until,
        verified_at=at(1, month=1) if verified else None,
    )


def test_claims_expiring(db: Any) -> None:
    _claim(END + dt.timedelta(days=10))
    _claim(END + dt.timedelta(days=40))  # too far ahead
    _claim(END + dt.timedelta(days=5), verified=False)  # not in use: never verified
    found = rules.claims_expiring(build_brief("KZ", START, END, [], "en"), WEEK)
    assert len(found) == 1 and "2026-03-18" in found[0].text


def test_image_drop(db: Any) -> None:
    for i in range(3):
        mention("KZ", START - dt.timedelta(days=i + 1), "positive")  # 100 the week before
        mention("KZ", START + dt.timedelta(days=i), "negative" if i else "positive")  # 50 - 16.7
    data = build_brief("KZ", START, END, [], "en")
    assert data.image_change is not None and data.image_change <= -5
    assert [r.rule for r in rules.image_drop(data, WEEK)] == ["image_drop"]


def test_image_drop_quiet_when_the_score_rose(corpus: dict[str, Any]) -> None:
    assert rules.image_drop(build_brief("KZ", START, END, [], "en"), WEEK) == []
