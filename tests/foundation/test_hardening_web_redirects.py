# ruff: noqa: F811  (pytest fixtures imported from other folders' conftests, then named as parameters)
"""A posted ``next`` is followed only within elshi: every call site, with off-site and same-site targets."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from elshi.common.redirects import safe_next
from elshi.missions.models import Channel
from elshi.publishing.models import Delivery, DeliveryState
from tests.publish.conftest import webhook  # noqa: F401  (shared fixture)
from tests.publish.test_delivery import _cleared
from tests.tell.conftest import tell, two_step, write_post  # noqa: F401  (shared fixtures)

OFF_SITE = [
    "https://evil.example/",
    "//evil.example",
    "///evil.example",
    "https:/evil.example",
    " //evil.example",
]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("target", OFF_SITE)
def test_safe_next_refuses_other_sites(target: str) -> None:
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, "/fallback/") == "/fallback/"


def test_safe_next_keeps_same_site_and_requires_https_when_secure() -> None:
    factory = RequestFactory()
    assert safe_next(factory.post("/x/", {"next": "/tell/?view=week"}), "/f/") == "/tell/?view=week"
    assert safe_next(factory.get("/x/", {"next": "/listen/"}), "/f/") == "/listen/"
    assert safe_next(factory.post("/x/", {}), "/f/") == "/f/"
    secure = factory.post("/x/", {"next": "http://testserver/tell/"}, secure=True)
    assert safe_next(secure, "/f/") == "/f/"  # no downgrade from https to http
    assert (
        safe_next(factory.post("/x/", {"next": "http://testserver/tell/"}), "/f/")
        == "http://testserver/tell/"
    )


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example"])
def test_reschedule_next_off_site_lands_on_the_post(
    people: dict[str, Any], write_post: Any, target: str
) -> None:
    post = write_post(hours=30)
    day = post.scheduled_at.date().isoformat()
    response = _client(people["author"]).post(
        f"/tell/posts/{post.pk}/reschedule/", {"date": day, "next": target}
    )
    assert response.status_code == 302 and response["Location"] == f"/tell/posts/{post.pk}/"


def test_reschedule_next_same_site_is_followed(people: dict[str, Any], write_post: Any) -> None:
    post = write_post(hours=30)
    day = post.scheduled_at.date().isoformat()
    response = _client(people["author"]).post(
        f"/tell/posts/{post.pk}/reschedule/", {"date": day, "next": "/tell/calendar/?view=week"}
    )
    assert response.status_code == 302 and response["Location"] == "/tell/calendar/?view=week"


@pytest.mark.parametrize(
    "target,lands",
    [
        ("https://evil.example/", "/publish/deliveries/"),
        ("//evil.example", "/publish/deliveries/"),
        ("/publish/deliveries/?state=unconfirmed", "/publish/deliveries/?state=unconfirmed"),
    ],
)
def test_resolve_next(
    write_post: Any,
    people: dict[str, Any],
    webhook: Channel,
    target: str,
    lands: str,
) -> None:
    post = _cleared(write_post, people, webhook)
    delivery = post.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.UNCONFIRMED)
    response = _client(people["approver"]).post(
        f"/publish/deliveries/{delivery.pk}/resolve/", {"next": target}
    )
    assert response.status_code == 302 and response["Location"] == lands


@pytest.mark.parametrize(
    "target,lands", [("https://evil.example/", "/"), ("//evil.example", "/"), ("/listen/", "/listen/")]
)
def test_mission_switch_next(people: dict[str, Any], target: str, lands: str) -> None:
    response = _client(people["author"]).post("/mission/switch/", {"mission": "berlin", "next": target})
    assert response.status_code == 302 and response["Location"] == lands
