"""The index maths on plain data, with no Django settings: score, fold, shares, periods, relations."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from elshi.analysis import (
    IndexCounts,
    MentionRow,
    Share,
    Slice,
    baseline_days,
    by_country,
    country_index,
    fold_mentions,
    fold_relations,
    image_score,
    month_end,
    months_within,
    narrative_shares,
    previous_period,
    slices,
    week_start,
)
from elshi.analysis.index import CountryRow, day_series

SRC = Path(__file__).resolve().parents[2] / "src" / "elshi"
D1, D2 = dt.date(2026, 11, 1), dt.date(2026, 11, 2)


def test_image_score_of_known_shares() -> None:
    assert image_score(4 / 6, 1 / 6, 6) == 75.0
    assert image_score(1.0, 0.0, 3) == 100.0
    assert image_score(0.0, 1.0, 3) == 0.0
    assert image_score(0.5, 0.5, 2) == 50.0
    assert image_score(0.0, 0.0, 0) is None  # nothing toned: no score, not a balanced 50


def test_country_index_from_sums() -> None:
    sums = {
        "KZ": IndexCounts(6, 6, 5, 6, 4, 1, 1.5, 6, -3.0, 2),
        "UZ": IndexCounts(mentions=2, documents=2, stories=2),
    }
    kz, uz, kg = country_index(["KZ", "UZ", "KG"], sums)
    assert kz == CountryRow("KZ", 6, 6, 5, 0.25, 0.667, 0.167, 0.75, 75.0, -1.5)
    assert uz == CountryRow("UZ", 2, 2, 2, None, 0.0, 0.0, 0.25, None, None)
    assert kg == CountryRow("KG", 0, 0, 0, None, 0.0, 0.0, 0.0, None, None)


def test_index_counts_from_a_row_of_database_sums() -> None:
    row = {"mentions": 3, "documents": 2, "toned": None, "tone_sum": None, "country": "KZ"}
    assert IndexCounts.of(row) == IndexCounts(mentions=3, documents=2)


ROWS = [
    MentionRow(D1, "KZ", 2, "positive", 0.5, "s1", "Outlet A", "DE", "de", -1.0, ["economy"]),
    MentionRow(
        D1, "KZ", 1, "negative", -0.5, "s1", "Outlet B", "", "en", None, [["economy", 0.9], "security"]
    ),
    MentionRow(D1, "KZ", 1, "", None, "s2", None, None, None, None, None),
    MentionRow(D2, "UZ", 3, "neutral", 0.0, "s3", "Outlet A", "DE", "de", 2.0, []),
]


def test_fold_of_a_few_rows_equals_the_hand_computed_rollups() -> None:
    folded = fold_mentions(ROWS)
    assert folded.index == {
        (D1, "KZ"): IndexCounts(4, 3, 2, 2, 1, 1, 0.0, 2, -1.0, 1),
        (D2, "UZ"): IndexCounts(3, 1, 1, 1, 0, 0, 0.0, 1, 2.0, 1),
    }
    assert {k: asdict(v) for k, v in folded.breakdown.items()} == {
        (D1, "KZ", "DE", "de"): dict(
            mentions=2, documents=1, toned=1, positive=1, negative=0, tone_sum=0.5, tone_n=1
        ),
        (D1, "KZ", "", "en"): dict(
            mentions=1, documents=1, toned=1, positive=0, negative=1, tone_sum=-0.5, tone_n=1
        ),
        (D1, "KZ", "", ""): dict(
            mentions=1, documents=1, toned=0, positive=0, negative=0, tone_sum=0.0, tone_n=0
        ),
        (D2, "UZ", "DE", "de"): dict(
            mentions=3, documents=1, toned=1, positive=0, negative=0, tone_sum=0.0, tone_n=1
        ),
    }
    assert {k: asdict(v) for k, v in folded.narrative.items()} == {
        (D1, "KZ", "economy"): {"documents": 2, "negative": 1, "toned": 2},
        (D1, "KZ", "security"): {"documents": 1, "negative": 1, "toned": 1},
    }
    assert {k: asdict(v) for k, v in folded.outlet.items()} == {
        (D1, "KZ", "Outlet A", "DE"): {"documents": 1, "negative": 0, "positive": 1},
        (D1, "KZ", "Outlet B", ""): {"documents": 1, "negative": 1, "positive": 0},
        (D2, "UZ", "Outlet A", "DE"): {"documents": 1, "negative": 0, "positive": 0},
    }


def test_fold_takes_plain_tuples_and_cuts_keys_to_the_column_widths() -> None:
    row = (D1, "KZ", 1, "", None, None, "x" * 400, None, None, None, ["n" * 100])
    folded = fold_mentions([row])
    assert [k[2] for k in folded.outlet] == ["x" * 300]
    assert [k[2] for k in folded.narrative] == ["n" * 64]


def test_a_notebook_computes_the_index_from_mention_rows() -> None:
    daily = fold_mentions(ROWS).index
    kz, uz = country_index(["KZ", "UZ"], by_country(daily, D1, D2))
    assert (kz.mentions, kz.stories, kz.image_score, kz.share_of_voice, kz.mean_tone) == (
        4,
        2,
        50.0,
        0.571,
        0.0,
    )
    assert (uz.mentions, uz.image_score, uz.share_of_voice, uz.gdelt_tone) == (3, 50.0, 0.429, 2.0)
    assert country_index(["UZ"], by_country(daily, D1, D1))[0].mentions == 0
    series = day_series(sorted((day, c) for (day, country), c in daily.items() if country == "KZ"))
    assert [(s.day, s.mentions, s.mean_tone, s.toned) for s in series] == [(D1, 4, 0.0, 2)]


def test_period_helpers() -> None:
    assert previous_period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == (
        dt.date(2026, 10, 2),
        dt.date(2026, 10, 31),
    )
    assert month_end(dt.date(2024, 2, 10)) == dt.date(2024, 2, 29)
    assert month_end(dt.date(2026, 12, 1)) == dt.date(2026, 12, 31)
    assert months_within(dt.date(2026, 1, 15), dt.date(2026, 3, 31)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    )
    assert months_within(dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 1),
    )
    assert months_within(dt.date(2026, 1, 15), dt.date(2026, 2, 20)) is None
    assert week_start(dt.date(2026, 11, 9), dt.date(2026, 11, 1)) == dt.date(2026, 11, 8)
    days = baseline_days(dt.date(2026, 11, 29), 28)
    assert (len(days), days[0], days[-1]) == (28, dt.date(2026, 11, 1), dt.date(2026, 11, 28))


def test_narrative_shares_now_before_and_by_week() -> None:
    start = dt.date(2026, 11, 1)
    days = [
        (start, "economy", 2, 1, 2),
        (dt.date(2026, 11, 9), "economy", 3, 0, 3),
        (dt.date(2026, 11, 9), "security", 1, 1, 1),
    ]
    documents = {dt.date(2026, 10, 20): 10, start: 4, dt.date(2026, 11, 9): 6}
    shares, trend = narrative_shares(start, days, {"economy": 5}, documents)
    assert shares == [Share("economy", 5, 0.5, 0.5, 0.2), Share("security", 1, 0.1, 0.0, 1.0)]
    assert (shares[0].change, shares[1].change_points) == (0.0, 10.0)
    assert trend == [
        {"narrative": "economy", "weeks": ["2026-11-01", "2026-11-08"], "shares": [0.5, 0.5]},
        {"narrative": "security", "weeks": ["2026-11-01", "2026-11-08"], "shares": [0.0, 0.167]},
    ]


def test_slices_by_outlet_country_and_language() -> None:
    rows = [
        ("DE", "de", 3, 2, 1, 2, 0.5, 2),
        ("DE", "en", 1, 1, 0, 1, -0.5, 1),
        ("", "en", 1, 1, None, None, None, None),
    ]
    by_outlet_country, by_language = slices(rows)
    assert by_outlet_country == [Slice("DE", 4, 3, 0.75, 0.333, 0.0), Slice("", 1, 1, 0.25, 0.0, None)]
    assert by_language == [Slice("de", 3, 2, 0.5, 0.5, 0.25), Slice("en", 2, 2, 0.5, 0.0, -0.5)]


@dataclass(frozen=True)
class Event:
    actor1_country: str | None
    actor2_country: str | None
    num_mentions: int
    quad_class: int
    goldstein: float
    avg_tone: float


def test_relations_fold_dyadic_events_weighted_by_mentions() -> None:
    events = [
        Event("KZ", "RU", 10, 1, 3.0, 2.0),
        Event("RU", "KZ", 0, 4, -5.0, -4.0),  # no mentions reported: it still weighs 1
        Event("KZ", "CN", 5, 2, 7.0, 1.0),
        Event("RU", "CN", 50, 1, 1.0, 1.0),  # not the focus
        Event("KZ", None, 50, 1, 1.0, 1.0),  # no counterpart country
        Event("KZ", "KZ", 50, 1, 1.0, 1.0),  # domestic
    ]
    ru, cn = fold_relations(events, "KZ")
    assert (ru.counterpart, ru.events, ru.mentions, ru.by_quad_class) == (
        "RU",
        2,
        11,
        {1: 1, 2: 0, 3: 0, 4: 1},
    )
    assert ru.goldstein == pytest.approx(25 / 11) and ru.tone == pytest.approx(16 / 11)
    assert ru.cooperation_share == 0.5
    assert (cn.counterpart, cn.mentions, cn.goldstein, cn.cooperation_share) == ("CN", 5, 7.0, 1.0)


def test_the_methodology_page_states_the_formula_the_code_uses() -> None:
    # Read as text: the page's module is a Django one, and this test runs with no settings.
    page = ast.get_docstring(ast.parse((SRC / "monitoring" / "index.py").read_text(encoding="utf-8")))
    assert page is not None and "image score = 50 + 50 x (positive share - negative share)" in page
    assert image_score(0.7, 0.1, 10) == round(50 + 50 * (0.7 - 0.1), 1)
    template = (SRC / "monitoring" / "templates" / "monitoring" / "methodology.html").read_text(
        encoding="utf-8"
    )
    assert "previous 28 days" in template and "z of at least 3.5" in template


PURE = """
import sys
import elshi.analysis.index, elshi.analysis.mix, elshi.analysis.periods, elshi.analysis.relations
import elshi.analysis.rollup, elshi.analysis.spikes
from elshi.analysis import country_index, by_country, fold_mentions
import datetime as dt
day = dt.date(2026, 11, 1)
rows = [(day, "KZ", 1, "positive", 0.5, "s", "o", "DE", "de", None, ["n"])]
print(country_index(["KZ"], by_country(fold_mentions(rows).index, day, day))[0].image_score)
assert "django" not in sys.modules, sorted(m for m in sys.modules if m.startswith("django"))
assert "lingua" not in sys.modules, "the index maths must not load the language models"
"""


def test_index_maths_imports_without_django_or_the_text_models() -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", PURE], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "100.0"
