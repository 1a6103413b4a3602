"""Single sign-on against a real OpenID Provider on 127.0.0.1 (tests/foundation/oidc), no mocks:
account linking by verified e-mail, the group map, refusals, state/nonce/PKCE (issue 18)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings

from elshi.audit.models import AuditEvent
from elshi.missions.models import Membership
from tests.foundation.oidc import Provider, running_provider, sign_in_at_provider

CALLBACK = "http://testserver/oidc/callback/"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider(CALLBACK) as running:
        yield running


@pytest.fixture
def sso(provider: Provider) -> Iterator[Provider]:
    with override_settings(**provider.settings()):
        yield provider


def _sign_in(client: Any, login: str) -> Any:
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302, start
    back = sign_in_at_provider(start["Location"], login, stop_at="http://testserver/")
    parts = urlsplit(back)
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def _signed_in(client: Any) -> str | None:
    return client.session.get("_auth_user_id")


def test_the_login_page_offers_the_provider_only_when_configured(client: Any, sso: Provider, db: Any) -> None:
    assert "Sign in with MFA Identity" in client.get("/accounts/login/").content.decode()
    with override_settings(ELSHI_OIDC_ISSUER=""):
        assert "Sign in with" not in client.get("/accounts/login/").content.decode()
        assert client.get("/oidc/authenticate/").status_code == 404


def test_the_redirect_carries_state_nonce_and_an_s256_challenge(client: Any, sso: Provider, db: Any) -> None:
    query = parse_qs(urlsplit(client.get("/oidc/authenticate/")["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["scope"] == ["openid email groups"]


def test_a_verified_address_links_the_account_and_the_group_map_gives_the_role(
    client: Any, sso: Provider, missions: dict[str, Any], django_user_model: Any
) -> None:
    diana = django_user_model.objects.create_user("diana", email="Diana@mfa.example", password="x" * 12)
    response = _sign_in(client, "diana")
    assert response.status_code == 302 and response["Location"] == "/"
    assert _signed_in(client) == str(diana.pk)
    assert Membership.objects.get(user=diana).role == "mission_editor"
    assert Membership.objects.get(user=diana).mission.slug == "berlin"
    role_event = AuditEvent.objects.get(action="role.set", object_id=str(diana.pk))
    assert role_event.actor_label == "sso"
    assert AuditEvent.objects.filter(action="user.sso_login", object_id=str(diana.pk)).exists()


def test_leaving_the_group_takes_the_mapped_role_back_at_the_next_login(
    client: Any, sso: Provider, missions: dict[str, Any], django_user_model: Any
) -> None:
    nomad = django_user_model.objects.create_user("nomad", email="nomad@mfa.example")
    Membership.objects.create(user=nomad, mission=missions["berlin"], role="mission_editor")
    Membership.objects.create(user=nomad, mission=missions["washington"], role="analyst")
    assert _sign_in(client, "nomad").status_code == 302
    # Berlin's editor role came from a group nomad is no longer in; Washington is not the map's.
    assert list(Membership.objects.filter(user=nomad).values_list("mission__slug", "role")) == [
        ("washington", "analyst")
    ]
    assert AuditEvent.objects.filter(
        action="role.remove", object_id=str(nomad.pk), actor_label="sso"
    ).exists()


def test_a_mapped_group_creates_the_person_without_a_password(
    client: Any, sso: Provider, missions: dict[str, Any], django_user_model: Any
) -> None:
    assert _sign_in(client, "diana").status_code == 302
    diana = django_user_model.objects.get(email="diana@mfa.example")
    assert diana.username == "diana" and not diana.has_usable_password()
    assert AuditEvent.objects.get(action="user.create", object_id=str(diana.pk)).actor_label == "sso"


def test_no_account_and_no_mapped_group_is_refused_unless_creating_is_on(
    client: Any, sso: Provider, missions: dict[str, Any], django_user_model: Any
) -> None:
    response = _sign_in(client, "nomad")
    assert response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert "none of your groups gives access to elshi" in page
    assert not django_user_model.objects.filter(email="nomad@mfa.example").exists()
    with override_settings(ELSHI_OIDC_CREATE_USERS=True):
        assert _sign_in(client, "nomad")["Location"] == "/"
    assert django_user_model.objects.filter(email="nomad@mfa.example").exists()


def test_an_unverified_address_is_refused_even_for_an_existing_account(
    client: Any, sso: Provider, missions: dict[str, Any], django_user_model: Any
) -> None:
    django_user_model.objects.create_user("ulan", email="ulan@mfa.example")
    response = _sign_in(client, "ulan")
    assert response["Location"] == "/accounts/login/"
    assert "did not confirm a verified e-mail address" in client.get("/accounts/login/").content.decode()
    assert _signed_in(client) is None


def test_a_deactivated_person_is_refused(
    client: Any, sso: Provider, missions: dict[str, Any], django_user_model: Any
) -> None:
    django_user_model.objects.create_user("retired", email="retired@mfa.example", is_active=False)
    assert _sign_in(client, "retired")["Location"] == "/accounts/login/"
    assert "account is deactivated" in client.get("/accounts/login/").content.decode()
    assert not Membership.objects.filter(user__username="retired").exists()


def test_refusals_never_lock_the_address_out_of_single_sign_on(
    client: Any, sso: Provider, missions: dict[str, Any]
) -> None:
    for _ in range(6):  # one more than AXES_FAILURE_LIMIT, all from the test client's one address
        assert _sign_in(client, "ulan")["Location"] == "/accounts/login/"
    assert _sign_in(client, "diana")["Location"] == "/"


def test_a_callback_with_a_forged_state_is_refused(
    client: Any, sso: Provider, missions: dict[str, Any]
) -> None:
    start = client.get("/oidc/authenticate/")
    back = urlsplit(sign_in_at_provider(start["Location"], "diana", stop_at="http://testserver/"))
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert client.get(back.path, query | {"state": "forged"}).status_code == 400
    assert _signed_in(client) is None


def test_a_replayed_code_signs_nobody_in(client: Any, sso: Provider, missions: dict[str, Any]) -> None:
    start = client.get("/oidc/authenticate/")
    back = urlsplit(sign_in_at_provider(start["Location"], "diana", stop_at="http://testserver/"))
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert client.get(back.path, query)["Location"] == "/"
    client.logout()
    # The state was used up with the first callback: the same answer again is refused outright.
    assert client.get(back.path, query).status_code in (302, 400)
    assert _signed_in(client) is None


def test_a_discovery_document_for_another_issuer_is_refused(
    client: Any, provider: Provider, missions: dict[str, Any]
) -> None:
    other = provider.issuer.replace("127.0.0.1", "localhost")
    with override_settings(**provider.settings(ELSHI_OIDC_ISSUER=other)):
        response = client.get("/oidc/authenticate/")
        assert response["Location"] == "/accounts/login/"
        assert "names issuer" in client.get("/accounts/login/").content.decode()
