"""Single sign-on without a provider: the password switch, the group map's syntax, the MFA rule and
the lockout counter of a callback (issue 18; the flows themselves: test_sso_provider.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from elshi.missions.models import Role, SecurityPolicy
from elshi.missions.sso_actions import provider_factor
from elshi.missions.sso_backend import SESSION_PROVIDER_FACTOR
from elshi.missions.sso_config import ROLE_NAMES, GroupGrant, axes_username, parse_group_map
from tests.conftest import PASSWORD

SSO_ON = {"ELSHI_OIDC_ISSUER": "https://idp.example", "ELSHI_OIDC_CLIENT_ID": "elshi"}


def test_the_settings_role_names_are_the_models() -> None:
    assert ROLE_NAMES == tuple(Role.values)


def test_the_group_map_reads_one_or_several_grants_per_group() -> None:
    parsed = parse_group_map('{"a": "berlin:mission_editor", "b": ["berlin:viewer", "astana-hq:analyst"]}')
    assert parsed == {
        "a": (GroupGrant("berlin", "mission_editor"),),
        "b": (GroupGrant("berlin", "viewer"), GroupGrant("astana-hq", "analyst")),
    }
    assert parse_group_map("") == {}


@pytest.mark.parametrize("raw", ['{"a": "berlin:editor"}', '{"a": ":viewer"}', '["a"]', "{not json"])
def test_a_bad_group_map_stops_the_server(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="ELSHI_OIDC_GROUP_MAP"):
        parse_group_map(raw)


def test_with_local_login_off_the_form_is_gone_and_its_posts_refused(
    client: Any, people: dict[str, Any]
) -> None:
    with override_settings(ELSHI_LOCAL_LOGIN=False, **SSO_ON):
        page = client.get("/accounts/login/").content.decode()
        assert 'name="password"' not in page and "Sign in with single sign-on" in page
        response = client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
        assert response.status_code == 403 and "_auth_user_id" not in client.session
    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' in page and "Sign in with" not in page
    assert client.post("/accounts/login/", {"username": "admin", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    ("trust", "amr", "counts"),
    [(True, ["pwd", "mfa"], True), (True, ["otp"], True), (True, ["pwd"], False), (False, ["mfa"], False)],
)
def test_the_provider_factor_counts_only_when_trusted_and_claimed(
    trust: bool, amr: list[str], counts: bool
) -> None:
    with override_settings(ELSHI_OIDC_TRUST_MFA=trust):
        assert provider_factor({"amr": amr}) is counts


def _as_sso_login(client: Any, user: Any, *, factor: bool) -> None:
    client.force_login(user)
    if factor:
        session = client.session
        session[SESSION_PROVIDER_FACTOR] = user.pk
        session.save()


@pytest.mark.parametrize(
    ("trust", "factor", "asked"), [(True, True, False), (False, True, True), (True, False, True)]
)
def test_a_privileged_person_is_asked_for_totp_unless_the_provider_gave_a_trusted_factor(
    client: Any, people: dict[str, Any], trust: bool, factor: bool, asked: bool
) -> None:
    policy = SecurityPolicy.current()
    policy.require_2fa_for_privileged = True
    policy.save()
    with override_settings(ELSHI_OIDC_TRUST_MFA=trust):
        _as_sso_login(client, people["admin"], factor=factor)
        response = client.get("/missions/")
        assert (response.status_code == 302 and response["Location"] == "/account/2fa/") is asked


def test_a_callback_counts_under_its_own_state_for_lockouts() -> None:
    request = RequestFactory().get("/oidc/callback/", {"state": "abc"})
    assert axes_username(request, {"nonce": "n", "code_verifier": "v"}) == "oidc:abc"
    posted = RequestFactory().post("/accounts/login/", {"username": "admin"})
    assert axes_username(posted, {"username": "admin"}) == "admin"
    assert axes_username(posted) == "admin"
