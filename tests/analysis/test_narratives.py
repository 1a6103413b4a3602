from __future__ import annotations

import pickle

from elshi.analysis.narrative_eval import calibrate, cross_validated, load_sample
from elshi.analysis.narratives import Calibration, NarrativeTagger
from elshi.analysis.profile import CountryProfile
from tests.analysis.conftest import FIXTURES


def test_keyword_rules_across_languages(profile: CountryProfile) -> None:
    tagger = NarrativeTagger(profile)
    assert dict(tagger.tag(["Freight on the Middle Corridor through Aktau port doubled."]))["transit"] > 0.45
    assert "governance" in dict(tagger.tag(["Правозащитники осудили задержания протестующих."]))
    assert "ecology" in dict(tagger.tag(["Арал теңізінің экологиясы жақсарды."]))
    assert tagger.tag(["The minister met his counterpart."]) == []
    for _, score in tagger.tag(["Uranium and oil output rose as investors returned."]):
        assert 0.0 <= score <= 1.0


def test_shipped_calibration_loads() -> None:
    calibration = Calibration.load()
    assert 0 < calibration.lo < calibration.hi <= 1
    assert 0 < calibration.threshold < 1 and 0 < calibration.keyword_threshold < 1


def test_keyword_tagging_on_the_labelled_sample(profile: CountryProfile) -> None:
    rows = load_sample(FIXTURES / "narratives_labelled.jsonl")
    assert len(rows) >= 80 and sum(1 for _, labels in rows if not labels) >= 5
    tagger = NarrativeTagger(profile)
    honest = cross_validated(tagger, rows, None, None)
    _, in_sample = calibrate(tagger, rows, None, None)
    assert 0.6 <= honest <= in_sample + 1e-9


def test_tagger_pickles(profile: CountryProfile) -> None:
    tagger = pickle.loads(pickle.dumps(NarrativeTagger(profile)))  # noqa: S301 - our own bytes
    assert "sport" in dict(tagger.tag(["Rybakina won the Wimbledon title."]))


def test_eval_narratives_command_keywords_only() -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from elshi.analysis.commands import eval_narratives

    app = typer.Typer()
    app.command("narratives")(eval_narratives)
    app.command("other")(eval_narratives)
    result = CliRunner().invoke(app, ["narratives", "--keywords-only"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["similarity"] is False and summary["written"] is False
    assert 0.6 <= summary["micro_f1_cross_validated"] <= summary["micro_f1_in_sample"]
