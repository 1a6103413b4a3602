"""Issue 17 (AUTH): token expiry and scopes, 2FA for every privileged role, 2FA before privileged tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from elshi.common.demo import DemoContext
from elshi.missions import actions
from elshi.missions.api_auth import SCOPE_EXTRA, required_scope
from elshi.missions.demo import demo_missions, demo_people
from elshi.missions.models import ApiToken, SecurityPolicy
from elshi.missions.permissions import PRIVILEGED_ROLES
from elshi.web.api import api


def _bearer(plain: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {plain}"})


def verify_second_factor(client: Client, user: Any) -> None:
    """Log ``user`` in and give a real TOTP code, as a person would."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    assert client.post("/account/2fa/", {"token": code}).status_code == 302


def test_expired_token_is_refused_with_a_reason(people: dict[str, Any]) -> None:
    token, plain = actions.do_create_token(
        people["author"], "t", acting_user=None, expires_in=timedelta(days=1)
    )
    assert _bearer(plain).get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _bearer(plain).get("/api/v1/me")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_token_expires_after_ninety_days_by_default(people: dict[str, Any]) -> None:
    token, _plain = actions.do_create_token(people["author"], "t", acting_user=None)
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)


def test_read_token_cannot_write(people: dict[str, Any], missions: dict[str, Any]) -> None:
    _token, plain = actions.do_create_token(people["approver"], "t", acting_user=None, scopes=["read"])
    client = _bearer(plain)
    assert client.get("/api/v1/missions").status_code == 200
    response = client.post("/api/v1/posts", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["needed_scope"] == "write"


def test_write_token_cannot_approve(people: dict[str, Any]) -> None:
    _token, plain = actions.do_create_token(
        people["approver"], "t", acting_user=None, scopes=["read", "write"]
    )
    response = _bearer(plain).post("/api/v1/posts/1/approve", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["needed_scope"] == "approve"


def test_every_operation_has_a_scope() -> None:
    """The stamp is added to the whole API: no mounted operation is without a scope."""
    seen = 0
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                seen += 1
                scope = getattr(operation.run, "elshi_scope", None)
                assert scope == required_scope(list(operation.methods), operation.openapi_extra)
                if "approve" in operation.view_func.__name__ or "reject" in operation.view_func.__name__:
                    assert scope == "approve" and operation.openapi_extra[SCOPE_EXTRA] == "approve"
    assert seen > 20


def test_account_page_shows_scopes_expiry_and_revokes(login: Any, people: dict[str, Any]) -> None:
    client = login("author")
    body = client.post(
        "/account/", {"name": "nightly-export", "scopes": ["read", "write"], "days": "30"}
    ).content.decode()
    token = people["author"].api_tokens.get()
    assert token.scopes == ["read", "write"]
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert "read, write" in body and token.expires_at.strftime("%Y-%m-%d") in body
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert "nightly-export" not in client.get("/account/").content.decode()


@pytest.mark.parametrize("role", ["admin", "approver", "hq_editor"])
def test_privileged_token_needs_verified_second_factor(
    client: Client, people: dict[str, Any], missions: dict[str, Any], role: str
) -> None:
    user = people["admin"] if role == "admin" else people["approver"]
    if role == "hq_editor":
        user, _ = actions.do_create_user("hq", password=None, acting_user=None)
        actions.do_set_role(user, missions["astana-hq"], "hq_editor", acting_user=None)
    client.force_login(user)
    refused = client.post("/account/", {"name": "t", "scopes": ["read"], "days": "90"})
    assert refused.status_code == 400
    assert "two-factor authentication" in refused.content.decode()
    assert not ApiToken.objects.filter(user=user).exists()
    verify_second_factor(client, user)
    assert client.post("/account/", {"name": "t", "scopes": ["read"], "days": "90"}).status_code == 200
    assert ApiToken.objects.filter(user=user).count() == 1


def test_two_factor_policy_covers_hq_editors(client: Client, missions: dict[str, Any], db: Any) -> None:
    assert {"admin", "approver", "hq_editor"} <= PRIVILEGED_ROLES
    assert not {"mission_editor", "analyst", "viewer"} & PRIVILEGED_ROLES
    actions.do_set_security_policy(require_2fa=True, acting_user=None)
    user, _ = actions.do_create_user("hq", password=None, acting_user=None)
    actions.do_set_role(user, missions["astana-hq"], "hq_editor", acting_user=None)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/2fa/"
    assert client.get("/api/v1/me").status_code == 401
    verify_second_factor(client, user)
    assert client.get("/").status_code == 200


def test_a_new_installation_requires_two_factor_for_privileged_roles(
    client: Client, missions: dict[str, Any], settings: Any, db: Any
) -> None:
    settings.ELSHI_2FA_DEFAULT = True  # the production default (the test settings start without it)
    SecurityPolicy.objects.all().delete()
    user, _ = actions.do_create_user("fresh-admin", password=None, acting_user=None)
    actions.do_set_role(user, missions["berlin"], "admin", acting_user=None)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/2fa/"
    assert SecurityPolicy.current().require_2fa_for_privileged


def test_the_demo_turns_the_policy_off_and_says_so(settings: Any, db: Any) -> None:
    settings.ELSHI_2FA_DEFAULT = True
    SecurityPolicy.objects.all().delete()
    context = DemoContext(credentials_path=settings.ELSHI_HOME / "demo-credentials.json")
    demo_missions(context)
    demo_people(context)
    assert not SecurityPolicy.current().require_2fa_for_privileged
    assert any("two-factor" in note for note in context.notes)
