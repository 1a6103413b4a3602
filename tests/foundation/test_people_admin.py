"""People admin (issue 18): deactivation ends sessions and tokens at once; filters; the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from elshi.audit.models import AuditEvent
from elshi.missions import actions
from elshi.missions.models import ApiToken

pytestmark = pytest.mark.django_db


def test_deactivation_ends_sessions_and_tokens_at_once(people: dict[str, Any], login: Any) -> None:
    viewer = people["viewer"]
    admin = login("admin")
    theirs = Client()
    theirs.force_login(viewer)
    _token, plain = actions.do_create_token(viewer, "script", acting_user=None)
    bearer = Client(headers={"Authorization": f"Bearer {plain}"})
    assert bearer.get("/api/v1/me").status_code == 200
    sessions_before = Session.objects.count()

    assert admin.post(reverse("person_deactivate", args=[viewer.pk])).status_code == 302
    viewer.refresh_from_db()
    assert not viewer.is_active
    assert Session.objects.count() == sessions_before - 1  # theirs, not the admin's
    assert ApiToken.objects.get(user=viewer).revoked_at is not None
    assert bearer.get("/api/v1/me").status_code == 401
    assert theirs.get(reverse("home"))["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.get(action="user.deactivated")
    assert event.changes["tokens_revoked"] == 1 and event.changes["sessions_ended"] == 1

    assert admin.post(reverse("person_reactivate", args=[viewer.pk])).status_code == 302
    viewer.refresh_from_db()
    assert viewer.is_active and AuditEvent.objects.filter(action="user.reactivated").exists()


def test_mission_admin_cannot_deactivate_someone_working_elsewhere(
    people: dict[str, Any], missions: dict[str, Any], client: Client
) -> None:
    berlin_admin, _ = actions.do_create_user("berlin-admin", password=None, acting_user=None)
    actions.do_set_role(berlin_admin, missions["berlin"], "admin", acting_user=None)
    both = people["analyst"]
    actions.do_set_role(both, missions["washington"], "viewer", acting_user=None)
    client.force_login(berlin_admin)
    assert client.post(reverse("person_deactivate", args=[both.pk])).status_code == 403
    assert client.post(reverse("person_deactivate", args=[people["outsider"].pk])).status_code == 403
    assert client.post(reverse("person_deactivate", args=[berlin_admin.pk])).status_code == 403  # oneself
    assert client.post(reverse("person_deactivate", args=[people["viewer"].pk])).status_code == 302
    both.refresh_from_db()
    assert both.is_active


def test_people_page_filters_and_shows_login_and_2fa(people: dict[str, Any], login: Any) -> None:
    TOTPDevice.objects.create(user=people["approver"], name="phone", confirmed=True)
    admin = login("admin")
    page = admin.get(reverse("people"), {"role": "approver"}).content.decode()
    assert "approver" in page and ">author<" not in page and "state-ok" in page
    washington = admin.get(reverse("people"), {"mission": "washington"}).content.decode()
    assert ">outsider<" in washington and ">author<" not in washington
    # Mission and role together: the role held at that mission, not at any.
    from elshi.missions.models import Mission

    washington_mission = Mission.objects.get(slug="washington")
    actions.do_set_role(people["approver"], washington_mission, "viewer", acting_user=None)
    both = admin.get(reverse("people"), {"mission": "washington", "role": "approver"}).content.decode()
    assert ">approver<" not in both
    both = admin.get(reverse("people"), {"mission": "washington", "role": "viewer"}).content.decode()
    assert ">approver<" in both and ">outsider<" not in both
    actions_before = AuditEvent.objects.count()
    admin.post(reverse("person_deactivate", args=[people["viewer"].pk]))
    assert AuditEvent.objects.count() == actions_before + 1
    inactive = admin.get(reverse("people"), {"state": "inactive"}).content.decode()
    assert ">viewer<" in inactive and ">author<" not in inactive


def _api(user: Any) -> Client:
    _token, plain = actions.do_create_token(user, "ops", acting_user=None)
    return Client(headers={"Authorization": f"Bearer {plain}"})


def test_api_lists_invites_deactivates_and_reactivates(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    api = _api(people["admin"])
    listed = api.get("/api/v1/people", {"mission": "berlin", "role": "viewer"}).json()
    assert [p["username"] for p in listed] == ["viewer"]
    assert listed[0]["two_factor"] is False and listed[0]["roles"] == [
        {"mission": "berlin", "role": "viewer"}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        made = api.post(
            "/api/v1/people/invitations",
            {"email": "api@example.org", "mission": "berlin", "role": "analyst", "language": "kk"},
            content_type="application/json",
        )
    assert made.status_code == 201 and made.json()["role"] == "analyst"
    assert mail.outbox[0].to == ["api@example.org"]
    off = api.post("/api/v1/people/viewer/deactivate")
    assert off.status_code == 200 and off.json()["is_active"] is False
    on = api.post("/api/v1/people/viewer/reactivate")
    assert on.status_code == 200 and on.json()["is_active"] is True
    assert _api(people["author"]).get("/api/v1/people").status_code == 403
    assert _api(people["outsider"]).post("/api/v1/people/viewer/deactivate").status_code == 403
    read_only, plain = actions.do_create_token(people["admin"], "ro", scopes=["read"], acting_user=None)
    refused = Client(headers={"Authorization": f"Bearer {plain}"}).post("/api/v1/people/viewer/deactivate")
    assert refused.status_code == 403 and read_only.scopes == ["read"]
