from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from typer.testing import CliRunner

from elshi.cli import app
from elshi.missions.models import ApiToken, Membership

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.mark.django_db(transaction=True)
def test_user_create_list_set_role(missions: dict[str, Any]) -> None:
    result = run("user", "create", "aigerim", "--mission", "berlin", "--role", "mission_editor")
    assert result.exit_code == 0, result.output
    assert "password:" in result.output
    assert Membership.objects.get(user__username="aigerim").role == "mission_editor"
    assert run("user", "set-role", "aigerim", "--mission", "washington", "--role", "viewer").exit_code == 0
    listing = run("user", "list").output
    assert "mission_editor@berlin" in listing and "viewer@washington" in listing
    assert run("user", "set-role", "aigerim", "--mission", "washington", "--role", "none").exit_code == 0
    assert not Membership.objects.filter(user__username="aigerim", mission__slug="washington").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "args,message",
    [
        (["--mission", "paris", "--role", "viewer"], "no mission with slug 'paris'"),
        (["--mission", "berlin", "--role", "emperor"], "unknown role 'emperor'"),
        (["--mission", "berlin", "--role", "viewer", "--password", "123"], "too short"),
    ],
)
def test_user_create_refuses_bad_input_with_exit_2(
    missions: dict[str, Any], args: list[str], message: str
) -> None:
    result = run("user", "create", "bolat", *args)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.django_db(transaction=True)
def test_token_create_prints_token_alone_on_last_line(people: dict[str, Any]) -> None:
    result = run("token", "create", "analyst")
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("elshi_") and " " not in token
    assert ApiToken.objects.filter(user__username="analyst").count() == 1
    from django.test import Client

    assert (
        Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me").json()["username"] == "analyst"
    )


@pytest.mark.django_db(transaction=True)
def test_token_create_takes_scopes_and_lifetime(people: dict[str, Any]) -> None:
    result = run("token", "create", "analyst", "--scope", "read", "--days", "7")
    assert result.exit_code == 0, result.output
    token = ApiToken.objects.get(user__username="analyst")
    assert list(token.scopes) == ["read"]
    assert 6 <= (token.expires_at - token.created_at).days <= 7

    plain = result.output.strip().splitlines()[-1]
    client = Client(headers={"Authorization": f"Bearer {plain}"})
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/posts", {}, content_type="application/json").status_code == 403
    bad = run("token", "create", "analyst", "--scope", "everything")
    assert bad.exit_code == 2 and "scope" in bad.output


@pytest.mark.django_db(transaction=True)
def test_mission_create_validates(db: Any) -> None:
    bad = run(
        "mission",
        "create",
        "paris",
        "--name",
        "Embassy in France",
        "--country",
        "FR",
        "--city",
        "Paris",
        "--timezone",
        "Mars/Olympus",
        "--languages",
        "fr",
    )
    assert bad.exit_code == 2 and "timezone" in bad.output
    good = run(
        "mission",
        "create",
        "paris",
        "--name",
        "Embassy in France",
        "--country",
        "fr",
        "--city",
        "Paris",
        "--timezone",
        "Europe/Paris",
        "--languages",
        "fr,en",
    )
    assert good.exit_code == 0, good.output
    assert "paris" in run("mission", "list").output


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(
    people: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELSHI_BACKUP_PASSPHRASE", "a passphrase for tests")  # see test_backup.py
    target = tmp_path / "elshi.backup"
    result = run("backup", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    assert run("backup", str(target)).exit_code == 2  # never overwrites
    Membership.objects.filter(user__username="author").delete()
    result = run("restore", str(target), "--yes")
    assert result.exit_code == 0, result.output
    connection.close()
    assert Membership.objects.filter(user__username="author").exists()
    assert run("audit", "verify").exit_code == 0
    bogus = tmp_path / "bogus"
    bogus.write_text("not a database")
    assert run("restore", str(bogus), "--yes").exit_code in (1, 2)


@pytest.mark.django_db(transaction=True)
def test_check_reports_each_component(people: dict[str, Any]) -> None:
    result = run("check")
    out = result.output
    assert "database" in out and "task queue" in out and "worker" in out and "e-mail" in out
    assert "ok   database" in out


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="uses the SQLite file settings"
)
def test_check_names_a_bad_setting(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = dict(os.environ, ELSHI_HOME=str(tmp_path), ELSHI_DEBUG="perhaps")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "elshi", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "ELSHI_DEBUG='perhaps' is not a boolean" in proc.stdout + proc.stderr
