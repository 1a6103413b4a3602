"""Meta's documented request shapes for media: absolute public URLs to fetch, or the bytes held."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from elshi.connectors import Account, Delivery, Media, Message, Token, create
from elshi.connectors.meta import FacebookPagePublisher, InstagramPublisher, ThreadsPublisher
from elshi.connectors.meta.graph import FACEBOOK, FACEBOOK_VIDEO, INSTAGRAM, THREADS

from .conftest import FakePlatform, load

WHEN = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SIGNED = "https://elshi.example.org/public/media/eyJkIjoxfQ:1sX:abc/"
IMAGE = Media("image/jpeg", url=SIGNED + "card.instagram.jpg", alt_text="The Baiterek tower at dusk")
VIDEO = Media("video/mp4", url=SIGNED + "speech.mp4", alt_text="The minister speaks")
USER = "17841405822304914"


def form(request: httpx.Request) -> dict[str, str]:
    return dict(httpx.QueryParams(request.content.decode()))


def _instagram(fake: FakePlatform) -> InstagramPublisher:
    made = create("instagram", fake.client(), Account(settings={"ig_user_id": USER}, token=Token("t")))
    assert isinstance(made, InstagramPublisher)
    made.sleep = lambda seconds: None
    return made


def _instagram_publish(fake: FakePlatform, containers: list[str], children: tuple[str, ...] = ()) -> None:
    fake.add("GET", f"{INSTAGRAM}/{USER}/content_publishing_limit", fixture="meta/ig_publishing_limit")
    for fixture in containers:
        fake.add("POST", f"{INSTAGRAM}/{USER}/media", fixture=fixture)
    for child in (*children, "17889455560051444"):
        fake.add("GET", f"{INSTAGRAM}/{child}", fixture="meta/ig_status_finished")
    fake.add("POST", f"{INSTAGRAM}/{USER}/media_publish", fixture="meta/ig_media_publish")
    fake.add("GET", f"{INSTAGRAM}/17918195224117851", fixture="meta/ig_permalink")


def test_instagram_carousel_video_child_is_video_and_a_single_video_is_a_reel(fake: FakePlatform) -> None:
    _instagram_publish(
        fake,
        ["meta/ig_carousel_child_1", "meta/ig_carousel_video_child", "meta/ig_container"],
        ("17920238422030506", "17920238422030508"),
    )
    _instagram(fake).publish(Delivery("d1", Message("Forum", media=(IMAGE, VIDEO)), WHEN))
    posts = [form(r) for r in fake.requests if r.method == "POST" and r.url.path.endswith("/media")]
    assert posts[0] == {
        "image_url": SIGNED + "card.instagram.jpg",
        "alt_text": "The Baiterek tower at dusk",
        "is_carousel_item": "true",
    }
    assert posts[1] == {"media_type": "VIDEO", "video_url": SIGNED + "speech.mp4", "is_carousel_item": "true"}
    assert posts[2]["media_type"] == "CAROUSEL"

    fake.requests.clear()
    _instagram_publish(fake, ["meta/ig_container"])
    _instagram(fake).publish(Delivery("d2", Message("Speech", media=(VIDEO,)), WHEN))
    reel = next(form(r) for r in fake.requests if r.method == "POST" and r.url.path.endswith("/media"))
    assert reel == {"media_type": "REELS", "video_url": SIGNED + "speech.mp4", "caption": "Speech"}


def test_threads_image_carries_the_absolute_public_url(fake: FakePlatform) -> None:
    made = create("threads", fake.client(), Account(settings={"threads_user_id": "42"}, token=Token("t")))
    assert isinstance(made, ThreadsPublisher)
    made.sleep = lambda seconds: None
    fake.add("GET", f"{THREADS}/42/threads_publishing_limit", fixture="meta/threads_publishing_limit")
    fake.add("POST", f"{THREADS}/42/threads", fixture="meta/threads_image_container")
    fake.add("GET", f"{THREADS}/17890012345678901", fixture="meta/threads_status_finished")
    fake.add("POST", f"{THREADS}/42/threads_publish", fixture="meta/threads_publish")
    fake.add("GET", f"{THREADS}/{_threads_id()}", fixture="meta/threads_permalink")
    made.publish(Delivery("d", Message("Astana tonight", media=(IMAGE,)), WHEN))
    assert form(fake.requests[1]) == {
        "media_type": "IMAGE",
        "image_url": SIGNED + "card.instagram.jpg",
        "alt_text": "The Baiterek tower at dusk",
        "text": "Astana tonight",
    }


def _threads_id() -> str:
    return str(load("meta/threads_publish")["id"])


def _facebook(fake: FakePlatform) -> FacebookPagePublisher:
    made = create("facebook", fake.client(), Account(settings={"page_id": "1234567890"}, token=Token("p")))
    assert isinstance(made, FacebookPagePublisher)
    return made


def test_facebook_uploads_the_photo_bytes_it_holds_rather_than_a_url(fake: FakePlatform) -> None:
    fake.add("POST", f"{FACEBOOK}/1234567890/photos", fixture="meta/fb_photo")
    held = Media("image/jpeg", data=b"\xff\xd8jpeg", url=SIGNED + "card.jpg", filename="card.jpg")
    _facebook(fake).publish(Delivery("d", Message("Forum", media=(held,)), WHEN))
    sent = fake.requests[0]
    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="source"; filename="card.jpg"' in sent.content and b"\xff\xd8jpeg" in sent.content
    assert b'name="url"' not in sent.content and SIGNED.encode() not in sent.content


def test_facebook_uploads_video_bytes_as_source(fake: FakePlatform) -> None:
    fake.add("POST", f"{FACEBOOK_VIDEO}/1234567890/videos", fixture="meta/fb_video")
    held = Media("video/mp4", data=b"\x00\x00\x00\x18ftypmp42", filename="speech.mp4")
    result = _facebook(fake).publish(Delivery("d", Message("Speech", media=(held,), title="AIF"), WHEN))
    assert result.remote_id == "1077185603970532"
    sent = fake.requests[0]
    assert b'name="source"; filename="speech.mp4"' in sent.content
    assert b'name="file_url"' not in sent.content and b'name="title"' in sent.content
