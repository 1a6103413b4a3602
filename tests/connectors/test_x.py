from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from elshi.connectors import (
    Account,
    AuthError,
    Delivery,
    Media,
    Message,
    NotSent,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    Token,
    create,
)
from elshi.connectors.connect import authorize_url, exchange_code
from elshi.connectors.oauth import new_pkce
from elshi.connectors.x import XPublisher
from elshi.connectors.x.readback import same_text

from .conftest import FakePlatform, load

API = "https://api.x.com/2"
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
TOKEN = Token("user-access", "user-refresh", WHEN + timedelta(hours=2))
ACCOUNT = Account(
    settings={"username": "MFA_KZ"}, secrets={"client_id": "cid", "client_secret": "csecret"}, token=TOKEN
)


def publisher(fake: FakePlatform) -> XPublisher:
    made = create("x", fake.client(), ACCOUNT)
    assert isinstance(made, XPublisher)
    return made


def test_post_with_image_and_alt_text(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/media/upload", fixture="x/media_upload")
    fake.add("POST", f"{API}/media/metadata", fixture="x/media_metadata")
    fake.add("POST", f"{API}/tweets", status=201, fixture="x/create_post")
    image = Media(
        "image/jpeg", data=b"\xff\xd8jpg", alt_text="The Baiterek tower in Astana", filename="b.jpg"
    )

    result = publisher(fake).publish(
        Delivery("d1", Message("Kazakhstan opens a new consulate in Frankfurt", media=(image,)), WHEN)
    )

    assert (result.remote_id, result.url) == (
        "1445880548472328192",
        "https://x.com/MFA_KZ/status/1445880548472328192",
    )
    upload, metadata, post = fake.requests
    assert all(r.headers["Authorization"] == "Bearer user-access" for r in fake.requests)
    assert b'name="media_category"\r\n\r\ntweet_image' in upload.content and b"\xff\xd8jpg" in upload.content
    assert fake.json(1) == {
        "id": "1880028106020515840",
        "metadata": {"alt_text": {"text": "The Baiterek tower in Astana"}},
    }
    assert fake.json(2) == {
        "text": "Kazakhstan opens a new consulate in Frankfurt",
        "media": {"media_ids": ["1880028106020515840"]},
    }
    assert post.method == "POST"


@pytest.mark.parametrize(
    ("status", "fixture", "error", "words"),
    [
        (401, "x/unauthorized", AuthError, "Unauthorized"),
        (429, "x/too_many_requests", RateLimited, "Too Many Requests"),
    ],
)
def test_errors(fake: FakePlatform, status: int, fixture: str, error: type[Exception], words: str) -> None:
    reset = str(int(datetime.now(UTC).timestamp()) + 900)
    fake.add("POST", f"{API}/tweets", status=status, fixture=fixture, headers={"x-rate-limit-reset": reset})
    with pytest.raises(error, match=words) as caught:
        publisher(fake).publish(Delivery("d", Message("hi"), WHEN))
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after is not None and 800 < caught.value.retry_after <= 900


def test_weighted_length_enforced_before_sending(fake: FakePlatform) -> None:
    made = publisher(fake)
    assert made.validate(Message("哈" * 141)) == ["x: text is 282 characters, the limit is 280"]


def test_metrics(fake: FakePlatform) -> None:
    fake.add("GET", f"{API}/tweets/1445880548472328192", fixture="x/post_metrics")
    metrics = publisher(fake).fetch_metrics("1445880548472328192")
    assert (metrics.likes, metrics.reposts, metrics.replies, metrics.quotes, metrics.views) == (
        87,
        12,
        4,
        3,
        10432,
    )
    assert metrics.link_clicks == 377
    assert fake.requests[0].url.params["tweet.fields"] == "public_metrics,non_public_metrics"


def test_refresh_before_expiry_keeps_rotating_refresh_token(fake: FakePlatform) -> None:
    made = publisher(fake)
    assert made.refresh_if_needed(WHEN) is None  # two hours left
    fake.add("POST", f"{API}/oauth2/token", fixture="x/token")
    now = WHEN + timedelta(hours=1, minutes=55)
    new = made.refresh_if_needed(now)
    assert new is not None and new.refresh_token == load("x/token")["refresh_token"]
    assert new.expires_at is not None and new.expires_at > now + timedelta(hours=1)
    request = fake.requests[0]
    assert request.headers["Authorization"].startswith("Basic ")
    assert dict(httpx.QueryParams(request.content.decode())) == {
        "grant_type": "refresh_token",
        "refresh_token": "user-refresh",
        "client_id": "cid",
    }
    assert made.bearer() == {"Authorization": f"Bearer {new.access_token}"}


def test_refused_refresh_is_auth_error(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/oauth2/token", status=400, fixture="x/invalid_grant")
    with pytest.raises(AuthError, match="token was invalid"):
        publisher(fake).refresh_if_needed(WHEN + timedelta(hours=2))


def test_pkce_authorize_and_exchange(fake: FakePlatform) -> None:
    pkce = new_pkce()
    url = httpx.URL(
        authorize_url("x", client_id="cid", redirect_uri="https://elshi.example/cb", state="st", pkce=pkce)
    )
    assert url.host == "x.com" and url.params["code_challenge"] == pkce.challenge
    assert "offline.access" in url.params["scope"] and "media.write" in url.params["scope"]
    fake.add("POST", f"{API}/oauth2/token", fixture="x/token")
    token = exchange_code(
        fake.client(),
        "x",
        "c0de",
        client_id="cid",
        client_secret=None,
        redirect_uri="https://elshi.example/cb",
        pkce=pkce,
    )
    assert token.access_token == load("x/token")["access_token"]
    form = dict(httpx.QueryParams(fake.requests[0].content.decode()))
    assert form["code_verifier"] == pkce.verifier and "Authorization" not in fake.requests[0].headers


def queue_video(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/media/upload/initialize", fixture="x/video_initialize")
    fake.add("POST", f"{API}/media/upload/1880028106020515840/append", status=204)
    fake.add("POST", f"{API}/media/upload/1880028106020515840/append", status=204)
    fake.add("POST", f"{API}/media/upload/1880028106020515840/finalize", fixture="x/video_finalize")


def test_video_is_uploaded_in_chunks_and_awaited(fake: FakePlatform) -> None:
    from elshi.connectors.x.publisher import CHUNK_BYTES

    queue_video(fake)
    fake.add("GET", f"{API}/media/upload", fixture="x/video_status_succeeded")
    fake.add("POST", f"{API}/tweets", status=201, fixture="x/create_post")
    made = publisher(fake)
    waits: list[float] = []
    made.sleep = waits.append
    video = Media("video/mp4", data=b"v" * (CHUNK_BYTES + 1), filename="astana.mp4")

    made.publish(Delivery("d", Message("Astana", media=(video,)), WHEN))

    assert fake.json(0) == {
        "media_type": "video/mp4",
        "total_bytes": CHUNK_BYTES + 1,
        "media_category": "tweet_video",
    }
    assert b'name="segment_index"\r\n\r\n0' in fake.requests[1].content
    assert b'name="segment_index"\r\n\r\n1' in fake.requests[2].content
    assert fake.requests[4].url.params["command"] == "STATUS" and waits == [1.0]
    assert fake.json(5)["media"] == {"media_ids": ["1880028106020515840"]}


def test_video_failing_processing_is_rejected_and_two_videos_refused(fake: FakePlatform) -> None:
    queue_video(fake)
    fake.add("GET", f"{API}/media/upload", fixture="x/video_status_failed")
    made = publisher(fake)
    made.sleep = lambda seconds: None
    from elshi.connectors.x.publisher import CHUNK_BYTES

    video = Media("video/mp4", data=b"v" * (CHUNK_BYTES + 1))
    with pytest.raises(Rejected, match="Unsupported video format"):
        made.publish(Delivery("d", Message("x", media=(video,)), WHEN))
    assert made.validate(Message("x", media=(video, video))) == ["x: 2 videos attached, the limit is 1"]


def test_rejected_image_stops_before_any_post(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/media/upload", status=400, fixture="x/media_rejected")
    with pytest.raises(Rejected, match="parameters to your request was invalid.: media type unrecognized"):
        publisher(fake).publish(Delivery("d", Message("x", media=(Media("image/png", data=b"?"),)), WHEN))
    assert len(fake.requests) == 1


# -- read-back after a write that got no clear answer ------------------------------------------------
VISA = "Visa-free travel for EU citizens & UK citizens extended: https://gov.kz/visa"
ATTEMPT = WHEN + timedelta(hours=3)
POSTS = f"{API}/users/1234567890/tweets"


def unsure_publisher(fake: FakePlatform) -> XPublisher:
    made = publisher(fake)
    made.sleep = lambda seconds: None
    made.clock = lambda: ATTEMPT
    return made


def test_server_error_after_the_write_found_by_read_back_is_published(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/tweets", status=500, fixture="x/server_error")
    fake.add("GET", f"{API}/users/me", fixture="x/users_me")
    fake.add("GET", POSTS, fixture="x/user_posts_found")

    result = unsure_publisher(fake).publish(Delivery("d", Message(VISA), WHEN))

    assert (result.remote_id, result.url, result.already_existed) == (
        "1863600000000000002",
        "https://x.com/MFA_KZ/status/1863600000000000002",
        False,
    )
    read = fake.requests[-1].url.params
    assert read["start_time"] == "2026-11-28T11:58:00Z"  # two minutes before the attempt, in UTC
    assert read["tweet.fields"] == "created_at,entities" and read["max_results"] == "100"


def test_timeout_with_the_post_proven_absent_is_safe_to_retry(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/tweets", raises=httpx.ReadTimeout("slow"))
    fake.add("GET", f"{API}/users/me", fixture="x/users_me")
    fake.add("GET", POSTS, fixture="x/user_posts_page1")
    fake.add("GET", POSTS, fixture="x/user_posts_empty")

    with pytest.raises(NotSent, match="do not hold it") as caught:
        unsure_publisher(fake).publish(Delivery("d", Message(VISA), WHEN))

    # No status: the publishing layer must not take it for an ambiguous server error.
    assert caught.value.status_code is None and not caught.value.permanent
    assert fake.requests[-1].url.params["pagination_token"] == "7140dibdnow9c7btw421dyz6jism75z99gyxd8egarsc4"


def test_server_error_with_a_failing_read_back_stays_unconfirmed(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/tweets", status=503, fixture="x/service_unavailable")
    fake.add("GET", f"{API}/users/me", fixture="x/users_me")
    fake.add("GET", POSTS, status=429, fixture="x/too_many_requests")

    with pytest.raises(OutcomeUnknown, match="reading the account's posts back failed"):
        unsure_publisher(fake).publish(Delivery("d", Message(VISA), WHEN))


def test_duplicate_on_a_retry_reads_back_from_the_delivery_and_finds_the_first_copy(
    fake: FakePlatform,
) -> None:
    account = Account(settings={"user_id": "1234567890"}, secrets={"client_id": "cid"}, token=TOKEN)
    made = create("x", fake.client(), account)
    assert isinstance(made, XPublisher)
    made.sleep = lambda seconds: None
    fake.add("POST", f"{API}/tweets", status=403, fixture="x/duplicate")
    fake.add("GET", POSTS, fixture="x/user_posts_found")

    result = made.publish(Delivery("d", Message(VISA), WHEN))

    assert (result.remote_id, result.already_existed) == ("1863600000000000002", True)
    assert result.url == "https://x.com/i/web/status/1863600000000000002"
    assert fake.requests[-1].url.params["start_time"] == "2026-11-28T08:58:00Z"


def test_duplicate_of_an_older_post_stays_rejected(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/tweets", status=403, fixture="x/duplicate")
    fake.add("GET", f"{API}/users/me", fixture="x/users_me")
    fake.add("GET", POSTS, fixture="x/user_posts_empty")

    with pytest.raises(Rejected, match="duplicate content"):
        unsure_publisher(fake).publish(Delivery("d", Message("hi"), WHEN))


def test_read_back_matches_text_not_prefixes() -> None:
    posted = {"text": "Visa-free travel for EU citizens extended"}
    assert same_text(posted, "Visa-free travel for EU citizens extended\n")
    assert not same_text(posted, "Visa-free travel for EU citizens")
    assert not same_text({"text": "Visa-free travel for EU citizens &amp; more"}, "Visa-free travel")
