"""`elshi profile new CODE`: the scaffold it writes, the checklist it prints, exit 2 on unusable input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from elshi.analysis.profile import load_profile
from elshi.cli import app

runner = CliRunner()


def test_scaffold_loads_and_says_what_to_fill_in(tmp_path: Path) -> None:
    result = runner.invoke(app, ["profile", "new", "am", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "am.yaml"
    text = path.read_text("utf-8")
    assert "TODO" in text and "target: AM" in text
    profile = load_profile(path)
    assert (profile.id, profile.target, profile.country("AM").name) == ("am", "AM", "Armenia")
    assert [n.risk for n in profile.narratives] == [False, True]
    out = " ".join(result.output.split())
    for item in ("languages", "names", "inflections", "peers", "traps", "narratives", "keywords", "example"):
        assert item in out, item
    assert f"ELSHI_PROFILE={path.resolve()}" in out
    assert out.endswith(f"profile AM (Armenia) scaffolded → {path}")


def test_output_may_name_the_file(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    result = runner.invoke(app, ["profile", "new", "UZ", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "ships a uz profile already" in result.output
    assert load_profile(target).target == "UZ"


def test_writes_into_the_current_folder_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["profile", "new", "ge"]).exit_code == 0
    assert (tmp_path / "ge.yaml").is_file()


@pytest.mark.parametrize("code", ["xq", "ARM", "1a", ""])
def test_unknown_codes_exit_2(tmp_path: Path, code: str) -> None:
    result = runner.invoke(app, ["profile", "new", code, "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "ISO 3166-1 alpha-2" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "am.yaml").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["profile", "new", "am", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "exists already" in result.output
    assert (tmp_path / "am.yaml").read_text("utf-8") == "mine"


def test_a_missing_folder_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["profile", "new", "am", "-o", str(tmp_path / "no" / "am.yaml")])
    assert result.exit_code == 2 and "does not exist" in result.output
