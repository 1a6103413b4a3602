"""The CLI functions and the JSON specs they read, driven through typer as the lead will register them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from elshi.creative import CreativeError, NumberCard, PhotoCard, read_provenance
from elshi.creative.bench import bench_cards
from elshi.creative.commands import bench_creative, render_card_spec, render_video_spec
from elshi.creative.spec import card_from_dict, storyboard_from_dict


def _app(command: Callable[..., None]) -> typer.Typer:
    app = typer.Typer()
    app.command()(command)
    return app


def test_card_command_writes_the_card_and_ends_with_json(tmp_path: Path) -> None:
    spec = tmp_path / "card.json"
    spec.write_text(
        json.dumps(
            {
                "template": "number",
                "figure": "24-орын",
                "statement": "БҰҰ индексінде",
                "source": "БҰҰ DESA, 2024",
                "language": "kk",
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "card.png"
    result = CliRunner().invoke(_app(render_card_spec), [str(spec), "-o", str(out), "--size", "1200x630"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["size"] == [1200, 630] and summary["alt_text"].endswith("Дереккөз: БҰҰ DESA, 2024")
    assert Image.open(out).size == (1200, 630)
    assert read_provenance(out).source_type == "digitalCreation"


def test_card_command_refuses_bad_input_with_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "card.json"
    spec.write_text(json.dumps({"template": "number", "figure": "24"}), encoding="utf-8")
    result = CliRunner().invoke(_app(render_card_spec), [str(spec), "-o", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "missing source, statement" in result.output
    result = CliRunner().invoke(_app(render_card_spec), [str(tmp_path / "absent.json")])
    assert result.exit_code == 2


def test_video_command_shows_progress_and_writes_captions(tmp_path: Path) -> None:
    spec = tmp_path / "board.json"
    spec.write_text(
        json.dumps(
            {
                "language": "ru",
                "transition": "slideleft",
                "scenes": [
                    {
                        "card": {"template": "quote", "quote": "Цифровое государство", "attribution": "МИД"},
                        "duration": 3,
                        "caption": "Цифровое государство служит каждому",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "clip.mp4"
    result = CliRunner().invoke(_app(render_video_spec), [str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["captions"] == 1 and summary["duration"] == pytest.approx(3.0, abs=0.1)
    assert "encode  100%" in result.output or "done    100%" in result.output
    assert out.with_suffix(".vtt").read_text(encoding="utf-8").startswith("WEBVTT")


def test_specs_build_the_objects_and_name_bad_paths() -> None:
    card = card_from_dict(
        {
            "template": "photo",
            "photo": "p.jpg",
            "headline": "Астана",
            "provenance": {
                "source_type": "trainedAlgorithmicMedia",
                "made_by": "a",
                "created_at": "2025-01-01T00:00:00+00:00",
                "backend": "openai",
                "model": "m",
            },
        }
    )
    assert isinstance(card, PhotoCard) and card.provenance is not None and card.provenance.ai_generated
    board = storyboard_from_dict(
        {
            "scenes": [
                {
                    "card": {"template": "number", "figure": "1", "statement": "s", "source": "x"},
                    "duration": 4,
                    "caption": "c",
                }
            ]
        }
    )
    assert isinstance(board.scenes[0].visual, NumberCard) and board.duration == 4
    with pytest.raises(CreativeError, match=r"storyboard.scenes\[0\].card.template"):
        storyboard_from_dict({"scenes": [{"card": {"template": "poster"}, "duration": 4}]})
    with pytest.raises(CreativeError, match="unknown fields colour"):
        card_from_dict({"template": "quote", "quote": "q", "attribution": "a", "colour": "red"})


def test_bench_cards_measures_every_template() -> None:
    rows = bench_cards(runs=1)
    assert {r.name.split(" ")[0] for r in rows} == {"number", "quote", "photo"}
    assert all(r.median_ms > 0 and r.target_ms == 150 for r in rows)


def test_bench_command_ends_with_one_json_object() -> None:
    result = CliRunner().invoke(_app(bench_creative), ["--runs", "1", "--no-video"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["bench"] == "creative" and figures["number_kk_ms"] > 0 and "video_ms" not in figures
