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
    OutcomeUnknown,
    RateLimited,
    Rejected,
    create,
)
from elshi.connectors.telegram import TelegramPublisher

from .conftest import FakePlatform, offline_client

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
API = f"https://api.telegram.org/bot{TOKEN}"
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ACCOUNT = Account(settings={"chat_id": "@mfa_kz"}, secrets={"bot_token": TOKEN})


def publisher(fake: FakePlatform) -> tuple[TelegramPublisher, list[float]]:
    made = create("telegram", fake.client(), ACCOUNT)
    assert isinstance(made, TelegramPublisher)
    waits: list[float] = []
    made.sleep = waits.append
    return made, waits


def form(request: httpx.Request) -> dict[str, str]:
    return dict(httpx.QueryParams(request.content.decode()))


def test_text_post_to_the_channel(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/sendMessage", fixture="telegram/send_message")
    made, _ = publisher(fake)
    result = made.publish(Delivery("d1", Message("Astana International Forum opens today"), WHEN))
    assert (result.remote_id, result.url) == ("1523", "https://t.me/mfa_kz/1523")
    assert form(fake.requests[0]) == {"chat_id": "@mfa_kz", "text": "Astana International Forum opens today"}


def test_photo_with_caption_uploaded_as_multipart(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/sendPhoto", fixture="telegram/send_photo")
    made, _ = publisher(fake)
    photo = Media("image/jpeg", data=b"\xff\xd8photo", filename="baiterek.jpg")
    result = made.publish(Delivery("d2", Message("The Baiterek tower", media=(photo,)), WHEN))
    assert result.remote_id == "1524"
    body = fake.requests[0].content
    assert b'name="chat_id"\r\n\r\n@mfa_kz' in body and b'name="caption"\r\n\r\nThe Baiterek tower' in body
    assert b'name="photo"; filename="baiterek.jpg"' in body and b"\xff\xd8photo" in body


def test_photo_by_url_lets_telegram_fetch_it(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/sendPhoto", fixture="telegram/send_photo")
    made, _ = publisher(fake)
    photo = Media("image/jpeg", url="https://media.mfa.example/b.jpg")
    made.publish(Delivery("d2", Message("Caption", media=(photo,)), WHEN))
    assert form(fake.requests[0]) == {
        "photo": "https://media.mfa.example/b.jpg",
        "chat_id": "@mfa_kz",
        "caption": "Caption",
    }


def test_album_attaches_files_and_captions_the_first(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/sendMediaGroup", fixture="telegram/send_media_group")
    made, _ = publisher(fake)
    photos = (
        Media("image/jpeg", data=b"one", filename="1.jpg"),
        Media("image/png", data=b"two", filename="2.png"),
    )
    result = made.publish(Delivery("d3", Message("Forum in pictures", media=photos), WHEN))
    assert (result.remote_id, result.url) == ("1525", "https://t.me/mfa_kz/1525")
    content = fake.requests[0].content
    media_field = content.split(b'name="media"\r\n\r\n', 1)[1].split(b"\r\n--", 1)[0]
    assert json.loads(media_field) == [
        {"type": "photo", "media": "attach://file0", "caption": "Forum in pictures"},
        {"type": "photo", "media": "attach://file1"},
    ]
    assert b'name="file0"; filename="1.jpg"' in content and b'name="file1"; filename="2.png"' in content


def test_short_retry_after_is_waited_out_then_sent(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/sendMessage", status=429, fixture="telegram/too_many_requests_short")
    fake.add("POST", f"{API}/sendMessage", fixture="telegram/send_message")
    made, waits = publisher(fake)
    assert made.publish(Delivery("d", Message("hi"), WHEN)).remote_id == "1523"
    assert waits == [3.0]


def test_long_retry_after_is_raised_for_the_scheduler(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/sendMessage", status=429, fixture="telegram/too_many_requests")
    made, waits = publisher(fake)
    with pytest.raises(RateLimited) as caught:
        made.publish(Delivery("d", Message("hi"), WHEN))
    assert caught.value.retry_after == 35 and not caught.value.permanent and waits == []


@pytest.mark.parametrize(
    ("status", "fixture", "error"),
    [
        (401, "telegram/unauthorized", AuthError),
        (403, "telegram/forbidden", AuthError),
        (400, "telegram/caption_too_long", Rejected),
        (400, "telegram/bad_photo", Rejected),
    ],
)
def test_errors_never_show_the_bot_token(
    fake: FakePlatform, status: int, fixture: str, error: type[Exception]
) -> None:
    fake.add("POST", f"{API}/sendMessage", status=status, fixture=fixture)
    made, _ = publisher(fake)
    with pytest.raises(error) as caught:
        made.publish(Delivery("d", Message("hi"), WHEN))
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    assert str(caught.value).startswith("telegram: ")


def test_timeout_is_unknown_without_the_token(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/sendMessage", raises=httpx.ReadTimeout(f"timed out reading {API}/sendMessage"))
    made, _ = publisher(fake)
    with pytest.raises(OutcomeUnknown) as caught:
        made.publish(Delivery("d", Message("hi"), WHEN))
    assert TOKEN not in str(caught.value)


def test_caption_limit_is_1024_and_text_limit_4096() -> None:
    made = TelegramPublisher(offline_client(), ACCOUNT)
    photo = Media("image/jpeg", data=b"x")
    assert made.validate(Message("a" * 4096)) == []
    assert made.validate(Message("a" * 4097)) == ["telegram: text is 4097 characters, the limit is 4096"]
    assert made.validate(Message("a" * 1025, media=(photo,))) == [
        "telegram: caption is 1025 characters, the limit is 1024"
    ]
    # Telegram counts UTF-16 units: an emoji outside the BMP is two.
    assert made.validate(Message("😀" * 513, media=(photo,))) == [
        "telegram: caption is 1026 characters, the limit is 1024"
    ]
    with pytest.raises(InvalidMessage):
        made.publish(Delivery("d", Message("a" * 1025, media=(photo,)), WHEN))
    assert "bot_token" not in repr(ACCOUNT) and TOKEN not in repr(ACCOUNT)


def test_video_over_50_mb_is_refused_before_any_request(fake: FakePlatform) -> None:
    made, _ = publisher(fake)
    video = Media("video/mp4", data=bytes(60 * 1024 * 1024), filename="speech.mp4")
    with pytest.raises(InvalidMessage, match="52428800"):
        made.publish(Delivery("d", Message("Speech", media=(video,)), WHEN))
    assert fake.requests == []
