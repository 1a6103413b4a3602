"""Connecting channels through the platform's consent screen.

Mastodon runs end to end against the loopback platform on 127.0.0.1 (app registration, consent
redirect, code exchange with PKCE, then a real post with the stored token). The other OAuth platforms
share one code path, checked against LinkedIn's recorded token answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.urls import reverse

from elshi.audit.models import AuditEvent as Event
from elshi.connectors import Delivery as Outgoing
from elshi.connectors import Message
from elshi.connectors.bench import LoopbackPlatform
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing import oauth_views
from elshi.publishing.accounts import account_of, http_client, publisher_for, set_credentials
from elshi.publishing.models import OAuthApp
from tests.connectors.conftest import load


@pytest.fixture
def platform():  # type: ignore[no-untyped-def]
    with LoopbackPlatform() as running:
        yield running


def _channel(mission: Any, platform_name: str, settings: dict[str, str], secrets: dict[str, str]) -> Channel:
    channel = Channel(mission=mission, platform=platform_name, handle=f"@{platform_name}", settings=settings)
    if secrets:
        set_credentials(channel, secrets=secrets)
    return mission_actions.do_save_channel(channel, acting_user=None)


def _consent(location: str) -> str:
    """The person approves on the platform: follow its redirect back to elshi (path and query)."""
    answer = httpx.get(location, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.netloc == "testserver"
    return f"{back.path}?{back.query}"


def test_mastodon_connects_end_to_end_and_posts_with_the_stored_token(
    login: Any, missions: dict[str, Any], platform: LoopbackPlatform
) -> None:
    channel = _channel(missions["berlin"], "mastodon", {"base_url": platform.url}, {})
    client = login("approver")
    page = client.get(reverse("channel_detail", args=[channel.pk]))
    assert b"Connect with Mastodon" in page.content

    start = client.post(reverse("channel_oauth_start", args=[channel.pk]))
    assert start.status_code == 302
    authorize = urlsplit(start["Location"])
    query = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}" == platform.url
    assert authorize.path == "/oauth/authorize"
    assert query["redirect_uri"] == ["http://testserver/publish/oauth/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(platform.apps) == 1

    done = client.get(_consent(start["Location"]))
    assert done.status_code == 302 and done["Location"] == reverse("channel_detail", args=[channel.pk])
    channel.refresh_from_db()
    assert channel.status == "ok" and channel.connected_at is not None
    token = account_of(channel).token
    assert token is not None and token.access_token == platform.tokens[0]
    assert platform.tokens[0] not in channel.token_encrypted  # encrypted at rest
    event = Event.objects.get(action="channel.oauth_connect")
    assert event.changes["reconnect"] is False and event.actor_label == "approver"
    assert event.mission_slug == "berlin"

    with http_client() as http:
        published = publisher_for(channel, http).publish(
            Outgoing(
                key="elshi-oauth-1", message=Message(text="Connected"), created_at=dt.datetime.now(dt.UTC)
            )
        )
    assert platform.received[0].token == platform.tokens[0]
    assert published.remote_id == platform.received[0].status_id

    # Reconnecting reuses the instance's app registration and keeps the channel.
    again = client.post(reverse("channel_oauth_start", args=[channel.pk]))
    client.get(_consent(again["Location"]))
    assert len(platform.apps) == 1 and OAuthApp.objects.count() == 1
    channel.refresh_from_db()
    assert account_of(channel).token.access_token == platform.tokens[1]  # type: ignore[union-attr]
    assert Event.objects.filter(action="channel.oauth_connect").latest("pk").changes["reconnect"] is True


def test_a_callback_this_session_did_not_start_changes_nothing(
    login: Any, missions: dict[str, Any], platform: LoopbackPlatform, client: Any, people: dict[str, Any]
) -> None:
    channel = _channel(missions["berlin"], "mastodon", {"base_url": platform.url}, {})
    approver = login("approver")
    start = approver.post(reverse("channel_oauth_start", args=[channel.pk]))
    callback = _consent(start["Location"])

    # Someone else's browser (or a forged link) carries a code and a state this session never made.
    approver.logout()
    approver.force_login(people["admin"])
    refused = approver.get(callback)
    assert refused.status_code == 400
    assert b"unknown to your session" in refused.content
    channel.refresh_from_db()
    assert channel.token_encrypted == "" and platform.tokens == []


def test_a_denied_consent_is_shown_and_stores_nothing(
    login: Any, missions: dict[str, Any], platform: LoopbackPlatform
) -> None:
    channel = _channel(missions["berlin"], "mastodon", {"base_url": platform.url}, {})
    client = login("approver")
    start = client.post(reverse("channel_oauth_start", args=[channel.pk]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    answer = client.get(
        reverse("channel_oauth_callback"), {"error": "access_denied", "state": state}, follow=True
    )
    assert "did not grant access: access_denied" in answer.content.decode()
    channel.refresh_from_db()
    assert channel.token_encrypted == "" and channel.status == "not_connected"


@pytest.mark.parametrize("who", ["viewer", "author", "outsider", "analyst"])
def test_only_people_who_publish_for_the_mission_may_connect(
    login: Any, missions: dict[str, Any], platform: LoopbackPlatform, who: str
) -> None:
    channel = _channel(missions["berlin"], "mastodon", {"base_url": platform.url}, {})
    assert login(who).post(reverse("channel_oauth_start", args=[channel.pk])).status_code == 403
    assert platform.apps == {}


def test_start_needs_a_logged_in_person_and_a_post(client: Any, missions: dict[str, Any]) -> None:
    channel = _channel(missions["berlin"], "mastodon", {"base_url": "https://mastodon.example"}, {})
    url = reverse("channel_oauth_start", args=[channel.pk])
    assert client.post(url).status_code == 302  # to the login page
    assert "/accounts/login/" in client.post(url)["Location"]


def test_linkedin_swaps_the_code_for_a_token_with_the_apps_credentials(
    login: Any, missions: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = _channel(
        missions["berlin"],
        "linkedin",
        {"author": "urn:li:organization:5515715"},
        {"client_id": "86abc", "client_secret": "linkedin-secret"},
    )
    seen: list[httpx.Request] = []

    def platform_answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=load("connect/linkedin_token"))

    monkeypatch.setattr(
        oauth_views, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(platform_answer))
    )
    client = login("approver")
    start = client.post(reverse("channel_oauth_start", args=[channel.pk]))
    authorize = urlsplit(start["Location"])
    query = parse_qs(authorize.query)
    assert authorize.netloc == "www.linkedin.com" and authorize.path == "/oauth/v2/authorization"
    assert query["client_id"] == ["86abc"] and "code_challenge" not in query

    client.get(reverse("channel_oauth_callback"), {"code": "AQT-code", "state": query["state"][0]})
    (request,) = seen
    assert str(request.url) == "https://www.linkedin.com/oauth/v2/accessToken"
    form = parse_qs(request.content.decode())
    assert form["code"] == ["AQT-code"] and form["client_secret"] == ["linkedin-secret"]
    assert form["redirect_uri"] == ["http://testserver/publish/oauth/callback/"]
    channel.refresh_from_db()
    token = account_of(channel).token
    assert token is not None and token.refresh_token == load("connect/linkedin_token")["refresh_token"]
    assert channel.token_expires_at is not None and channel.status == "ok"


def test_a_platform_without_a_client_id_says_what_to_do_first(login: Any, missions: dict[str, Any]) -> None:
    channel = _channel(missions["berlin"], "x", {}, {})
    answer = login("approver").post(reverse("channel_oauth_start", args=[channel.pk]), follow=True)
    assert "Save the client id of the ministry" in answer.content.decode()
