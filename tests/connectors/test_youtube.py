from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from elshi.connectors import Account, AuthError, Delivery, Media, Message, RateLimited, Token, create
from elshi.connectors.youtube import YouTubePublisher, is_short

from .conftest import FakePlatform

UPLOAD = "https://www.googleapis.com/upload/youtube/v3/videos"
SESSION = "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=xa298sd_f&part=snippet,status"
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
VERTICAL = Media("video/mp4", data=b"mp4" * 50, width=1080, height=1920, duration_s=58.0)


def publisher(fake: FakePlatform) -> YouTubePublisher:
    account = Account(
        secrets={"client_id": "g-id", "client_secret": "g-secret"},
        token=Token("ya29.user", "1//refresh", WHEN + timedelta(hours=1)),
    )
    made = create("youtube", fake.client(), account)
    assert isinstance(made, YouTubePublisher)
    return made


def test_resumable_upload_of_a_short(fake: FakePlatform) -> None:
    fake.add("POST", UPLOAD, headers={"Location": SESSION})
    fake.add("PUT", SESSION.split("?")[0], fixture="youtube/video")
    message = Message("Astana in 60 seconds", media=(VERTICAL,), language="en")

    result = publisher(fake).publish(Delivery("d", message, WHEN))

    assert (result.remote_id, result.url) == ("Ks-_Mh1QhMc", "https://www.youtube.com/shorts/Ks-_Mh1QhMc")
    start, put = fake.requests
    assert start.url.params["uploadType"] == "resumable" and start.url.params["part"] == "snippet,status"
    assert start.headers["X-Upload-Content-Length"] == str(len(VERTICAL.data or b""))
    assert start.headers["X-Upload-Content-Type"] == "video/mp4"
    assert fake.json(0) == {
        "snippet": {
            "title": "Astana in 60 seconds #Shorts",
            "description": "Astana in 60 seconds",
            "categoryId": "25",
            "defaultLanguage": "en",
        },
        "status": {"privacyStatus": "public", "selfDeclaredMadeForKids": False},
    }
    assert str(put.url) == SESSION and put.content == VERTICAL.data


def test_shorts_detection() -> None:
    assert is_short(VERTICAL)
    assert not is_short(Media("video/mp4", width=1920, height=1080, duration_s=30))
    assert not is_short(Media("video/mp4", width=1080, height=1920, duration_s=181))
    assert not is_short(Media("video/mp4"))


@pytest.mark.parametrize(
    ("status", "fixture", "error"),
    [(403, "youtube/quota_exceeded", RateLimited), (401, "youtube/invalid_credentials", AuthError)],
)
def test_errors(fake: FakePlatform, status: int, fixture: str, error: type[Exception]) -> None:
    fake.add("POST", UPLOAD, status=status, fixture=fixture)
    with pytest.raises(error):
        publisher(fake).publish(Delivery("d", Message("x", media=(VERTICAL,)), WHEN))


def test_statistics_and_refresh(fake: FakePlatform) -> None:
    fake.add("GET", "https://www.googleapis.com/youtube/v3/videos", fixture="youtube/statistics")
    made = publisher(fake)
    metrics = made.fetch_metrics("Ks-_Mh1QhMc")
    assert (metrics.views, metrics.likes, metrics.replies) == (48211, 2350, 132)
    fake.add("POST", "https://oauth2.googleapis.com/token", fixture="youtube/token")
    new = made.refresh_if_needed(WHEN + timedelta(minutes=55))
    assert (
        new is not None and new.access_token == "ya29.a0AfB_byC-renewed" and new.refresh_token == "1//refresh"
    )


def test_broken_upload_resumes_from_what_the_session_holds(fake: FakePlatform) -> None:
    session = SESSION.split("?")[0]
    fake.add("POST", UPLOAD, headers={"Location": SESSION})
    fake.add("PUT", session, raises=httpx.ReadError("connection reset"))
    fake.add("PUT", session, status=308, headers={"Range": "bytes=0-99"})
    fake.add("PUT", session, status=201, fixture="youtube/video")
    result = publisher(fake).publish(Delivery("d", Message("Astana", media=(VERTICAL,)), WHEN))
    assert result.remote_id == "Ks-_Mh1QhMc"
    total = len(VERTICAL.data or b"")
    status_query, rest = fake.requests[2], fake.requests[3]
    assert status_query.headers["Content-Range"] == f"bytes */{total}" and status_query.content == b""
    assert rest.headers["Content-Range"] == f"bytes 100-{total - 1}/{total}"
    assert rest.content == (VERTICAL.data or b"")[100:]


def test_lost_answer_of_a_complete_upload_is_recovered(fake: FakePlatform) -> None:
    session = SESSION.split("?")[0]
    fake.add("POST", UPLOAD, headers={"Location": SESSION})
    fake.add("PUT", session, raises=httpx.ReadTimeout("slow"))
    fake.add("PUT", session, status=200, fixture="youtube/video")
    assert (
        publisher(fake).publish(Delivery("d", Message("A", media=(VERTICAL,)), WHEN)).remote_id
        == "Ks-_Mh1QhMc"
    )


def test_unreadable_session_after_sending_is_unknown(fake: FakePlatform) -> None:
    from elshi.connectors import OutcomeUnknown

    session = SESSION.split("?")[0]
    fake.add("POST", UPLOAD, headers={"Location": SESSION})
    fake.add("PUT", session, status=503)
    fake.add("PUT", session, raises=httpx.ConnectError("refused"))
    with pytest.raises(OutcomeUnknown, match="session cannot be read"):
        publisher(fake).publish(Delivery("d", Message("A", media=(VERTICAL,)), WHEN))


def test_rejected_media_type(fake: FakePlatform) -> None:
    from elshi.connectors import Rejected

    fake.add("POST", UPLOAD, status=400, fixture="youtube/media_rejected")
    with pytest.raises(Rejected, match="is not supported"):
        publisher(fake).publish(Delivery("d", Message("x", media=(VERTICAL,)), WHEN))


def test_ai_made_video_is_declared_synthetic_in_the_insert_body(fake: FakePlatform) -> None:
    fake.add("POST", UPLOAD, headers={"Location": SESSION})
    fake.add("PUT", SESSION.split("?")[0], fixture="youtube/video")
    ai_video = Media(
        "video/mp4", data=b"mp4" * 50, width=1920, height=1080, duration_s=40.0, ai_generated=True
    )

    publisher(fake).publish(Delivery("d", Message("Made with a model", media=(ai_video,)), WHEN))

    assert fake.json(0)["status"] == {
        "privacyStatus": "public",
        "selfDeclaredMadeForKids": False,
        "containsSyntheticMedia": True,
    }
