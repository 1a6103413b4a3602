"""Weekly-brief subscriptions: recipients' addresses are for the creator and ministry admins only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from elshi.audit.models import AuditEvent
from elshi.missions import actions as mission_actions
from elshi.reports import actions
from elshi.reports.models import BriefSubscription

pytestmark = pytest.mark.django_db
ADDRESSES = ["minister@mfa.example", "deputy@mfa.example", "press@mfa.example"]


@pytest.fixture
def second_analyst(people: dict[str, Any], missions: dict[str, Any]) -> Any:
    user, _ = mission_actions.do_create_user("analyst2", password="x" * 20, acting_user=None)
    mission_actions.do_set_role(user, missions["berlin"], "analyst", acting_user=None)
    return user


@pytest.fixture
def subscription(people: dict[str, Any]) -> BriefSubscription:
    return actions.do_save_subscription(
        BriefSubscription(name="Weekly KZ", country="KZ", language="en", recipients=list(ADDRESSES)),
        acting_user=people["analyst"],
    )


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_creator_and_ministry_admin_see_the_addresses(
    people: dict[str, Any], subscription: BriefSubscription
) -> None:
    for name in ("analyst", "admin"):
        page = _as(people[name]).get(reverse("brief_list")).content.decode()
        assert all(a in page for a in ADDRESSES), name
        assert reverse("brief_subscription_delete", args=[subscription.pk]) in page, name


def test_other_analysts_see_only_the_count(
    people: dict[str, Any], second_analyst: Any, subscription: BriefSubscription
) -> None:
    BriefSubscription.objects.filter(pk=subscription.pk).update(
        last_error="SMTPRecipientsRefused: {'minister@mfa.example': (550, b'no')}"
    )
    response = _as(second_analyst).get(reverse("brief_list"))
    page = response.content.decode()
    assert response.status_code == 200 and "Weekly KZ" in page
    assert "3 recipients" in page
    assert "@mfa.example" not in page  # neither in the list nor in the error shown
    assert reverse("brief_subscription_delete", args=[subscription.pk]) not in page


def test_only_creator_or_admin_deletes(
    people: dict[str, Any], second_analyst: Any, subscription: BriefSubscription
) -> None:
    url = reverse("brief_subscription_delete", args=[subscription.pk])
    assert _as(second_analyst).post(url).status_code == 403
    assert _as(people["viewer"]).post(url).status_code == 403
    assert _as(people["author"]).post(url).status_code == 403  # no ANALYSE
    assert Client().post(url).status_code == 302  # to the login page
    assert BriefSubscription.objects.filter(pk=subscription.pk).exists()
    assert _as(people["admin"]).post(url).status_code == 302
    assert not BriefSubscription.objects.exists()
    mine = actions.do_save_subscription(
        BriefSubscription(name="Mine", country="KZ", language="ru", recipients=["a@example.org"]),
        acting_user=second_analyst,
    )
    assert _as(second_analyst).post(reverse("brief_subscription_delete", args=[mine.pk])).status_code == 302
    assert not BriefSubscription.objects.exists()


def test_a_subscription_without_creator_is_for_admins(people: dict[str, Any]) -> None:
    orphan = BriefSubscription.objects.create(
        name="Orphan", country="KZ", language="en", recipients=["x@example.org"]
    )
    assert not actions.may_see_recipients(people["analyst"], orphan)
    assert actions.may_see_recipients(people["admin"], orphan)
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    assert actions.may_see_recipients(superuser, orphan)


def test_audit_keeps_counts_not_addresses(people: dict[str, Any], subscription: BriefSubscription) -> None:
    actions.do_delete_subscription(subscription, acting_user=people["analyst"])
    events = AuditEvent.objects.filter(action__startswith="brief_subscription.")
    assert events.count() == 2
    for event in events:
        assert "@mfa.example" not in str(event.changes)
        assert event.changes["recipients"] == 3
