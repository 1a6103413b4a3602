from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

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
    RateLimited,
    Rejected,
    Token,
    create,
)
from elshi.connectors.meta import FacebookPagePublisher, InstagramPublisher, ThreadsPublisher

from .conftest import FakePlatform

FB = "https://graph.facebook.com/v25.0"
TH = "https://graph.threads.net/v1.0"
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PHOTO = Media("image/jpeg", url="https://media.mfa.example/forum.jpg", alt_text="Delegates at the forum")


def form(request: httpx.Request) -> dict[str, str]:
    return dict(httpx.QueryParams(request.content.decode()))


def instagram(fake: FakePlatform) -> InstagramPublisher:
    made = create(
        "instagram",
        fake.client(),
        Account(settings={"ig_user_id": "17841405822304914"}, token=Token("ig-token")),
    )
    assert isinstance(made, InstagramPublisher)
    made.sleep = lambda seconds: None
    return made


def test_instagram_container_wait_publish_permalink(fake: FakePlatform) -> None:
    user = f"{FB}/17841405822304914"
    fake.add("GET", f"{user}/content_publishing_limit", fixture="meta/ig_publishing_limit")
    fake.add("POST", f"{user}/media", fixture="meta/ig_container")
    fake.add("GET", f"{FB}/17889455560051444", fixture="meta/ig_status_in_progress")
    fake.add("GET", f"{FB}/17889455560051444", fixture="meta/ig_status_finished")
    fake.add("POST", f"{user}/media_publish", fixture="meta/ig_media_publish")
    fake.add("GET", f"{FB}/17918195224117851", fixture="meta/ig_permalink")

    result = instagram(fake).publish(Delivery("d1", Message("Astana forum #AIF", media=(PHOTO,)), WHEN))

    assert (result.remote_id, result.url) == ("17918195224117851", "https://www.instagram.com/p/DAbC123xYz0/")
    assert all(r.headers["Authorization"] == "Bearer ig-token" for r in fake.requests)
    assert all("access_token" not in str(r.url) for r in fake.requests)
    assert form(fake.requests[1]) == {
        "image_url": "https://media.mfa.example/forum.jpg",
        "alt_text": "Delegates at the forum",
        "caption": "Astana forum #AIF",
    }
    assert form(fake.requests[4]) == {"creation_id": "17889455560051444"}
    assert fake.requests[0].url.params["fields"] == "quota_usage,config"


def test_instagram_carousel(fake: FakePlatform) -> None:
    user = f"{FB}/17841405822304914"
    fake.add("GET", f"{user}/content_publishing_limit", fixture="meta/ig_publishing_limit")
    fake.add("POST", f"{user}/media", fixture="meta/ig_carousel_child_1")
    fake.add("POST", f"{user}/media", fixture="meta/ig_carousel_child_2")
    fake.add("GET", f"{FB}/17920238422030506", fixture="meta/ig_status_finished")
    fake.add("GET", f"{FB}/17920238422030507", fixture="meta/ig_status_finished")
    fake.add("POST", f"{user}/media", fixture="meta/ig_container")
    fake.add("GET", f"{FB}/17889455560051444", fixture="meta/ig_status_finished")
    fake.add("POST", f"{user}/media_publish", fixture="meta/ig_media_publish")
    fake.add("GET", f"{FB}/17918195224117851", fixture="meta/ig_permalink")
    second = Media("image/jpeg", url="https://media.mfa.example/2.jpg")
    instagram(fake).publish(Delivery("d2", Message("Two", media=(PHOTO, second)), WHEN))
    assert form(fake.requests[1])["is_carousel_item"] == "true" and "caption" not in form(fake.requests[1])
    assert form(fake.requests[5]) == {
        "media_type": "CAROUSEL",
        "children": "17920238422030506,17920238422030507",
        "caption": "Two",
    }


def test_instagram_refuses_early_when_quota_is_used_up(fake: FakePlatform) -> None:
    fake.add(
        "GET", f"{FB}/17841405822304914/content_publishing_limit", fixture="meta/ig_publishing_limit_full"
    )
    with pytest.raises(RateLimited, match="50/50"):
        instagram(fake).publish(Delivery("d", Message("x", media=(PHOTO,)), WHEN))
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("fixture", "status", "error", "words"),
    [
        ("meta/ig_publish_limit_error", 400, RateLimited, "publishing limit"),
        ("meta/expired_token", 400, AuthError, "Session has expired"),
        ("meta/rate_limited", 403, RateLimited, "Page request limit"),
        ("meta/media_rejected", 400, Rejected, "could not be fetched"),
    ],
)
def test_instagram_graph_errors(
    fake: FakePlatform, fixture: str, status: int, error: type[Exception], words: str
) -> None:
    fake.add("GET", f"{FB}/17841405822304914/content_publishing_limit", fixture="meta/ig_publishing_limit")
    fake.add("POST", f"{FB}/17841405822304914/media", status=status, fixture=fixture)
    with pytest.raises(error, match=words):
        instagram(fake).publish(Delivery("d", Message("x", media=(PHOTO,)), WHEN))


def test_instagram_needs_media_with_a_public_url(fake: FakePlatform) -> None:
    with pytest.raises(InvalidMessage, match="needs an image or video"):
        instagram(fake).publish(Delivery("d", Message("text only"), WHEN))
    fake.add("GET", f"{FB}/17841405822304914/content_publishing_limit", fixture="meta/ig_publishing_limit")
    with pytest.raises(InvalidMessage, match="public URL"):
        instagram(fake).publish(Delivery("d", Message("x", media=(Media("image/jpeg", data=b"x"),)), WHEN))


def test_instagram_container_error_and_endless_processing(fake: FakePlatform) -> None:
    made = instagram(fake)
    fake.add("GET", f"{FB}/17889455560051444", fixture="meta/ig_status_error")
    with pytest.raises(Rejected, match="ERROR"):
        made.graph.wait_for_container("17889455560051444", field="status_code")
    for _ in range(3):
        fake.add("GET", f"{FB}/17889455560051444", fixture="meta/ig_status_in_progress")
    with pytest.raises(NotSent, match="still processing"):
        made.graph.wait_for_container("17889455560051444", field="status_code", attempts=3)


def test_instagram_metrics(fake: FakePlatform) -> None:
    fake.add("GET", f"{FB}/17918195224117851", fixture="meta/ig_metrics")
    metrics = instagram(fake).fetch_metrics("17918195224117851")
    assert (metrics.likes, metrics.replies) == (240, 18)


def facebook(fake: FakePlatform) -> FacebookPagePublisher:
    made = create(
        "facebook", fake.client(), Account(settings={"page_id": "1234567890"}, token=Token("page-token"))
    )
    assert isinstance(made, FacebookPagePublisher)
    return made


def test_facebook_single_photo_and_album(fake: FakePlatform) -> None:
    fake.add("POST", f"{FB}/1234567890/photos", fixture="meta/fb_photo")
    made = facebook(fake)
    result = made.publish(Delivery("d1", Message("Forum", media=(PHOTO,)), WHEN))
    assert (result.remote_id, result.url) == (
        "1234567890_987654321012340",
        "https://www.facebook.com/1234567890_987654321012340",
    )
    assert form(fake.requests[0]) == {
        "published": "true",
        "caption": "Forum",
        "alt_text_custom": "Delegates at the forum",
        "url": "https://media.mfa.example/forum.jpg",
    }

    fake.add("POST", f"{FB}/1234567890/photos", fixture="meta/fb_photo_unpublished_1")
    fake.add("POST", f"{FB}/1234567890/photos", fixture="meta/fb_photo_unpublished_2")
    fake.add("POST", f"{FB}/1234567890/feed", fixture="meta/fb_feed")
    local = Media("image/png", data=b"\x89PNG", filename="p.png")
    album = made.publish(Delivery("d2", Message("Album", media=(PHOTO, local)), WHEN))
    assert album.remote_id == "1234567890_987654321012345"
    assert form(fake.requests[1])["published"] == "false"
    assert b'name="source"; filename="p.png"' in fake.requests[2].content
    feed = form(fake.requests[3])
    assert feed["message"] == "Album"
    assert json.loads(feed["attached_media[0]"]) == {"media_fbid": "987654321099001"}
    assert json.loads(feed["attached_media[1]"]) == {"media_fbid": "987654321099002"}


def test_facebook_text_with_link_and_metrics(fake: FakePlatform) -> None:
    fake.add("POST", f"{FB}/1234567890/feed", fixture="meta/fb_feed")
    fake.add("GET", f"{FB}/1234567890_987654321012345", fixture="meta/fb_metrics")
    made = facebook(fake)
    made.publish(Delivery("d", Message("Read", link="https://mfa.gov.kz/en"), WHEN))
    assert form(fake.requests[0]) == {"message": "Read", "link": "https://mfa.gov.kz/en"}
    metrics = made.fetch_metrics("1234567890_987654321012345")
    assert (metrics.likes, metrics.replies, metrics.reposts) == (131, 9, 22)


def threads(fake: FakePlatform, token: Token | None = None) -> ThreadsPublisher:
    account = Account(settings={"threads_user_id": "9876543210"}, token=token or Token("th-token"))
    made = create("threads", fake.client(), account)
    assert isinstance(made, ThreadsPublisher)
    made.sleep = lambda seconds: None
    return made


def test_threads_text_post(fake: FakePlatform) -> None:
    fake.add("GET", f"{TH}/9876543210/threads_publishing_limit", fixture="meta/threads_publishing_limit")
    fake.add("POST", f"{TH}/9876543210/threads", fixture="meta/threads_container")
    fake.add("POST", f"{TH}/9876543210/threads_publish", fixture="meta/threads_publish")
    fake.add("GET", f"{TH}/18012345678901234", fixture="meta/threads_permalink")
    result = threads(fake).publish(Delivery("d", Message("Сәлем from Astana"), WHEN))
    assert result.url == "https://www.threads.net/@mfa_kz/post/C8hJkLmNoPq"
    assert form(fake.requests[1]) == {"media_type": "TEXT", "text": "Сәлем from Astana"}
    assert form(fake.requests[2]) == {"creation_id": "1234567"}


def test_threads_image_waits_for_the_container(fake: FakePlatform) -> None:
    fake.add("GET", f"{TH}/9876543210/threads_publishing_limit", fixture="meta/threads_publishing_limit")
    fake.add("POST", f"{TH}/9876543210/threads", fixture="meta/threads_container")
    fake.add("GET", f"{TH}/1234567", fixture="meta/threads_status_finished")
    fake.add("POST", f"{TH}/9876543210/threads_publish", fixture="meta/threads_publish")
    fake.add("GET", f"{TH}/18012345678901234", fixture="meta/threads_permalink")
    threads(fake).publish(Delivery("d", Message("Forum", media=(PHOTO,)), WHEN))
    assert form(fake.requests[1]) == {
        "media_type": "IMAGE",
        "image_url": PHOTO.url,
        "alt_text": PHOTO.alt_text,
        "text": "Forum",
    }
    assert fake.requests[2].url.params["fields"] == "status,id"


def test_threads_emoji_count_as_bytes() -> None:
    from .conftest import offline_client

    made = ThreadsPublisher(offline_client(), Account(settings={"threads_user_id": "1"}))
    assert made.validate(Message("a" * 496 + "👍")) == []  # the emoji counts its 4 bytes
    assert made.validate(Message("a" * 497 + "👍")) == ["threads: text is 501 characters, the limit is 500"]


def test_threads_metrics_and_token_refresh(fake: FakePlatform) -> None:
    fake.add("GET", f"{TH}/18012345678901234/insights", fixture="meta/threads_insights")
    made = threads(fake, Token("th-token", expires_at=WHEN + timedelta(days=3)))
    metrics = made.fetch_metrics("18012345678901234")
    assert (metrics.views, metrics.likes, metrics.replies, metrics.reposts, metrics.quotes) == (
        1530,
        74,
        6,
        11,
        2,
    )
    assert fake.requests[0].url.params["metric"] == "views,likes,replies,reposts,quotes"

    fake.add("GET", "https://graph.threads.net/refresh_access_token", fixture="meta/threads_refresh")
    assert made.refresh_if_needed(WHEN - timedelta(days=30)) is None
    new = made.refresh_if_needed(WHEN)
    assert new is not None and new.access_token == "THQVJ-refreshed-long-lived"
    assert new.expires_at == WHEN + timedelta(seconds=5183944)
    assert fake.requests[1].url.params["grant_type"] == "th_refresh_token"


def test_facebook_video_by_url(fake: FakePlatform) -> None:
    fake.add("POST", "https://graph-video.facebook.com/v25.0/1234567890/videos", fixture="meta/fb_video")
    video = Media("video/mp4", url="https://media.mfa.example/forum.mp4")
    result = facebook(fake).publish(
        Delivery("d", Message("Forum highlights", media=(video,), title="AIF 2026"), WHEN)
    )
    assert (result.remote_id, result.url) == (
        "1077185603970532",
        "https://www.facebook.com/1234567890/videos/1077185603970532",
    )
    assert form(fake.requests[0]) == {
        "description": "Forum highlights",
        "title": "AIF 2026",
        "file_url": "https://media.mfa.example/forum.mp4",
    }


def test_instagram_login_host_and_token_refresh(fake: FakePlatform) -> None:
    account = Account(
        settings={"ig_user_id": "17841405822304914", "api_base": "https://graph.instagram.com/v24.0"},
        token=Token("IGAAold", expires_at=WHEN + timedelta(days=2)),
    )
    made = create("instagram", fake.client(), account)
    assert made.refresh_if_needed(WHEN - timedelta(days=30)) is None
    fake.add("GET", "https://graph.instagram.com/refresh_access_token", fixture="meta/ig_refresh")
    fake.add(
        "GET",
        "https://graph.instagram.com/v24.0/17841405822304914/content_publishing_limit",
        fixture="meta/ig_publishing_limit",
    )
    new = made.refresh_if_needed(WHEN)
    assert new is not None and new.access_token == "IGAAnew-long-lived"
    assert fake.requests[0].url.params["grant_type"] == "ig_refresh_token"
    assert isinstance(made, InstagramPublisher) and made.publishing_limit() == (2, 50)
    assert fake.requests[1].headers["Authorization"] == "Bearer IGAAnew-long-lived"
    page = create("instagram", fake.client(), Account(settings={"ig_user_id": "1"}, token=Token("page")))
    assert page.refresh_if_needed(WHEN) is None  # Page tokens do not expire


def queue_to_publish(fake: FakePlatform) -> None:
    fake.add("GET", f"{TH}/9876543210/threads_publishing_limit", fixture="meta/threads_publishing_limit")
    fake.add("POST", f"{TH}/9876543210/threads", fixture="meta/threads_container")


def test_lost_publish_answer_is_resolved_by_the_container(fake: FakePlatform) -> None:
    from elshi.connectors import OutcomeUnknown

    queue_to_publish(fake)
    fake.add("POST", f"{TH}/9876543210/threads_publish", raises=httpx.ReadTimeout("slow"))
    fake.add("GET", f"{TH}/1234567", json_body={"status": "FINISHED", "id": "1234567"})
    with pytest.raises(NotSent, match="still unpublished"):
        threads(fake).publish(Delivery("d", Message("x"), WHEN))
    queue_to_publish(fake)
    fake.add(
        "POST",
        f"{TH}/9876543210/threads_publish",
        status=500,
        json_body={"error": {"message": "An unknown error occurred", "code": 1, "is_transient": True}},
    )
    fake.add("GET", f"{TH}/1234567", json_body={"status": "PUBLISHED", "id": "1234567"})
    with pytest.raises(OutcomeUnknown, match="is PUBLISHED"):
        threads(fake).publish(Delivery("d", Message("x"), WHEN))


def test_published_post_stays_published_when_its_permalink_cannot_be_read(fake: FakePlatform) -> None:
    queue_to_publish(fake)
    fake.add("POST", f"{TH}/9876543210/threads_publish", fixture="meta/threads_publish")
    fake.add("GET", f"{TH}/18012345678901234", status=503)
    result = threads(fake).publish(Delivery("d", Message("x"), WHEN))
    assert (result.remote_id, result.url) == ("18012345678901234", None)
