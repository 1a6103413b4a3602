from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from elshi.connectors import (
    Account,
    AuthError,
    Delivery,
    Media,
    Message,
    RateLimited,
    Rejected,
    Token,
    create,
)
from elshi.connectors.tiktok import CreatorInfo, TikTokPublisher

from .conftest import FakePlatform

API = "https://open.tiktokapis.com/v2"
UPLOAD = "https://open-upload.tiktokapis.com/video/"
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
VIDEO = Media("video/mp4", data=b"\x00\x00\x00\x18ftypmp42" + b"v" * 100, filename="story.mp4")
CHOSEN = {"privacy_level": "SELF_ONLY"}


def publisher(fake: FakePlatform) -> TikTokPublisher:
    account = Account(
        secrets={"client_key": "ck", "client_secret": "cs"},
        token=Token("act.user", "rft.user", WHEN + timedelta(hours=24)),
    )
    made = create("tiktok", fake.client(), account)
    assert isinstance(made, TikTokPublisher)
    made.sleep = lambda seconds: None
    return made


def queue_upload(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/post/publish/creator_info/query/", fixture="tiktok/creator_info")
    fake.add("POST", f"{API}/post/publish/video/init/", fixture="tiktok/video_init")
    fake.add("PUT", UPLOAD, status=201)


def test_video_init_upload_and_poll_until_published(fake: FakePlatform) -> None:
    queue_upload(fake)
    fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_processing")
    fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_complete")

    result = publisher(fake).publish(
        Delivery(
            "d",
            Message("Astana in 30 seconds", media=(VIDEO,), options={"privacy_level": "PUBLIC_TO_EVERYONE"}),
            WHEN,
        )
    )

    assert (result.remote_id, result.url, result.pending) == (
        "7312345678901234567",
        "https://www.tiktok.com/video/7312345678901234567",
        False,
    )
    size = len(VIDEO.data or b"")
    assert fake.json(1) == {
        "post_info": {
            "title": "Astana in 30 seconds",
            "privacy_level": "PUBLIC_TO_EVERYONE",
            "disable_comment": False,
            "disable_duet": False,
            "disable_stitch": True,  # the creator disabled stitches: it stays disabled
            "video_cover_timestamp_ms": 1000,
            "is_aigc": False,
            "brand_content_toggle": False,
            "brand_organic_toggle": False,
        },
        "source_info": {
            "source": "FILE_UPLOAD",
            "video_size": size,
            "chunk_size": size,
            "total_chunk_count": 1,
        },
    }
    put = fake.requests[2]
    assert put.headers["Content-Range"] == f"bytes 0-{size - 1}/{size}" and put.content == VIDEO.data
    assert "Authorization" not in put.headers  # the upload URL carries its own token
    assert fake.json(3) == {"publish_id": "v_pub_file~v2-1.7312345678901234567"}


def test_still_processing_after_the_budget_is_pending(fake: FakePlatform) -> None:
    queue_upload(fake)
    made = publisher(fake)
    made.poll_attempts = 2  # type: ignore[misc]
    for _ in range(2):
        fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_processing")
    result = made.publish(Delivery("d", Message("x", media=(VIDEO,), options=CHOSEN), WHEN))
    assert result.pending and result.remote_id == "v_pub_file~v2-1.7312345678901234567"


def test_failed_processing_is_rejected(fake: FakePlatform) -> None:
    queue_upload(fake)
    fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_failed")
    with pytest.raises(Rejected, match="video_pull_failed"):
        publisher(fake).publish(Delivery("d", Message("x", media=(VIDEO,), options=CHOSEN), WHEN))


@pytest.mark.parametrize(
    ("status", "fixture", "error"),
    [(401, "tiktok/token_invalid", AuthError), (403, "tiktok/spam_risk", RateLimited)],
)
def test_errors(fake: FakePlatform, status: int, fixture: str, error: type[Exception]) -> None:
    fake.add("POST", f"{API}/post/publish/creator_info/query/", status=status, fixture=fixture)
    with pytest.raises(error):
        publisher(fake).publish(Delivery("d", Message("x", media=(VIDEO,), options=CHOSEN), WHEN))


def test_video_is_required(fake: FakePlatform) -> None:
    assert publisher(fake).validate(Message("no video")) == ["tiktok: a post needs an image or video"]


def test_metrics_and_refresh(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/video/query/", fixture="tiktok/video_query")
    made = publisher(fake)
    metrics = made.fetch_metrics("7312345678901234567")
    assert (metrics.likes, metrics.replies, metrics.reposts, metrics.views) == (1200, 45, 88, 35012)
    assert fake.requests[0].url.params["fields"] == "id,like_count,comment_count,share_count,view_count"
    fake.add("POST", f"{API}/oauth/token/", fixture="tiktok/token")
    new = made.refresh_if_needed(WHEN + timedelta(hours=23, minutes=55))
    assert new is not None and new.access_token == "act.example12345Example12345Example"


def test_chunking_follows_the_media_transfer_rules() -> None:
    from elshi.connectors.tiktok import chunk_spans

    mb = 1024 * 1024
    assert chunk_spans(3 * mb) == (3 * mb, [(0, 3 * mb - 1)])
    size, spans = chunk_spans(25 * mb + 7, chunk=10 * mb)
    assert size == 10 * mb and spans == [(0, 10 * mb - 1), (10 * mb, 25 * mb + 6)]  # the last takes the rest
    assert sum(last - first + 1 for first, last in spans) == 25 * mb + 7


def test_large_video_goes_up_in_chunks(fake: FakePlatform) -> None:
    from elshi.connectors.tiktok import CHUNK_BYTES

    data = b"v" * (2 * CHUNK_BYTES + 5)
    fake.add("POST", f"{API}/post/publish/creator_info/query/", fixture="tiktok/creator_info")
    fake.add("POST", f"{API}/post/publish/video/init/", fixture="tiktok/video_init")
    fake.add("PUT", UPLOAD, status=206)
    fake.add("PUT", UPLOAD, status=201)
    fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_complete")
    publisher(fake).publish(
        Delivery("d", Message("Big", media=(Media("video/mp4", data=data),), options=CHOSEN), WHEN)
    )
    assert fake.json(1)["source_info"] == {
        "source": "FILE_UPLOAD",
        "video_size": len(data),
        "chunk_size": CHUNK_BYTES,
        "total_chunk_count": 2,
    }
    assert fake.requests[2].headers["Content-Range"] == f"bytes 0-{CHUNK_BYTES - 1}/{len(data)}"
    assert fake.requests[3].headers["Content-Range"] == f"bytes {CHUNK_BYTES}-{len(data) - 1}/{len(data)}"
    assert len(fake.requests[3].content) == CHUNK_BYTES + 5


def test_polling_failure_after_upload_is_pending_never_a_retry(fake: FakePlatform) -> None:
    queue_upload(fake)
    fake.add("POST", f"{API}/post/publish/status/fetch/", status=503)
    result = publisher(fake).publish(Delivery("d", Message("x", media=(VIDEO,), options=CHOSEN), WHEN))
    assert result.pending and result.remote_id == "v_pub_file~v2-1.7312345678901234567"


def test_pending_post_is_resolved_later(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_processing")
    fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_complete")
    made = publisher(fake)
    assert made.resolve("v_pub_file~v2-1.7312345678901234567").pending
    final = made.resolve("v_pub_file~v2-1.7312345678901234567")
    assert (final.pending, final.remote_id) == (False, "7312345678901234567")


PHOTOS = (
    Media("image/jpeg", url="https://media.example.org/a.jpg", filename="a.jpg"),
    Media("image/webp", url="https://media.example.org/b.webp", filename="b.webp"),
)


def test_privacy_level_has_no_default(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/post/publish/creator_info/query/", fixture="tiktok/creator_info")
    with pytest.raises(Rejected, match="choose who can see this post"):
        publisher(fake).publish(Delivery("d", Message("x", media=(VIDEO,)), WHEN))
    assert len(fake.requests) == 1  # nothing was initialised


def test_unaudited_client_is_offered_self_only_and_told_why(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/post/publish/creator_info/query/", fixture="tiktok/creator_info_unaudited")
    message = Message("x", media=(VIDEO,), options={"privacy_level": "PUBLIC_TO_EVERYONE"})
    with pytest.raises(Rejected, match="unaudited TikTok apps may post only SELF_ONLY"):
        publisher(fake).publish(Delivery("d", message, WHEN))


def test_video_longer_than_the_creator_may_post_is_refused(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/post/publish/creator_info/query/", fixture="tiktok/creator_info")
    long = Media("video/mp4", data=b"v" * 10, duration_s=601.0)
    with pytest.raises(Rejected, match="600 s at most"):
        publisher(fake).publish(Delivery("d", Message("x", media=(long,), options=CHOSEN), WHEN))


def test_branded_content_cannot_be_private(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/post/publish/creator_info/query/", fixture="tiktok/creator_info")
    message = Message("x", media=(VIDEO,), options={**CHOSEN, "brand_content_toggle": True})
    with pytest.raises(Rejected, match="branded content cannot be private"):
        publisher(fake).publish(Delivery("d", message, WHEN))


def test_choices_and_ai_disclosure_reach_the_video_init(fake: FakePlatform) -> None:
    queue_upload(fake)
    fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_complete")
    ai_video = Media("video/mp4", data=b"v" * 10, duration_s=20.0, ai_generated=True)
    options = {
        "privacy_level": "MUTUAL_FOLLOW_FRIENDS",
        "disable_comment": True,
        "brand_organic_toggle": True,
    }
    publisher(fake).publish(Delivery("d", Message("AI", media=(ai_video,), options=options), WHEN))
    info = fake.json(1)["post_info"]
    assert info["privacy_level"] == "MUTUAL_FOLLOW_FRIENDS"
    assert (info["disable_comment"], info["disable_duet"], info["disable_stitch"]) == (True, False, True)
    assert (info["brand_organic_toggle"], info["brand_content_toggle"], info["is_aigc"]) == (
        True,
        False,
        True,
    )


def test_photo_post_is_pulled_from_urls_then_polled(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/post/publish/creator_info/query/", fixture="tiktok/creator_info")
    fake.add("POST", f"{API}/post/publish/content/init/", fixture="tiktok/photo_init")
    fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_processing")
    made = publisher(fake)
    made.poll_attempts = 1  # type: ignore[misc]
    message = Message("Two photos from the forum", media=PHOTOS, options={"privacy_level": "SELF_ONLY"})

    result = made.publish(Delivery("d", message, WHEN))

    assert result.pending and result.remote_id == "p_pub_url~v2.7312345678901234999"
    assert fake.json(1) == {
        "media_type": "PHOTO",
        "post_mode": "DIRECT_POST",
        "post_info": {
            "title": "",
            "description": "Two photos from the forum",
            "privacy_level": "SELF_ONLY",
            "disable_comment": False,
            "auto_add_music": True,
            "brand_content_toggle": False,
            "brand_organic_toggle": False,
        },
        "source_info": {
            "source": "PULL_FROM_URL",
            "photo_cover_index": 0,
            "photo_images": ["https://media.example.org/a.jpg", "https://media.example.org/b.webp"],
        },
    }
    assert fake.json(2) == {"publish_id": "p_pub_url~v2.7312345678901234999"}


def test_png_photos_are_refused_before_sending(fake: FakePlatform) -> None:
    png = Media("image/png", url="https://media.example.org/a.png")
    problems = publisher(fake).validate(Message("x", media=(png,)))
    assert problems and "image/png" in problems[0]


def test_complete_private_post_has_no_public_id(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/post/publish/status/fetch/", fixture="tiktok/status_complete_private")
    final = publisher(fake).resolve("v_pub_file~v2-1.7312345678901234567")
    assert (final.pending, final.remote_id, final.url) == (False, "", None)


def test_creator_info_is_typed() -> None:
    info = CreatorInfo.from_json(
        {
            "privacy_level_options": ["SELF_ONLY", 3],
            "comment_disabled": True,
            "max_video_post_duration_sec": "x",
        }
    )
    assert info.privacy_level_options == ("SELF_ONLY",) and info.unaudited
    assert info.comment_disabled and info.max_video_post_duration_sec is None
