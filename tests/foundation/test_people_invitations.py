"""Invitations (issue 18): invite with a role, accept once, expiry, resend, revoke, 2FA first."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from elshi.audit.models import AuditEvent
from elshi.cli import app
from elshi.missions import invitations
from elshi.missions.models import Invitation, Membership, Preference

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "quiet-river-lantern-77"


def _link(message: Any) -> str:
    found = re.search(r"https?://\S+/invitation/(\S+)/", message.body)
    assert found, message.body
    return found.group(1)


def _invite(client: Any, **overrides: str) -> Any:
    data = {"email": "aigerim@example.org", "mission": "berlin", "role": "mission_editor", "language": "ru"}
    return client.post(reverse("people_invite"), data | overrides)


def test_admin_invites_and_the_link_creates_the_person_once(
    login: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = login("admin")
    with django_capture_on_commit_callbacks(execute=True):
        assert _invite(admin).status_code == 302
    invitation = Invitation.objects.get()
    assert len(invitation.digest) == 64 and invitation.digest != _link(mail.outbox[0])
    assert mail.outbox[0].to == ["aigerim@example.org"]
    assert "Mission Berlin" in mail.outbox[0].subject and "elshi" in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["Content-Language"] == "ru"
    token = _link(mail.outbox[0])
    assert abs(invitation.expires_at - timezone.now() - timedelta(hours=72)) < timedelta(minutes=1)

    client.logout()
    url = reverse("invitation_accept", args=[token])
    assert client.get(url).status_code == 200
    weak = client.post(url, {"username": "aigerim", "password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 400 and not get_user_model().objects.filter(username="aigerim").exists()
    response = client.post(url, {"username": "aigerim", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    person = get_user_model().objects.get(username="aigerim")
    assert person.check_password(NEW_PASSWORD) and person.email == "aigerim@example.org"
    assert Membership.objects.get(user=person).role == "mission_editor"
    assert Preference.objects.get(user=person).language == "ru"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "user.invited" in actions and "user.invitation_accepted" in actions

    client.logout()
    again = client.post(url, {"username": "aigerim2", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert again.status_code == 404 and not get_user_model().objects.filter(username="aigerim2").exists()


def test_expired_link_does_not_work(people: dict[str, Any], client: Any, missions: dict[str, Any]) -> None:
    invitation, token = invitations.do_invite(
        "late@example.org", missions["berlin"], "viewer", language="en", base="http://x", acting_user=None
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("invitation_accept", args=[token])).status_code == 404


def test_expiry_follows_the_setting(settings: Any, missions: dict[str, Any]) -> None:
    settings.ELSHI_INVITATION_HOURS = 5
    invitation, _token = invitations.do_invite(
        "soon@example.org", missions["berlin"], "viewer", language="en", base="http://x", acting_user=None
    )
    assert abs(invitation.expires_at - timezone.now() - timedelta(hours=5)) < timedelta(minutes=1)


def test_resend_replaces_the_link_and_revoke_ends_it(
    login: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = login("admin")
    with django_capture_on_commit_callbacks(execute=True):
        _invite(admin)
        invitation = Invitation.objects.get()
        assert admin.post(reverse("invitation_resend", args=[invitation.pk])).status_code == 302
    first, second = _link(mail.outbox[0]), _link(mail.outbox[1])
    assert first != second
    assert invitations.open_invitation(first) is None and invitations.open_invitation(second) is not None
    assert admin.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 302
    assert invitations.open_invitation(second) is None
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "user.invitation_resent",
        "user.invitation_revoked",
    }
    assert admin.get(reverse("people")).context["invitations"] == []  # no longer open


def test_others_cannot_invite_or_revoke(login: Any, missions: dict[str, Any]) -> None:
    invitation, _token = invitations.do_invite(
        "x@example.org", missions["berlin"], "viewer", language="en", base="http://x", acting_user=None
    )
    for name in ("approver", "outsider"):
        client = login(name)
        assert _invite(client).status_code == 403
        assert client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 403
    assert Invitation.objects.count() == 1 and Invitation.objects.get().revoked_at is None


def test_an_address_with_an_account_is_refused(people: dict[str, Any], missions: dict[str, Any]) -> None:
    get_user_model().objects.filter(username="viewer").update(email="viewer@example.org")
    with pytest.raises(Exception, match="already has an account"):
        invitations.check_invite(None, "Viewer@example.org", missions["berlin"], "viewer")


def test_privileged_invitee_enrols_2fa_before_the_first_page(client: Any, missions: dict[str, Any]) -> None:
    _invitation, token = invitations.do_invite(
        "boss@example.org", missions["berlin"], "approver", language="en", base="http://x", acting_user=None
    )
    url = reverse("invitation_accept", args=[token])
    response = client.post(url, {"username": "boss", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("two_factor")
    # The security policy is off, yet the new approver cannot reach a page before enrolling.
    assert client.get(reverse("home"))["Location"] == reverse("two_factor")
    assert client.get(reverse("two_factor")).status_code == 200


def test_cli_invite_prints_the_link(missions: dict[str, Any], settings: Any) -> None:
    settings.ELSHI_SITE_URL = "https://elshi.example.org"
    result = CliRunner().invoke(
        app, ["user", "invite", "cli@example.org", "--mission", "berlin", "--role", "viewer"]
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://elshi.example.org/invitation/")
    assert invitations.open_invitation(link.rstrip("/").rsplit("/", 1)[1]) is not None
    bad = CliRunner().invoke(
        app, ["user", "invite", "cli2@example.org", "--mission", "berlin", "--role", "boss"]
    )
    assert bad.exit_code == 2
