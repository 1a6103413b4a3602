"""`elshi claims check`: figures found and unbacked, one JSON object last, exit 2 on unusable input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from elshi.cli import app

# Wide, so that no assertion depends on where the terminal would wrap a line.
runner = CliRunner(env={"COLUMNS": "200"})


def _last_json(output: str) -> dict[str, Any]:
    return json.loads(output.strip().splitlines()[-1])


def test_backed_and_unbacked_figures_are_listed_and_the_last_line_is_json(tell: dict[str, Any]) -> None:
    text = "Kazakistan 2024 endeksinde 24. sırada, ihracat %7 arttı."
    result = runner.invoke(app, ["claims", "check", "--mission", "berlin", "--lang", "tr", text])
    assert result.exit_code == 1, result.output
    report = _last_json(result.output)
    assert [(f["text"], f["status"]) for f in report["figures"]] == [
        ("24. sırada", "ok"),
        ("%7", "unmatched"),
    ]
    assert report["figures"][0]["claim"] == str(tell["claim2024"]) and report["figures"][1]["value"] == "7"
    assert report["unbacked"] == ["%7"]
    assert "2 figure(s) in tr text for berlin, 1 unbacked" in result.output


def test_text_is_read_from_standard_input(tell: dict[str, Any]) -> None:
    result = runner.invoke(
        app,
        ["claims", "check", "--mission", "berlin", "--lang", "zh", "-"],
        input="哈萨克斯坦在2024年排名第二十四位。\n",
    )
    assert result.exit_code == 0, result.output
    assert _last_json(result.output) == {
        "figures": [
            {
                "text": "排名第二十四位",
                "kind": "rank",
                "value": "24",
                "period": 2024,
                "status": "ok",
                "claim": str(tell["claim2024"]),
            }
        ],
        "unbacked": [],
    }


def test_a_text_without_figures_exits_0_with_empty_lists(missions: dict[str, Any]) -> None:
    result = runner.invoke(app, ["claims", "check", "--mission", "berlin", "--lang", "en", "Hello Berlin"])
    assert result.exit_code == 0, result.output
    assert _last_json(result.output) == {"figures": [], "unbacked": []}


@pytest.mark.parametrize(
    "args,message",
    [
        (["--mission", "paris", "--lang", "en", "24th"], "no mission with slug 'paris'"),
        (["--mission", "berlin", "--lang", "xx", "24th"], "unknown language 'xx': choose one of"),
        (["--mission", "berlin", "--lang", "en", "   "], "the text is empty"),
    ],
)
def test_a_bad_mission_language_or_empty_text_exits_2(
    missions: dict[str, Any], args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["claims", "check", *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
