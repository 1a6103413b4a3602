from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from elshi.connectors import (
    Account,
    AuthError,
    Delivery,
    InvalidMessage,
    Media,
    Message,
    NotSent,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    Token,
    create,
)
from elshi.connectors.facts import PlatformFacts
from elshi.connectors.mastodon import (
    MastodonPublisher,
    authorize_url,
    clear_instance_cache,
    exchange_code,
    register_app,
)
from elshi.connectors.oauth import new_pkce

from .conftest import FakePlatform

BASE = "https://mastodon.example"
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ACCOUNT = Account(settings={"base_url": BASE + "/"}, token=Token("tok-123"))


@pytest.fixture(autouse=True)
def _fresh_instance_cache() -> None:
    clear_instance_cache()


def publisher(fake: FakePlatform) -> MastodonPublisher:
    made = create("mastodon", fake.client(), ACCOUNT)
    assert isinstance(made, MastodonPublisher)
    made.sleep = lambda seconds: None
    return made


def test_text_status_sends_idempotency_key_and_returns_remote_id(fake: FakePlatform) -> None:
    fake.add("GET", f"{BASE}/api/v2/instance", fixture="mastodon/instance_v2")
    fake.add("POST", f"{BASE}/api/v1/statuses", fixture="mastodon/status")
    message = Message("Kazakhstan and Germany sign a green hydrogen agreement.", language="en")

    result = publisher(fake).publish(Delivery("delivery-42", message, WHEN))

    assert result.remote_id == "103270115826048975"
    assert result.url == "https://mastodon.example/@kz_berlin/103270115826048975"
    sent = fake.requests[1]
    assert sent.method == "POST"
    assert sent.headers["Idempotency-Key"] == "delivery-42"
    assert sent.headers["Authorization"] == "Bearer tok-123"
    assert fake.json(1) == {"status": message.text, "visibility": "public", "language": "en"}


def test_instance_limits_are_used_for_validation(fake: FakePlatform) -> None:
    fake.add("GET", f"{BASE}/api/v2/instance", fixture="mastodon/instance_v2")
    made = publisher(fake)
    rules = made.rules()
    assert (rules.max_length, rules.max_media, rules.alt_text_max) == (1000, 4, 1500)
    assert made.validate(Message("a" * 1000)) == []
    assert made.validate(Message("a" * 1001)) == ["mastodon: text is 1001 characters, the limit is 1000"]
    # URLs count 23 whatever their length, as the instance says.
    assert made.validate(Message("a" * 970 + " https://example.org/" + "x" * 200)) == []
    with pytest.raises(InvalidMessage):
        made.publish(Delivery("d", Message("a" * 1001), WHEN))
    assert len(fake.requests) == 1  # the instance once, cached; nothing posted


def test_image_is_uploaded_with_alt_text_and_polled_until_processed(fake: FakePlatform) -> None:
    fake.add("GET", f"{BASE}/api/v2/instance", fixture="mastodon/instance_v2")
    fake.add("POST", f"{BASE}/api/v2/media", status=202, fixture="mastodon/media_processing")
    fake.add("GET", f"{BASE}/api/v1/media/22348641", status=206, fixture="mastodon/media_processing")
    fake.add("GET", f"{BASE}/api/v1/media/22348641", fixture="mastodon/media_ready")
    fake.add("POST", f"{BASE}/api/v1/statuses", fixture="mastodon/status")
    image = Media(
        "image/jpeg", data=b"\xff\xd8jpeg", alt_text="The Baiterek tower in Astana at dusk", filename="b.jpg"
    )

    publisher(fake).publish(Delivery("d-1", Message("Astana", media=(image,)), WHEN))

    upload = fake.requests[1]
    assert upload.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="description"\r\n\r\nThe Baiterek tower in Astana at dusk' in upload.content
    assert b'name="file"; filename="b.jpg"' in upload.content and b"\xff\xd8jpeg" in upload.content
    assert fake.json(4)["media_ids"] == ["22348641"]


@pytest.mark.parametrize(
    ("status", "fixture", "headers", "error"),
    [
        (401, "mastodon/error_token", {}, AuthError),
        (422, "mastodon/error_validation", {}, Rejected),
        (429, "mastodon/error_rate", {"X-RateLimit-Reset": "2099-01-01T00:00:00.000Z"}, RateLimited),
        (503, None, {}, NotSent),
        (504, None, {}, OutcomeUnknown),
    ],
)
def test_error_answers_map_to_errors(
    fake: FakePlatform, status: int, fixture: str | None, headers: dict[str, str], error: type[Exception]
) -> None:
    fake.add("GET", f"{BASE}/api/v2/instance", fixture="mastodon/instance_v2")
    fake.add("POST", f"{BASE}/api/v1/statuses", status=status, fixture=fixture, headers=headers)
    with pytest.raises(error) as caught:
        publisher(fake).publish(Delivery("d", Message("hello"), WHEN))
    assert "tok-123" not in str(caught.value)
    if fixture:
        assert load_error(fixture) in str(caught.value)
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after is not None and caught.value.retry_after > 0
        assert caught.value.permanent is False


def load_error(name: str) -> str:
    from .conftest import load

    return str(load(name)["error"])


def test_timeout_after_sending_is_unknown_and_refused_connection_is_not_sent(fake: FakePlatform) -> None:
    fake.add("GET", f"{BASE}/api/v2/instance", fixture="mastodon/instance_v2")
    fake.add("POST", f"{BASE}/api/v1/statuses", raises=httpx.ReadTimeout("timed out"))
    fake.add("POST", f"{BASE}/api/v1/statuses", raises=httpx.ConnectError("refused"))
    made = publisher(fake)
    with pytest.raises(OutcomeUnknown):
        made.publish(Delivery("d", Message("hello"), WHEN))
    with pytest.raises(NotSent):
        made.publish(Delivery("d", Message("hello"), WHEN))


def test_metrics(fake: FakePlatform) -> None:
    fake.add("GET", f"{BASE}/api/v1/statuses/103270115826048975", fixture="mastodon/status")
    metrics = publisher(fake).fetch_metrics("103270115826048975")
    assert (metrics.likes, metrics.reposts, metrics.replies, metrics.quotes) == (11, 6, 5, 1)
    assert metrics.views is None


def test_app_registration_authorize_url_and_code_exchange(fake: FakePlatform) -> None:
    redirect = "https://elshi.example/channels/mastodon/callback"
    fake.add("POST", f"{BASE}/api/v1/apps", fixture="mastodon/app")
    fake.add("POST", f"{BASE}/oauth/token", fixture="mastodon/token")
    client = fake.client()
    app = register_app(
        client, BASE, client_name="elshi", redirect_uri=redirect, website="https://elshi.example"
    )
    assert app.client_id == "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM"
    assert "client_secret" not in repr(app) and app.client_secret not in repr(app)
    assert dict(httpx.QueryParams(fake.requests[0].content.decode())) == {
        "client_name": "elshi",
        "redirect_uris": redirect,
        "scopes": "read:statuses write:statuses write:media",
        "website": "https://elshi.example",
    }
    pkce = new_pkce()
    url = httpx.URL(authorize_url(app, state="s1", pkce=pkce))
    assert url.path == "/oauth/authorize"
    assert url.params["client_id"] == app.client_id and url.params["state"] == "s1"
    assert url.params["code_challenge_method"] == "S256" and url.params["code_challenge"] == pkce.challenge

    token = exchange_code(client, app, "code-abc", pkce=pkce)
    assert token.access_token == "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0" and token.expires_at is None
    form = dict(httpx.QueryParams(fake.requests[1].content.decode()))
    assert form["grant_type"] == "authorization_code" and form["code"] == "code-abc"
    assert form["code_verifier"] == pkce.verifier and form["client_secret"] == app.client_secret


def test_refused_code_is_auth_error(fake: FakePlatform) -> None:
    fake.add(
        "POST",
        f"{BASE}/oauth/token",
        status=400,
        json_body={
            "error": "invalid_grant",
            "error_description": "The provided authorization grant is invalid",
        },
    )
    from elshi.connectors.mastodon import AppRegistration

    app = AppRegistration(BASE, "cid", "secret", "https://elshi.example/cb")
    with pytest.raises(AuthError, match="authorization grant is invalid"):
        exchange_code(fake.client(), app, "bad")


def test_older_servers_fall_back_to_the_v1_instance(fake: FakePlatform) -> None:
    fake.add("GET", f"{BASE}/api/v2/instance", status=404, json_body={"error": "Record not found"})
    fake.add("GET", f"{BASE}/api/v1/instance", fixture="mastodon/instance_v1_pleroma")
    assert publisher(fake).rules().max_length == 5000


def test_instance_limits_are_read_once_per_process_or_taken_from_the_channel(fake: FakePlatform) -> None:
    fake.add("GET", f"{BASE}/api/v2/instance", fixture="mastodon/instance_v2")
    first = publisher(fake).rules()
    assert publisher(fake).rules() == first and len(fake.requests) == 1  # a new publisher, no new GET
    stored = Account(settings={"base_url": BASE, "rules_json": json.dumps(first.to_json())}, token=Token("t"))
    clear_instance_cache()
    made = create("mastodon", fake.client(), stored)
    assert made.rules() == first and len(fake.requests) == 1


def test_rejected_media_stops_before_any_status(fake: FakePlatform) -> None:
    fake.add("GET", f"{BASE}/api/v2/instance", fixture="mastodon/instance_v2")
    fake.add("POST", f"{BASE}/api/v2/media", status=422, fixture="mastodon/media_rejected")
    image = Media("image/jpeg", data=b"not really a jpeg")
    with pytest.raises(Rejected, match="File content type is invalid"):
        publisher(fake).publish(Delivery("d", Message("x", media=(image,)), WHEN))
    assert [r.url.path for r in fake.requests] == ["/api/v2/instance", "/api/v2/media"]


def test_failures_before_the_status_are_not_sent(fake: FakePlatform) -> None:
    fake.add("GET", f"{BASE}/api/v2/instance", raises=httpx.ReadTimeout("slow"))
    with pytest.raises(NotSent, match="no answer to a read"):
        publisher(fake).publish(Delivery("d", Message("x"), WHEN))
    fake.add("GET", f"{BASE}/api/v2/instance", fixture="mastodon/instance_v2")
    fake.add("POST", f"{BASE}/api/v2/media", raises=httpx.ReadTimeout("slow"))
    image = Media("image/jpeg", data=b"\xff\xd8")
    with pytest.raises(NotSent, match="before the post was sent") as caught:
        publisher(fake).publish(Delivery("d", Message("x", media=(image,)), WHEN))
    assert "may have gone out" not in str(caught.value)
    assert not any(r.url.path == "/api/v1/statuses" for r in fake.requests)


def test_mastodon_declares_how_long_it_remembers_an_idempotency_key() -> None:
    assert MastodonPublisher.facts.idempotent and MastodonPublisher.facts.idempotency_window == 3600
    with pytest.raises(ValueError, match="idempotency window"):
        PlatformFacts("webhook", "Webhook", "none", idempotency_window=60)  # no dedup, no window
