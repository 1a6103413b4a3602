from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from elshi.missions import actions
from elshi.missions.models import Membership


@pytest.fixture
def bearer(people: dict[str, Any]):  # type: ignore[no-untyped-def]
    def _client(name: str) -> Client:
        _token, plain = actions.do_create_token(people[name], "test", acting_user=None)
        return Client(headers={"Authorization": f"Bearer {plain}"})

    return _client


def test_anonymous_and_bad_token_are_refused(client: Client, people: dict[str, Any]) -> None:
    assert client.get("/api/v1/missions").status_code == 401
    assert Client(headers={"Authorization": "Bearer elshi_wrong"}).get("/api/v1/missions").status_code == 401


def test_revoked_token_is_refused(people: dict[str, Any]) -> None:
    token, plain = actions.do_create_token(people["author"], "test", acting_user=None)
    client = Client(headers={"Authorization": f"Bearer {plain}"})
    assert client.get("/api/v1/me").status_code == 200
    actions.do_revoke_token(token, acting_user=None)
    assert client.get("/api/v1/me").status_code == 401


def test_me_lists_roles(bearer: Any) -> None:
    data = bearer("approver").get("/api/v1/me").json()
    assert data == {
        "username": "approver",
        "ministry_admin": False,
        "roles": [{"mission": "berlin", "role": "approver"}],
    }


def test_missions_are_filtered_per_user(bearer: Any) -> None:
    assert [m["slug"] for m in bearer("author").get("/api/v1/missions").json()] == ["berlin"]
    assert len(bearer("admin").get("/api/v1/missions").json()) == 3


@pytest.mark.parametrize(
    "url", ["/api/v1/missions/berlin", "/api/v1/missions/berlin/people", "/api/v1/audit"]
)
def test_outsider_is_refused(bearer: Any, url: str) -> None:
    assert bearer("outsider").get(url).status_code == 403


def test_mission_people_needs_manage(bearer: Any) -> None:
    assert bearer("author").get("/api/v1/missions/berlin/people").status_code == 403
    people = bearer("admin").get("/api/v1/missions/berlin/people").json()
    assert {p["username"] for p in people} == {"author", "approver", "analyst", "viewer"}


def test_set_and_remove_role(bearer: Any, people: dict[str, Any]) -> None:
    admin = bearer("admin")
    response = admin.put(
        "/api/v1/missions/berlin/people/outsider", {"role": "viewer"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["role"] == "viewer"
    assert (
        admin.put(
            "/api/v1/missions/berlin/people/outsider", {"role": "emperor"}, content_type="application/json"
        ).status_code
        == 422
    )
    response = admin.put(
        "/api/v1/missions/berlin/people/outsider", {"role": None}, content_type="application/json"
    )
    assert response.status_code == 204
    assert not Membership.objects.filter(user=people["outsider"], mission__slug="berlin").exists()
    assert (
        bearer("outsider")
        .put("/api/v1/missions/washington/people/author", {"role": "viewer"}, content_type="application/json")
        .status_code
        == 403
    )


def test_audit_api_scoped_and_verify_admin_only(bearer: Any) -> None:
    events = bearer("approver").get("/api/v1/audit?limit=500").json()
    assert events and all(e["mission"] == "berlin" for e in events)
    assert bearer("approver").post("/api/v1/audit/verify").status_code == 403
    assert bearer("admin").post("/api/v1/audit/verify").json()["ok"] is True


def test_session_auth_needs_csrf_for_writes(people: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["admin"])
    assert client.get("/api/v1/me").status_code == 200
    response = client.put(
        "/api/v1/missions/berlin/people/outsider", {"role": "viewer"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert not Membership.objects.filter(user=people["outsider"], mission__slug="berlin").exists()


def test_openapi_schema_and_docs(client: Client, db: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "elshi API"
    assert "/api/v1/missions/{slug}" in schema["paths"]
    assert "BearerToken" in schema["components"]["securitySchemes"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
