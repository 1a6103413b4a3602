from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from elshi.audit.models import AuditEvent
from elshi.missions.models import Membership, Mission

PAGES = [
    "/",
    "/listen/",
    "/tell/",
    "/clear/",
    "/publish/",
    "/measure/",
    "/engage/",
    "/missions/",
    "/account/",
]


@pytest.mark.parametrize("url", [*PAGES, "/missions/berlin/", "/people/", "/audit/", "/settings/security/"])
def test_anonymous_is_sent_to_login(client: Client, people: dict[str, Any], url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["author", "approver", "analyst", "viewer", "outsider", "admin"])
def test_shell_pages_render_for_every_role(login: Any, who: str, url: str) -> None:
    response = login(who).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for capability in ("Listen", "Tell", "Clear", "Publish", "Measure", "Engage"):
        assert capability in body


def test_capability_page_states_what_will_appear(login: Any) -> None:
    body = login("author").get("/listen/").content.decode()
    assert "What will appear here:" in body and "Sources" in body
    assert login("author").get("/nonsense/").status_code == 404


def test_home_names_the_users_mission_only(login: Any) -> None:
    body = login("author").get("/").content.decode()
    assert "Mission Berlin" in body
    assert "Mission Washington" not in body


def test_mission_list_shows_only_own_missions(login: Any) -> None:
    body = login("author").get("/missions/").content.decode()
    assert "Mission Berlin" in body and "Mission Washington" not in body
    admin_body = login("admin").get("/missions/?sort=-name").content.decode().split("<main")[1]
    assert admin_body.index("Mission Washington") < admin_body.index("Mission Berlin")


def test_mission_list_filters_stay_in_url(login: Any) -> None:
    body = login("admin").get("/missions/?kind=hq").content.decode().split("<main")[1]
    assert "Mission Astana" in body and "Mission Berlin" not in body


@pytest.mark.parametrize("url", ["/missions/berlin/", "/missions/berlin/edit/"])
def test_outsider_is_refused_mission_pages(login: Any, url: str) -> None:
    assert login("outsider").get(url).status_code == 403


def test_outsider_cannot_set_roles(login: Any, people: dict[str, Any]) -> None:
    response = login("outsider").post("/missions/berlin/roles/", {"username": "outsider", "role": "admin"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=people["outsider"], mission__slug="berlin").exists()


def test_navigation_hides_what_the_role_cannot_open(login: Any) -> None:
    author = login("author").get("/").content.decode()
    assert 'href="/people/"' not in author and 'href="/audit/"' not in author
    assert 'href="/settings/security/"' not in author
    approver = login("approver").get("/").content.decode()
    assert 'href="/audit/"' in approver and 'href="/people/"' not in approver
    admin = login("admin").get("/").content.decode()
    assert all(f'href="{u}"' in admin for u in ("/people/", "/audit/", "/settings/security/"))


def test_editor_sees_mission_without_people_or_history(login: Any) -> None:
    body = login("author").get("/missions/berlin/").content.decode()
    assert "Berlin" in body
    assert "People and roles" not in body and "History" not in body
    assert "/missions/berlin/edit/" not in body  # actions the role may not take are absent


def test_admin_sets_role_and_it_is_audited(login: Any, people: dict[str, Any]) -> None:
    client = login("admin")
    response = client.post("/missions/berlin/roles/", {"username": "outsider", "role": "viewer"})
    assert response.status_code == 302
    assert Membership.objects.get(user=people["outsider"], mission__slug="berlin").role == "viewer"
    event = AuditEvent.objects.filter(action="role.set", mission_slug="berlin").first()
    assert event is not None and event.actor_label == "admin" and event.changes == {"role": [None, "viewer"]}
    body = client.get("/missions/berlin/").content.decode()
    assert "role.set" in body


def test_role_form_error_is_shown(login: Any) -> None:
    response = login("admin").post(
        "/missions/berlin/roles/", {"username": "nobody", "role": "viewer"}, follow=True
    )
    assert "No user named nobody" in response.content.decode()


def test_mission_edit_validates_and_saves(login: Any) -> None:
    client = login("admin")
    bad = client.post(
        "/missions/new/",
        {
            "slug": "paris",
            "name": "Embassy in France",
            "kind": "embassy",
            "host_country": "fr",
            "city": "Paris",
            "timezone": "Europe/Pariss",
            "languages_text": "fr",
            "is_active": "on",
        },
    )
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "ISO 3166-1 alpha-2" in text and "not an IANA time zone" in text
    assert not Mission.objects.filter(slug="paris").exists()
    good = client.post(
        "/missions/new/",
        {
            "slug": "paris",
            "name": "Embassy in France",
            "kind": "embassy",
            "host_country": "FR",
            "city": "Paris",
            "timezone": "Europe/Paris",
            "languages_text": "fr, en",
            "is_active": "on",
        },
    )
    assert good.status_code == 302
    assert Mission.objects.get(slug="paris").languages == ["fr", "en"]
    assert AuditEvent.objects.filter(action="mission.create", mission_slug="paris").exists()


def test_only_ministry_admins_create_missions(login: Any) -> None:
    assert login("approver").get("/missions/new/").status_code == 403


@pytest.mark.parametrize("who,status", [("author", 403), ("outsider", 403), ("analyst", 403), ("admin", 200)])
def test_people_page_requires_manage(login: Any, who: str, status: int) -> None:
    assert login(who).get("/people/").status_code == status


def test_audit_trail_is_scoped_to_missions(login: Any) -> None:
    assert login("author").get("/audit/").status_code == 403
    body = login("approver").get("/audit/").content.decode()
    assert "Mission Berlin" in body and "Mission Washington" not in body
    assert "Verify the chain" not in body
    admin = login("admin")
    assert "Mission Washington" in admin.get("/audit/").content.decode()
    assert "Intact" in admin.post("/audit/verify/").content.decode()
    assert login("approver").post("/audit/verify/").status_code == 403


def test_mission_switcher_only_switches_to_own(
    login: Any, people: dict[str, Any], missions: dict[str, Any]
) -> None:
    from elshi.missions import actions

    actions.do_set_role(people["author"], missions["washington"], "viewer", acting_user=None)
    client = login("author")
    assert client.post("/mission/switch/", {"mission": "washington", "next": "/"}).status_code == 302
    assert "Mission Washington" in client.get("/").content.decode().split("<main")[1]
    assert client.post("/mission/switch/", {"mission": "astana-hq"}).status_code == 403
    response = client.post("/mission/switch/", {"mission": "berlin", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_csrf_is_enforced(people: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["admin"])
    assert (
        client.post("/missions/berlin/roles/", {"username": "outsider", "role": "viewer"}).status_code == 403
    )


@pytest.mark.parametrize("lang,word", [("kk", "Тыңдау"), ("ru", "Мониторинг"), ("en", "Listen")])
def test_shell_is_translated(login: Any, lang: str, word: str) -> None:
    client = login("author")
    response = client.post("/i18n/setlang/", {"language": lang, "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert f'<html lang="{lang}">' in body
    assert word in body


def test_security_policy_admin_only_and_audited(login: Any) -> None:
    assert login("approver").get("/settings/security/").status_code == 403
    client = login("admin")
    assert client.post("/settings/security/", {"require_2fa": "on"}).status_code == 302
    assert AuditEvent.objects.filter(action="security.policy").exists()


def test_account_creates_and_revokes_tokens(login: Any, people: dict[str, Any]) -> None:
    client = login("author")
    form = {"name": "report script", "scopes": ["read"], "days": "90"}
    body = client.post("/account/", form).content.decode()
    assert "elshi_" in body and "shown once" in body
    token = people["author"].api_tokens.get()
    assert login("outsider").post(f"/account/tokens/{token.pk}/revoke/").status_code == 403
    client = login("author")
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_healthz(client: Client, db: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_no_page_references_an_external_host(login: Any) -> None:
    import re

    for url in [*PAGES, "/api/v1/docs"]:
        body = login("admin").get(url).content.decode()
        for match in re.findall(r'(?:src|href)="(https?://[^"]+)"', body):
            pytest.fail(f"{url} loads {match}")
