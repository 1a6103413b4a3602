"""The second shipped profile (Uzbekistan): its shape, its names in every language, its traps and
narratives; and the rules every shipped profile keeps, so that a third one is checked as it lands."""

from __future__ import annotations

import datetime as dt

import pytest

from elshi.analysis.batch import analyze_batch
from elshi.analysis.mentions import MentionFinder
from elshi.analysis.narratives import NarrativeTagger
from elshi.analysis.profile import (
    DEFAULT_PROFILE,
    CountryProfile,
    configured_profile_name,
    load_profile,
    profile_names,
)
from elshi.documents import RawDocument


@pytest.fixture(scope="module")
def uz() -> CountryProfile:
    return load_profile("uz", include_optional=True)


@pytest.fixture(scope="module")
def finder(uz: CountryProfile) -> MentionFinder:
    return MentionFinder(uz)


def test_uz_profile_shape() -> None:
    profile = load_profile("uz")
    assert "uz" in profile_names() and profile.id == "uz" and profile.target == "UZ"
    assert [c.code for c in profile.countries] == ["UZ", "KZ", "KG", "TJ", "TM", "AZ", "GE", "MN"]
    assert {"RU", "CN", "TR", "AF"} <= {c.code for c in load_profile("uz", include_optional=True).countries}
    assert {"uz", "ru", "en", "kk", "de", "fr", "tr", "zh", "ar", "es", "it", "ky", "fa"} <= set(
        profile.languages
    )


@pytest.mark.parametrize("name", profile_names())
def test_every_shipped_profile_is_complete(name: str) -> None:
    """The target is named in every language the profile lists; every narrative has keywords and
    examples in Latin and Cyrillic script; exactly one narrative is a risk."""
    profile = load_profile(name, include_optional=True)
    target = profile.country(profile.target)
    assert set(profile.languages) <= {a.lang for a in target.aliases if a.kind == "name"}, name
    assert any(a.kind == "adjective" for a in target.aliases)
    assert sum(a.kind == "weak" for a in target.aliases) >= 5
    assert target.traps, f"{name}: the target needs its language and ethnicity traps"
    assert len(profile.narratives) >= 8
    for narrative in profile.narratives:
        assert len(narrative.keywords) >= 10 and len(narrative.examples) >= 4, narrative.id
        assert any(any("\u0400" <= ch <= "\u04ff" for ch in e) for e in narrative.examples), narrative.id
        assert any(e.isascii() for e in narrative.examples), narrative.id
    assert len([n for n in profile.narratives if n.risk]) == 1
    for code in (*profile.peers, *profile.optional_peers):
        assert profile.country(code).name


@pytest.mark.parametrize(
    "text",
    [
        "Uzbekistan's president opened the new railway to Kyrgyzstan.",
        "The Republic of Uzbekistan signed a gas deal.",
        "Президент Узбекистана выступил на саммите.",
        "В Узбекистане открылся новый завод.",
        "Oʻzbekiston Respublikasi Prezidenti farmon imzoladi.",
        "O‘zbekistonning eksporti o‘sdi.",
        "Ўзбекистон Республикаси ҳукумати қарор қабул қилди.",
        "Өзбекстанның сыртқы істер министрі Астанаға келді.",
        "Usbekistans Regierung kündigte Reformen an.",
        "L'Ouzbékistan a signé un accord avec la France.",
        "Özbekistan'ın başkenti Taşkent'te bir forum düzenlendi.",
        "乌兹别克斯坦总统会见了代表团。",
        "وقعت أوزبكستان اتفاقية جديدة للطاقة.",
        "Uzbekistán firmó un acuerdo comercial.",
        "L'Uzbekistan ha firmato un accordo.",
        "رئیس جمهور ازبکستان به تهران سفر کرد.",
        "Өзбекстан менен Кыргызстан чек ара боюнча макулдашты.",
        "우즈베키스탄의 대통령이 서울을 방문했다.",
        "An Uzbek delegation arrived in Brussels.",
        "Узбекская делегация прибыла в Берлин.",
    ],
)
def test_finds_uzbekistan_in_many_languages(finder: MentionFinder, text: str) -> None:
    assert finder.scan(text).counts()["UZ"] >= 1, text


@pytest.mark.parametrize(
    "text",
    [
        "She speaks Uzbek fluently.",
        "The Uzbek language uses the Latin script.",
        "Ethnic Uzbek residents of Osh fled the violence.",
        "An Afghan Uzbek commander joined the talks.",
        "The Uzbek community in southern Kyrgyzstan is large.",
        "The book was translated into Uzbek.",
        "Он свободно говорит на узбекском языке.",
        "Узбекский язык изучают в школах Оша.",
        "O'zbek tili davlat tili hisoblanadi.",
        "新疆有少量乌兹别克族居民。",
        "Özbek dili Türk dilleri ailesindendir.",
    ],
)
def test_language_and_ethnicity_are_not_the_country(finder: MentionFinder, text: str) -> None:
    assert finder.scan(text).counts()["UZ"] == 0, text


def test_cities_are_weak_signals_only(finder: MentionFinder) -> None:
    scan = finder.scan("A festival opened in Samarkand, Bukhara and Khiva; delegates flew on to Tashkent.")
    assert scan.counts()["UZ"] == 0 and scan.counts(weak=True)["UZ"] == 4
    assert finder.scan("Самолет вылетел в Бухарест.").counts(weak=True)["UZ"] == 0  # not Бухара


def test_peers_are_found_in_uzbek(finder: MentionFinder) -> None:
    counts = finder.scan("Qozog'iston, Qirg'iziston va Tojikiston rahbarlari Toshkentda uchrashdi.").counts()
    assert (counts["KZ"], counts["KG"], counts["TJ"]) == (1, 1, 1)


def test_each_narrative_matches_its_own_examples(uz: CountryProfile) -> None:
    tagger = NarrativeTagger(uz)
    ids = [n.id for n in uz.narratives]
    assert {"reforms", "transit", "energy", "tourism", "governance"} <= set(ids)
    for i, narrative in enumerate(uz.narratives):
        hits = sum(tagger.keyword_scores(e)[i] > 0 for e in narrative.examples)
        assert hits >= len(narrative.examples) - 1, narrative.id


def test_analysis_for_uzbekistan_tags_tourism() -> None:
    when = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    doc = RawDocument(
        "test", "https://example.org/uz", "Silk Road tourism",
        "Uzbekistan introduced visa-free travel and tourism to Samarkand and Bukhara boomed.", when,
    )
    [result] = analyze_batch([doc], load_profile("uz"), tone="lexicon")
    assert [m.country for m in result.mentions] == ["UZ"]
    assert "tourism" in [key for key, _ in result.narratives]


def test_configured_profile_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ELSHI_PROFILE", raising=False)
    assert configured_profile_name() == DEFAULT_PROFILE
    monkeypatch.setenv("ELSHI_PROFILE", "uz")
    assert configured_profile_name() == "uz"
