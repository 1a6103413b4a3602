"""Password reset and change (issue 18): says nobody exists, rate-limited, audited, in one's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from elshi.audit.models import AuditEvent
from elshi.missions.models import Preference
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "quiet-river-lantern-77"


@pytest.fixture
def author(people: dict[str, Any]) -> Any:
    user = people["author"]
    user.email = "author@example.org"
    user.save(update_fields=["email"])
    Preference.objects.create(user=user, language="kk")
    return user


def _ask(client: Client, email: str) -> Any:
    return client.post(reverse("password_reset"), {"email": email})


def test_reset_by_email_sets_a_new_password_and_is_audited(author: Any, client: Client) -> None:
    assert _ask(client, "author@example.org")["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["author@example.org"]
    assert mail.outbox[0].extra_headers["Content-Language"] == "kk"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_url = client.get(link.group(1))["Location"]  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("password_reset_complete")
    author.refresh_from_db()
    assert author.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=str(author.pk)).exists()
    assert client.post(link.group(1)).status_code in (200, 302)  # the link is spent
    assert client.get(form_url).context["validlink"] is False


def test_unknown_address_gets_the_same_answer(author: Any, client: Client) -> None:
    known, unknown = _ask(client, "author@example.org"), _ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_reset_is_rate_limited_per_address_silently(author: Any) -> None:
    for n in range(5):
        assert _ask(Client(REMOTE_ADDR=f"10.0.0.{n}"), "author@example.org").status_code == 302
    assert len(mail.outbox) == 3  # PER_ADDRESS: the page still says "check your e-mail"


def test_reset_is_rate_limited_per_client(author: Any) -> None:
    client = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(10):
        assert _ask(client, f"someone{n}@example.org").status_code == 302
    refused = _ask(client, "author@example.org")
    assert refused.status_code == 429 and not mail.outbox
    assert _ask(Client(REMOTE_ADDR="10.9.9.10"), "author@example.org").status_code == 302


def test_change_password_on_the_account_page(author: Any, client: Client) -> None:
    client.force_login(author)
    assert reverse("password_change") in client.get(reverse("account")).content.decode()
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and not AuditEvent.objects.filter(action="user.password_changed").exists()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_change_done")
    assert get_user_model().objects.get(pk=author.pk).check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="user.password_changed", actor=author).exists()
    assert client.get(reverse("account")).status_code == 200  # this session stays signed in


def test_lockout_is_audited_and_unlock_lifts_it(author: Any, people: dict[str, Any], settings: Any) -> None:
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "author", "password": "wrong-password"})
    event = AuditEvent.objects.get(action="user.locked_out")
    assert event.changes["username"] == "author"
    admin = Client()
    admin.force_login(people["admin"])
    page = admin.get(reverse("person_detail", args=[author.pk])).content.decode()
    assert "locked out" in page
    assert admin.post(reverse("person_unlock", args=[author.pk])).status_code == 302
    assert AuditEvent.objects.filter(action="user.unlocked", object_id=str(author.pk)).exists()
    ok = client.post(reverse("login"), {"username": "author", "password": PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == reverse("home")


def test_login_page_links_to_the_reset(client: Client, db: Any) -> None:
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
