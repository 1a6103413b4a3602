"""Connecting Facebook Pages, Instagram and Threads channels through Meta's consent screens.

The views run for real through Django's test client; Meta's answers are payloads recorded from its
documentation (``tests/connectors/fixtures/connect``, and the few inline below), served through an
``httpx.MockTransport`` that records every request so that each test can say what Meta received.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.urls import reverse

from elshi.audit.models import AuditEvent as Event
from elshi.common.crypto import encrypt_json
from elshi.connectors import Token
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing import oauth_views
from elshi.publishing.accounts import account_of, set_credentials
from tests.connectors.conftest import load

FB = "https://graph.facebook.com/v25.0"
CALLBACK = "http://testserver/publish/oauth/callback/"
APP = {"app_id": "1017435839281754", "app_secret": "meta-app-secret-5f2e"}

# Facebook Login, "Exchange code for an access token" and "Get a long-lived User access token".
LONG_LIVED = {"access_token": "EAAGm0PX4ZCpsBAlong", "token_type": "bearer", "expires_in": 5183944}
# Threads, "Exchange the code for a token": a short-lived (one hour) token and the user's id.
THREADS_SHORT = {"access_token": "THQVJshort", "user_id": "17841412345678901"}
# Graph API errors: an authorization code used after it expired.
EXPIRED_CODE = {
    "error": {
        "message": "This authorization code has expired.",
        "type": "OAuthException",
        "code": 100,
        "error_subcode": 36007,
        "fbtrace_id": "AWswcVwbcqfgrSgjG80MtqJ",
    }
}
# GET graph.threads.net/v1.0/me?fields=id,username, as Threads' user endpoint documents it.
THREADS_ME = {"id": "17841412345678901", "username": "kz_embassy_berlin"}
PAGES = load("connect/fb_accounts")  # two Pages; only the first is linked to Instagram
ONE_PAGE = {"data": PAGES["data"][:1]}
NO_INSTAGRAM = {"data": PAGES["data"][1:]}
SECRETS = ("EAAGpage1", "EAAGpage2", "EAAGm0PX4ZCpsBAshort", "EAAGm0PX4ZCpsBAlong", APP["app_secret"])


class Meta:
    """Answers queued per (method, URL without query); every request recorded; a surprise fails."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], list[tuple[int, Any]]] = {}
        self.requests: list[httpx.Request] = []

    def add(self, method: str, url: str, body: Any, status: int = 200) -> None:
        self.answers.setdefault((method, url), []).append((status, body))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queued = self.answers.get((request.method, str(request.url.copy_with(query=None))))
        assert queued, f"unexpected request to Meta: {request.method} {request.url}"
        status, body = queued.pop(0)
        return httpx.Response(status, json=body)


@pytest.fixture
def meta(monkeypatch: pytest.MonkeyPatch) -> Meta:
    fake = Meta()
    monkeypatch.setattr(oauth_views, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(fake)))
    return fake


def facebook_login(meta: Meta, pages: Any) -> None:
    meta.add("GET", f"{FB}/oauth/access_token", load("connect/fb_token"))
    meta.add("GET", f"{FB}/oauth/access_token", LONG_LIVED)
    meta.add("GET", f"{FB}/me/accounts", pages)


def _channel(
    mission: Any,
    platform: str,
    settings: dict[str, str] | None = None,
    secrets: dict[str, str] | None = None,
    token: str | None = None,
) -> Channel:
    channel = Channel(mission=mission, platform=platform, handle=f"@{platform}", settings=settings or {})
    set_credentials(
        channel, secrets=APP if secrets is None else secrets, token=Token(token) if token else None
    )
    return mission_actions.do_save_channel(channel, acting_user=None)


def _connect(client: Any, channel: Channel, code: str = "AQDx-facebook-code") -> Any:
    """Start, approve on Meta (which sends the browser back with a code), and land on the callback."""
    start = client.post(reverse("channel_oauth_start", args=[channel.pk]))
    assert start.status_code == 302
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    return client.get(reverse("channel_oauth_callback"), {"code": code, "state": state})


def _token(channel: Channel) -> str | None:
    token = account_of(channel).token
    return token.access_token if token else None


def _plant(client: Any, key: str, value: Any) -> None:
    session = client.session
    session[key] = value
    session.save()


def _untouched(channel: Channel) -> None:
    before = (channel.token_encrypted, channel.status, dict(channel.settings))
    channel.refresh_from_db()
    assert (channel.token_encrypted, channel.status, dict(channel.settings)) == before
    assert not Event.objects.filter(action="channel.oauth_connect").exists()


def _no_secrets_in_audit_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    trail = json.dumps(list(Event.objects.values()), default=str)
    assert "[REDACTED]" in caplog.text  # httpx logged the token calls, masked
    for secret in SECRETS:
        assert secret not in trail
        assert secret not in caplog.text


def test_facebook_start_sends_the_browser_to_facebook_login_with_the_meta_app(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "facebook")
    client = login("approver")
    assert b"Connect with Facebook Page" in client.get(reverse("channel_detail", args=[channel.pk])).content
    start = client.post(reverse("channel_oauth_start", args=[channel.pk]))
    authorize = urlsplit(start["Location"])
    query = parse_qs(authorize.query)
    assert (authorize.netloc, authorize.path) == ("www.facebook.com", "/v25.0/dialog/oauth")
    assert query["client_id"] == [APP["app_id"]] and query["redirect_uri"] == [CALLBACK]
    assert "pages_manage_posts" in query["scope"][0].split(",") and "code_challenge" not in query
    assert meta.requests == []  # nothing asked of Meta before the person approves


def test_one_page_is_taken_and_its_page_token_stored(
    login: Any, missions: dict[str, Any], meta: Meta, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # quiet in production; here every request line shows
    channel = _channel(missions["berlin"], "facebook", secrets={"client_id": "86fb", "client_secret": "s3"})
    facebook_login(meta, ONE_PAGE)
    done = _connect(login("approver"), channel)
    assert done.status_code == 302 and done["Location"] == reverse("channel_detail", args=[channel.pk])

    code, swap, accounts = meta.requests
    assert (code.method, code.url.path) == ("GET", "/v25.0/oauth/access_token")
    assert dict(code.url.params) == {
        "client_id": "86fb",
        "client_secret": "s3",
        "redirect_uri": CALLBACK,
        "code": "AQDx-facebook-code",
    }
    assert (swap.method, swap.url.path) == ("GET", "/v25.0/oauth/access_token")
    assert swap.url.params["grant_type"] == "fb_exchange_token" and swap.url.params["client_id"] == "86fb"
    assert swap.url.params["fb_exchange_token"] == "EAAGm0PX4ZCpsBAshort"
    assert (accounts.method, accounts.url.path) == ("GET", "/v25.0/me/accounts")
    assert accounts.headers["Authorization"] == "Bearer EAAGm0PX4ZCpsBAlong"  # the long-lived token

    channel.refresh_from_db()
    token = account_of(channel).token
    assert token is not None and token.access_token == "EAAGpage1" and token.expires_at is None
    assert channel.settings["page_id"] == "1234567890"
    assert channel.status == "ok" and channel.connected_at is not None and channel.last_error == ""
    assert "EAAGpage1" not in channel.token_encrypted
    event = Event.objects.get(action="channel.oauth_connect")
    assert event.changes["page_id"] == "1234567890" and event.changes["reconnect"] is False
    _no_secrets_in_audit_or_logs(caplog)


def test_a_channel_that_names_its_page_reconnects_to_that_page_without_asking(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "facebook", {"page_id": "2234567890"}, token="EAAGold")
    facebook_login(meta, PAGES)
    done = _connect(login("approver"), channel)
    assert done["Location"] == reverse("channel_detail", args=[channel.pk])
    channel.refresh_from_db()
    assert _token(channel) == "EAAGpage2"
    assert Event.objects.get(action="channel.oauth_connect").changes["reconnect"] is True
    assert Channel.objects.filter(mission=missions["berlin"], platform="facebook").count() == 1


def test_a_page_the_account_does_not_manage_changes_nothing(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "facebook", {"page_id": "9999999999"}, token="EAAGold")
    facebook_login(meta, PAGES)
    client = login("approver")
    _connect(client, channel)
    page = client.get(reverse("channel_detail", args=[channel.pk])).content.decode()
    assert "does not manage the Page 9999999999" in page
    _untouched(channel)
    assert _token(channel) == "EAAGold"


def test_several_pages_are_offered_and_the_chosen_pages_token_stored(
    login: Any, missions: dict[str, Any], meta: Meta, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # quiet in production; here every request line shows
    channel = _channel(missions["berlin"], "facebook")
    facebook_login(meta, PAGES)
    client = login("approver")
    done = _connect(client, channel)
    chooser = reverse("channel_oauth_page", args=[channel.pk])
    assert done["Location"] == chooser
    _untouched(channel)  # nothing changes before the choice
    # The fetched Page tokens wait in the session, encrypted only.
    assert not any(secret in json.dumps(dict(client.session.items())) for secret in SECRETS)

    page = client.get(chooser)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Embassy of Kazakhstan in Germany" in html and "Consulate General in Frankfurt" in html
    assert html.count('type="radio"') == 2 and 'for="id_page_1"' in html and "csrfmiddlewaretoken" in html
    assert not any(secret in html for secret in SECRETS)

    chosen = client.post(chooser, {"page": "2234567890"})
    assert chosen["Location"] == reverse("channel_detail", args=[channel.pk])
    channel.refresh_from_db()
    assert _token(channel) == "EAAGpage2"
    assert channel.settings["page_id"] == "2234567890" and channel.status == "ok"
    assert (
        Event.objects.get(action="channel.oauth_connect").changes["page"] == "Consulate General in Frankfurt"
    )
    _no_secrets_in_audit_or_logs(caplog)
    # The offer is spent: coming back to the chooser says to start again.
    again = client.get(chooser, follow=True).content.decode()
    assert "no longer available" in again


def test_a_page_that_was_not_offered_is_refused(login: Any, missions: dict[str, Any], meta: Meta) -> None:
    channel = _channel(missions["berlin"], "facebook")
    facebook_login(meta, PAGES)
    client = login("approver")
    _connect(client, channel)
    chooser = reverse("channel_oauth_page", args=[channel.pk])
    forged = client.post(chooser, {"page": "3141592653"})
    assert forged.status_code == 400 and "Select a valid choice" in forged.content.decode()
    empty = client.post(chooser, {})
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    _untouched(channel)
    # The real choice still works afterwards.
    client.post(chooser, {"page": "1234567890"})
    channel.refresh_from_db()
    assert _token(channel) == "EAAGpage1"


def test_the_offer_expires_after_fifteen_minutes(login: Any, missions: dict[str, Any]) -> None:
    channel = _channel(missions["berlin"], "facebook")
    client = login("approver")
    offered = [{"id": "1234567890", "name": "Embassy", "token": "EAAGpage1", "ig": None}]
    _plant(
        client,
        oauth_views.PAGES_KEY,
        {str(channel.pk): {"at": time.time() - 16 * 60, "pages": encrypt_json(offered)}},
    )
    answer = client.post(
        reverse("channel_oauth_page", args=[channel.pk]), {"page": "1234567890"}, follow=True
    )
    assert "no longer available" in answer.content.decode()
    _untouched(channel)


def test_instagram_takes_the_page_linked_to_its_professional_account(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "instagram", {"api_base": "https://graph.instagram.com/v24.0"})
    facebook_login(meta, PAGES)  # two Pages, one linked: no need to ask
    done = _connect(login("approver"), channel)
    assert done["Location"] == reverse("channel_detail", args=[channel.pk])
    channel.refresh_from_db()
    assert _token(channel) == "EAAGpage1"
    assert channel.settings["ig_user_id"] == "17841405822304914"
    assert "api_base" not in channel.settings  # a Page token speaks to Facebook Login's host
    assert Event.objects.get(action="channel.oauth_connect").changes["ig_user_id"] == "17841405822304914"


def test_instagram_without_a_linked_account_says_so_and_changes_nothing(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "instagram")
    facebook_login(meta, NO_INSTAGRAM)
    client = login("approver")
    answer = _connect(client, channel)
    page = client.get(answer["Location"]).content.decode()
    assert "has an Instagram professional account linked" in page
    _untouched(channel)
    assert oauth_views.PAGES_KEY not in client.session


def test_threads_swaps_the_one_hour_token_for_the_sixty_day_one(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(
        missions["berlin"],
        "threads",
        {"threads_user_id": "17841412345678901"},
        {"client_id": "990602627938098", "client_secret": "threads-secret"},
    )
    meta.add("POST", "https://graph.threads.net/oauth/access_token", THREADS_SHORT)
    meta.add("GET", "https://graph.threads.net/access_token", load("connect/threads_long_lived"))
    meta.add("GET", "https://graph.threads.net/v1.0/me", THREADS_ME)
    client = login("approver")
    start = client.post(reverse("channel_oauth_start", args=[channel.pk]))
    assert urlsplit(start["Location"]).netloc == "threads.net"
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    client.get(reverse("channel_oauth_callback"), {"code": "AQBx-threads", "state": state})

    code, swap, me = meta.requests
    assert (me.method, me.url.path, me.url.params["fields"]) == ("GET", "/v1.0/me", "id,username")
    assert me.headers["Authorization"] == "Bearer THQVJlong"
    form = parse_qs(code.content.decode())
    assert (code.method, code.url.path) == ("POST", "/oauth/access_token")
    assert form["client_id"] == ["990602627938098"] and form["code"] == ["AQBx-threads"]
    assert form["grant_type"] == ["authorization_code"] and form["redirect_uri"] == [CALLBACK]
    assert (swap.method, swap.url.path) == ("GET", "/access_token")
    assert dict(swap.url.params) == {
        "grant_type": "th_exchange_token",
        "client_secret": "threads-secret",
        "access_token": "THQVJshort",
    }
    channel.refresh_from_db()
    token = account_of(channel).token
    assert token is not None and token.access_token == "THQVJlong"
    assert channel.token_expires_at is not None
    assert channel.token_expires_at - dt.datetime.now(dt.UTC) > dt.timedelta(days=59)


def _threads_connect(login: Any, channel: Channel, meta: Meta) -> Any:
    meta.add("POST", "https://graph.threads.net/oauth/access_token", THREADS_SHORT)
    meta.add("GET", "https://graph.threads.net/access_token", load("connect/threads_long_lived"))
    meta.add("GET", "https://graph.threads.net/v1.0/me", THREADS_ME)
    client = login("approver")
    start = client.post(reverse("channel_oauth_start", args=[channel.pk]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    callback = reverse("channel_oauth_callback")
    return client.get(callback, {"code": "AQBx-threads", "state": state}, follow=True)


def test_threads_fills_in_the_user_id_of_the_account_that_consented(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "threads", {}, {"app_id": "990602627938098", "app_secret": "s"})
    _threads_connect(login, channel, meta)
    channel.refresh_from_db()
    assert channel.settings["threads_user_id"] == THREADS_ME["id"] and channel.status == "ok"
    event = Event.objects.filter(action="channel.oauth_connect").latest("pk")
    assert event.changes["threads_user_id"] == THREADS_ME["id"]


def test_threads_refuses_another_account_than_the_channels(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    app = {"app_id": "990602627938098", "app_secret": "s"}
    channel = _channel(missions["berlin"], "threads", {"threads_user_id": "111"}, app)
    page = _threads_connect(login, channel, meta).content.decode()
    assert "is not the one this channel posts as" in page and "@kz_embassy_berlin" in page
    _untouched(channel)


def test_an_error_from_meta_is_shown_and_kept_on_the_channel(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "facebook")
    meta.add("GET", f"{FB}/oauth/access_token", EXPIRED_CODE, status=400)
    client = login("approver")
    answer = _connect(client, channel)
    page = client.get(answer["Location"]).content.decode()
    assert "The platform refused the connection: facebook: This authorization code has expired." in page
    channel.refresh_from_db()
    assert "authorization code has expired" in channel.last_error and channel.last_error_at is not None
    assert channel.token_encrypted == "" and channel.status == "not_connected"
    assert len(meta.requests) == 1  # no further calls with a refused code


def test_a_meta_app_without_its_secret_says_what_to_do_first(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "instagram", secrets={"app_id": APP["app_id"]})
    answer = login("approver").post(reverse("channel_oauth_start", args=[channel.pk]), follow=True)
    assert "Save the app secret of the ministry" in answer.content.decode()
    assert oauth_views.SESSION_KEY not in answer.client.session


@pytest.mark.parametrize("who", ["viewer", "analyst", "author", "outsider"])
def test_only_people_who_publish_for_the_mission_may_connect_a_meta_channel(
    login: Any, missions: dict[str, Any], meta: Meta, who: str
) -> None:
    channel = _channel(missions["berlin"], "facebook")
    client = login(who)
    assert client.post(reverse("channel_oauth_start", args=[channel.pk])).status_code == 403
    assert oauth_views.SESSION_KEY not in client.session

    # A callback whose state sits in this person's session is still checked against the role.
    _plant(
        client, oauth_views.SESSION_KEY, {"st8": {"channel": channel.pk, "verifier": "", "at": time.time()}}
    )
    refused = client.get(reverse("channel_oauth_callback"), {"code": "AQDx", "state": "st8"})
    assert refused.status_code == 403

    offered = [{"id": "1234567890", "name": "Embassy", "token": "EAAGpage1", "ig": None}]
    _plant(
        client, oauth_views.PAGES_KEY, {str(channel.pk): {"at": time.time(), "pages": encrypt_json(offered)}}
    )
    chooser = reverse("channel_oauth_page", args=[channel.pk])
    assert client.get(chooser).status_code == 403
    assert client.post(chooser, {"page": "1234567890"}).status_code == 403
    assert meta.requests == []
    _untouched(channel)


def test_a_role_lost_before_the_callback_stops_the_connection(
    login: Any, missions: dict[str, Any], people: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "facebook")
    client = login("approver")
    start = client.post(reverse("channel_oauth_start", args=[channel.pk]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    mission_actions.do_set_role(people["approver"], missions["berlin"], "viewer", acting_user=None)
    assert client.get(reverse("channel_oauth_callback"), {"code": "AQDx", "state": state}).status_code == 403
    assert meta.requests == []
    _untouched(channel)


def test_anonymous_visitors_are_sent_to_log_in(client: Any, missions: dict[str, Any], meta: Meta) -> None:
    channel = _channel(missions["berlin"], "facebook")
    chooser = reverse("channel_oauth_page", args=[channel.pk])
    for answer in (
        client.post(reverse("channel_oauth_start", args=[channel.pk])),
        client.get(reverse("channel_oauth_callback"), {"code": "AQDx", "state": "st8"}),
        client.get(chooser),
        client.post(chooser, {"page": "1234567890"}),
    ):
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert meta.requests == []
    _untouched(channel)


def test_page_names_from_meta_are_shown_as_text(login: Any, missions: dict[str, Any], meta: Meta) -> None:
    channel = _channel(missions["berlin"], "facebook")
    hostile = {"id": "3234567890", "name": '<img src=x onerror="alert(1)">', "access_token": "EAAGpage3"}
    facebook_login(meta, {"data": [*PAGES["data"], hostile]})
    client = login("approver")
    _connect(client, channel)
    html = client.get(reverse("channel_oauth_page", args=[channel.pk])).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html and "<img src=x" not in html
    assert html.count('type="radio"') == 3


def test_instagram_asks_when_several_pages_have_a_linked_account(
    login: Any, missions: dict[str, Any], meta: Meta
) -> None:
    channel = _channel(missions["berlin"], "instagram")
    second = {**PAGES["data"][1], "instagram_business_account": {"id": "17841400000000002"}}
    facebook_login(meta, {"data": [PAGES["data"][0], second]})
    client = login("approver")
    chooser = reverse("channel_oauth_page", args=[channel.pk])
    assert _connect(client, channel)["Location"] == chooser
    assert "whose Instagram account" in client.get(chooser).content.decode()
    client.post(chooser, {"page": "2234567890"})
    channel.refresh_from_db()
    assert _token(channel) == "EAAGpage2" and channel.settings["ig_user_id"] == "17841400000000002"
