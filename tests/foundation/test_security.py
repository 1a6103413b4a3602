from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from elshi.missions import actions
from tests.conftest import PASSWORD


def _login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_password_login_and_lockout(client: Client, people: dict[str, Any]) -> None:
    assert _login(client, "author").status_code == 302
    client.post("/accounts/logout/")
    other = Client()
    for _ in range(5):
        response = _login(other, "author", "wrong")
    response = _login(other, "author")
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    from typer.testing import CliRunner

    from elshi.cli import app

    result = CliRunner().invoke(app, ["user", "unlock", "author"])
    assert result.exit_code == 0, result.output
    assert _login(other, "author").status_code == 302


def test_two_factor_policy_for_approvers(client: Client, people: dict[str, Any]) -> None:
    actions.do_set_security_policy(require_2fa=True, acting_user=None)
    assert _login(client, "approver").status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/2fa/"
    assert client.get("/api/v1/me").status_code == 401  # the session API is closed too
    page = client.get("/account/2fa/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=people["approver"])
    wrong = client.post("/account/2fa/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert "That code is not valid" in wrong.content.decode()
    too_soon = client.post("/account/2fa/", {"token": "123456"}).content.decode()
    assert "Too many wrong codes" in too_soon  # django-otp throttles after a failure
    time.sleep(2.1)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    assert client.post("/account/2fa/", {"token": code}).status_code == 302
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_two_factor_policy_spares_editors(client: Client, people: dict[str, Any]) -> None:
    actions.do_set_security_policy(require_2fa=True, acting_user=None)
    _login(client, "author")
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("header", ["X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"])
def test_security_headers(client: Client, db: Any, header: str) -> None:
    assert header in client.get("/accounts/login/")
