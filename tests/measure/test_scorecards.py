"""Scorecard figures against values computed by hand from the `history` fixture (see conftest)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from elshi.missions.models import Mission
from elshi.reports.scorecards import scorecards

START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 15)


@pytest.fixture
def cards(history: dict[str, Any]) -> dict[str, Any]:
    return {c.slug: c for c in scorecards(list(Mission.objects.all()), START, END)}


def test_berlin_by_hand(cards: dict[str, Any]) -> None:
    b = cards["berlin"]
    f = b.figures
    assert f.posts == 3  # P1, P2, P3 published in the period
    assert f.posts_per_week == 1.5  # 3 posts / (14 days / 7)
    assert f.regularity == 0.5  # posts in week 1 of 2 only
    assert f.languages == ["de", "en"] and b.host_languages == ["de"]
    assert b.language_coverage == 1.0 and b.missing_languages == []
    assert f.deliveries == 4
    assert f.engagements == 85  # 50 (latest M snapshot of P1, not the older one) + 10 + 25
    assert f.views == 1500
    assert f.engagement_rate == 0.05  # (50 + 25) / 1500: only deliveries with views
    assert f.engagements_per_delivery == 28.33  # 85 / 3 deliveries with a snapshot
    assert b.claims_share == 0.667  # P1 and P3 of 3
    assert b.median_turnaround_hours == 6.0  # median of 6 h, 24 h, 2 h
    assert (f.failed, f.unconfirmed) == (1, 1)
    assert f.reliability == 0.667  # 4 published of 6
    assert b.score == 66.7  # 100 x mean(0.5, 0.5, 1.0, 2/3, 2/3)


def test_washington_and_hq_by_hand(cards: dict[str, Any]) -> None:
    w = cards["washington"]
    assert (w.figures.posts, w.figures.posts_per_week, w.figures.regularity) == (1, 0.5, 0.5)
    assert w.figures.engagement_rate is None and w.figures.engagements_per_delivery == 4.0
    assert w.claims_share == 0.0 and w.figures.reliability == 1.0
    assert w.score == 53.3  # 100 x mean(0.5/3, 0.5, 1.0, 0.0, 1.0)
    hq = cards["astana-hq"]
    assert hq.host_languages == ["kk", "ru"] and hq.missing_languages == ["kk", "ru"]
    assert hq.figures.posts == 0 and hq.figures.reliability is None and hq.score == 0.0


def test_ranked_with_previous_period(cards: dict[str, Any]) -> None:
    assert [cards[s].rank for s in ("berlin", "washington", "astana-hq")] == [1, 2, 3]
    # 16 Feb - 1 Mar: only Washington's W0 (score 53.3); Astana and Berlin tie at 0 and go by name.
    assert cards["washington"].previous_rank == 1 and cards["washington"].previous_score == 53.3
    assert cards["berlin"].previous_rank == 3 and cards["berlin"].score_change == 66.7


def test_channels_by_hand(cards: dict[str, Any]) -> None:
    channels = {c.label: c.figures for c in cards["berlin"].channels}
    m, t = channels["Mastodon @kz@berlin.example"], channels["Telegram @kz_de"]
    assert (m.posts, m.languages, m.engagement_rate, m.unconfirmed, m.failed) == (2, ["de"], 0.05, 1, 0)
    assert (t.posts, t.languages, t.engagement_rate, t.engagements_per_delivery, t.failed) == (
        2,
        ["en"],
        None,
        10.0,
        1,
    )
