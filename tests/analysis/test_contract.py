"""The `elshi analyze` contract, driven through the command function as the CLI will register it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from elshi.analysis.commands import analyze, eval_mentions

app = typer.Typer()
app.command("analyze")(analyze)
app.command("eval-mentions")(eval_mentions)
runner = CliRunner()

LINES = [
    {"id": "a", "text": "Kazakhstan's economy grew strongly, a great success.", "title": "Kazakhstan"},
    "this is not json",
    {"id": "b", "text": "Узбекистан и Казахстан подписали соглашение о транзите.", "lang": "ru"},
    {
        "id": "c",
        "text": "Terrible news from Uzbekistan today. Kazakhstan is doing great.",
        "target": {"start": 19, "end": 29},
    },
    {"id": "d", "text": "bad target", "target": {"start": 5, "end": 500}},
    {"text": "no id"},
    {"id": "e", "text": "Nothing about any country, just a lovely day."},
]


def write(path: Path, lines: list[object]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def test_contract_lines(tmp_path: Path) -> None:
    source, out = write(tmp_path / "in.jsonl", LINES), tmp_path / "out.jsonl"
    result = runner.invoke(app, ["analyze", str(source), "-o", str(out), "--tone-model", "lexicon"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "command": "analyze",
        "processed": 4,
        "skipped": 3,
        "tone_model": "lexicon",
        "output": str(out),
    }
    for number in (2, 5, 6):
        assert f"in.jsonl:{number}: skipped" in result.stderr
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(rows) == {"a", "b", "c", "e"}
    a = rows["a"]
    assert set(a) == {"id", "lang", "mentions", "tone", "narratives", "story_id"}
    assert a["lang"] == "en"
    assert a["mentions"] == [{"country": "KZ", "count": 2, "spans": [[0, 12]], "in_title": True}]
    assert a["tone"]["label"] == "positive" and -1 <= a["tone"]["score"] <= 1 and a["tone"]["evidence"]
    assert rows["b"]["lang"] == "ru"
    assert {m["country"] for m in rows["b"]["mentions"]} == {"KZ", "UZ"}
    assert rows["c"]["tone"]["label"] == "negative"  # toward Uzbekistan, the given span
    assert rows["e"]["mentions"] == [] and rows["e"]["tone"]["label"] == "positive"
    assert len({r["story_id"] for r in rows.values()}) == 4


def test_unusable_input_exits_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["analyze", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    assert missing.exit_code == 2 and "not found" in missing.stderr
    garbage = write(tmp_path / "bad.jsonl", ["{", "[]"])
    result = runner.invoke(
        app, ["analyze", str(garbage), "-o", str(tmp_path / "o.jsonl"), "--tone-model", "lexicon"]
    )
    assert result.exit_code == 2
    bad_model = runner.invoke(
        app, ["analyze", str(garbage), "-o", str(tmp_path / "o.jsonl"), "--tone-model", "magic"]
    )
    assert bad_model.exit_code == 2 and "unknown tone model" in bad_model.stderr


@pytest.mark.parametrize("profile", ["kz"])
def test_eval_mentions_command(profile: str) -> None:
    result = runner.invoke(app, ["eval-mentions", "--profile", profile])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["eval"] == "mentions" and summary["sentences"] >= 300
    assert summary["precision"] >= 0.98 and summary["recall"] >= 0.95
