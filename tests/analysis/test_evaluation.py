from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from elshi.analysis.commands import eval_tone
from elshi.analysis.evaluation import evaluate_tone, macro_f1


def test_macro_f1_by_hand() -> None:
    gold, pred = [-1, -1, 0, 1, 1, 1], [-1, 0, 0, 1, 1, -1]
    # negative: tp1 fp1 fn1 -> 0.5; neutral: tp1 fp1 fn0 -> 2/3; positive: tp2 fp0 fn1 -> 0.8
    assert macro_f1(gold, pred, (-1, 0, 1)) == pytest.approx((0.5 + 2 / 3 + 0.8) / 3)
    assert macro_f1([1, 1], [1, 1], (-1, 1)) == pytest.approx(0.5)


def test_baselines_and_lexicon_on_real_dev_rows(eval_data: Path) -> None:
    report = evaluate_tone(
        ["newsmtsc", "rusentne", "kazsandra"], ["vader", "unisent", "lexicon"], eval_data, limit=300
    )
    assert report.sizes == {"newsmtsc": 300, "rusentne": 300, "kazsandra": 300}
    assert report.scores["rusentne"]["vader"] is None  # VADER is English only
    for name, scores in report.scores.items():
        for system, value in scores.items():
            assert value is None or 0.0 <= value <= 1.0, (name, system)
    # Far from chance on the Kazakh reviews: the derived lexicon carries real signal.
    lexicon = report.scores["kazsandra"]["lexicon"]
    assert lexicon is not None and lexicon > 0.6


def test_eval_tone_command_prints_table_then_json(eval_data: Path) -> None:
    app = typer.Typer()
    app.command("tone")(eval_tone)
    app.command("other")(eval_tone)
    result = CliRunner().invoke(
        app,
        [
            "tone",
            "--data",
            str(eval_data),
            "--datasets",
            "xlmt-en",
            "--systems",
            "vader,lexicon",
            "--limit",
            "60",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].split()[:3] == ["dataset", "rows", "vader"]
    summary = json.loads(lines[-1])
    assert summary["eval"] == "tone" and set(summary["macro_f1"]["xlmt-en"]) == {"vader", "lexicon"}
    bad = CliRunner().invoke(app, ["tone", "--datasets", "imdb"])
    assert bad.exit_code == 2 and "unknown evaluation sets" in bad.stderr
