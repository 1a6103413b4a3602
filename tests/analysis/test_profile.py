from __future__ import annotations

from pathlib import Path

import pytest

from elshi.analysis.profile import ProfileError, load_profile, profile_names

ISSUE_LANGS = {"kk", "ru", "en", "de", "fr", "tr", "zh", "ar", "es", "it", "uz", "ky", "fa"}
NARRATIVES = {
    "transit",
    "digital",
    "investment",
    "energy",
    "disarmament",
    "culture",
    "tourism",
    "ecology",
    "sport",
    "governance",
}


def test_kz_profile_shape() -> None:
    profile = load_profile("kz")
    assert "kz" in profile_names()
    assert profile.target == "KZ"
    assert [c.code for c in profile.countries] == ["KZ", "UZ", "KG", "TJ", "TM", "AZ", "GE", "MN"]
    assert {c.code for c in load_profile("kz", include_optional=True).countries} >= {"RU", "CN", "TR"}
    assert set(profile.languages) == ISSUE_LANGS


def test_target_has_names_in_every_issue_language() -> None:
    kz = load_profile("kz").country("KZ")
    langs = {a.lang for a in kz.aliases if a.kind == "name"}
    assert ISSUE_LANGS <= langs
    assert any(a.kind == "weak" and a.form == "astana" for a in kz.aliases)
    assert any(a.kind == "adjective" and a.form == "kazakh" for a in kz.aliases)


def test_narratives_have_multilingual_examples() -> None:
    profile = load_profile("kz")
    assert {n.id for n in profile.narratives} == NARRATIVES
    for narrative in profile.narratives:
        assert len(narrative.examples) >= 4 and len(narrative.keywords) >= 10
        assert any(any("\u0400" <= ch <= "\u04ff" for ch in e) for e in narrative.examples), narrative.id
    assert [n.id for n in profile.narratives if n.risk] == ["governance"]


def test_bad_profiles_are_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no country profile"):
        load_profile("atlantis")
    broken = tmp_path / "broken.yaml"
    broken.write_text("target: KZ\ncountries: {}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="missing field"):
        load_profile(broken)
