"""The claims check on real sentences in Kazakh, Russian and English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from elshi.content.claimcheck import ClaimRef, check_text, find_figures

C2024 = ClaimRef(1, Decimal(24), "rank", 2024, True, "EGDI #24 (2024)")
C2022 = ClaimRef(2, Decimal(28), "rank", 2022, True, "EGDI #28 (2022)")
C2020_UNVERIFIED = ClaimRef(3, Decimal(29), "rank", 2020, False, "EGDI #29 (2020)")
URANIUM = ClaimRef(4, Decimal("43.1"), "percent", 2022, True, "uranium 43.1% (2022)")
TRADE = ClaimRef(5, Decimal(3_500_000_000), "usd", 2023, True, "trade $3.5bn (2023)")
LIBRARY = [C2024, C2022, C2020_UNVERIFIED, URANIUM, TRADE]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Kazakhstan ranked 24th in the UN E-Government Development Index 2024.",
            [("24th", "rank", 24, 2024)],
        ),
        ("Казахстан занял 24-е место в рейтинге ООН 2024 года.", [("24-е место", "rank", 24, 2024)]),
        ("Қазақстан 2024 жылы БҰҰ индексінде 24-орын алды.", [("24-орын", "rank", 24, 2024)]),
        (
            "Қазақстан 24-ші орынға көтерілді, 2022 жылы 28-ші орын еді.",
            [("24-ші орынға", "rank", 24, 2022), ("28-ші орын", "rank", 28, 2022)],
        ),
        ("Kasachstan belegte 2024 Platz 24.", [("Platz 24", "rank", 24, 2024)]),
        ("Доля выросла до 43,1% в 2022 году.", [("43,1%", "percent", Decimal("43.1"), 2022)]),
        ("Товарооборот достиг 3,5 млрд долларов в 2023 году.", [("3,5 млрд", "amount", 3_500_000_000, 2023)]),
        ("Trade reached $3.5 billion in 2023.", [("$3.5 billion", "amount", 3_500_000_000, 2023)]),
        ("1 200 000 tourists visited in 2024.", [("1 200 000", "amount", 1_200_000, 2024)]),
    ],
)
def test_figures_are_found_in_each_language(text: str, expected: list[tuple[str, str, object, int]]) -> None:
    found = [(f.text, f.kind, f.value, f.period) for f in find_figures(text)]
    assert found == [(t, k, Decimal(v), p) for t, k, v, p in expected]


@pytest.mark.parametrize(
    "text",
    [
        "See https://egov.kz/2024/24th and #Astana2024 with @kz24",
        "The event starts at 10:30 on 12.05.2024.",
        "Astana hosted the expo in 2017.",
        "Three embassies and 5 consulates.",
    ],
)
def test_links_tags_times_dates_years_and_small_counts_are_not_figures(text: str) -> None:
    assert find_figures(text) == []


def _statuses(text: str, linked: list[ClaimRef], overridden: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(r.figure.text, r.status) for r in check_text(text, linked, LIBRARY, overridden)]


def test_linked_verified_claim_backs_the_figure() -> None:
    assert _statuses("Kazakhstan ranked 24th in 2024.", [C2024]) == [("24th", "ok")]
    assert _statuses("Казахстан занял 24-е место в 2024 году.", [C2024]) == [("24-е место", "ok")]


def test_library_claim_is_suggested_until_linked() -> None:
    [result] = check_text("Kazakhstan ranked 24th in 2024.", [], LIBRARY)
    assert result.status == "suggest" and result.claim == C2024


def test_wrong_year_contradicts_the_claim_for_that_year() -> None:
    [result] = check_text("Kazakhstan ranked 24th in 2022.", [C2024], LIBRARY)
    assert result.status == "contradicts"
    assert result.claim == C2022


def test_unverified_or_expired_claim_is_stale() -> None:
    assert _statuses("Kazakhstan was 29th in 2020.", [C2020_UNVERIFIED]) == [("29th", "stale")]


def test_unknown_figure_is_unmatched_until_overridden() -> None:
    assert _statuses("Kazakhstan is 5th in the world.", [C2024]) == [("5th", "unmatched")]
    assert _statuses("Kazakhstan is 5th in the world.", [C2024], ("5th",)) == [("5th", "overridden")]


def test_rounded_figure_matches_a_precise_claim() -> None:
    assert _statuses("43% of the world's uranium came from Kazakhstan in 2022.", [URANIUM]) == [("43%", "ok")]
    assert _statuses("44% of the world's uranium in 2022.", [URANIUM]) == [("44%", "contradicts")]


def test_amounts_with_scale_words() -> None:
    assert _statuses("Товарооборот достиг 3,5 млрд долларов в 2023 году.", [TRADE]) == [("3,5 млрд", "ok")]
