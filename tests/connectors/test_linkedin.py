from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from elshi.connectors import (
    Account,
    AuthError,
    ConfigurationError,
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
from elshi.connectors.connect import authorize_url
from elshi.connectors.linkedin import LinkedInPublisher

from .conftest import FakePlatform

API = "https://api.linkedin.com/rest"
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
URN = "urn:li:share:7138463850930327552"
ACCOUNT = Account(
    settings={"author": "urn:li:organization:5515715"},
    secrets={"client_id": "li-id", "client_secret": "li-secret"},
    token=Token("li-token", "li-refresh", WHEN + timedelta(days=60)),
)


def publisher(fake: FakePlatform) -> LinkedInPublisher:
    made = create("linkedin", fake.client(), ACCOUNT)
    assert isinstance(made, LinkedInPublisher)
    return made


def test_text_post_is_escaped_and_versioned(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/posts", status=201, headers={"x-restli-id": URN})
    result = publisher(fake).publish(Delivery("d", Message("Astana (AIF) #diplomacy @MFA"), WHEN))
    assert (result.remote_id, result.url) == (URN, f"https://www.linkedin.com/feed/update/{URN}/")
    sent = fake.requests[0]
    assert (
        sent.headers["LinkedIn-Version"] == "202607" and sent.headers["X-Restli-Protocol-Version"] == "2.0.0"
    )
    assert sent.headers["Authorization"] == "Bearer li-token"
    assert fake.json(0) == {
        "author": "urn:li:organization:5515715",
        "commentary": "Astana \\(AIF\\) \\#diplomacy \\@MFA",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }


def test_image_post_initializes_uploads_and_attaches(fake: FakePlatform) -> None:
    init = "https://www.linkedin.com/dms-uploads/sp/v2/C4E10AQFoyyAjHPMQuQ/uploaded-image/0"
    fake.add("POST", f"{API}/images", fixture="linkedin/images_initialize")
    fake.add("PUT", init, status=201)
    fake.add("POST", f"{API}/posts", status=201, headers={"x-restli-id": URN})
    image = Media("image/png", data=b"\x89PNG", alt_text="Foreign ministers in Astana")
    publisher(fake).publish(Delivery("d", Message("Ministers", media=(image,)), WHEN))
    assert fake.requests[0].url.params["action"] == "initializeUpload"
    assert fake.json(0) == {"initializeUploadRequest": {"owner": "urn:li:organization:5515715"}}
    assert fake.requests[1].method == "PUT" and fake.requests[1].content == b"\x89PNG"
    assert fake.json(2)["content"] == {
        "media": {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ", "altText": "Foreign ministers in Astana"}
    }


@pytest.mark.parametrize(
    ("status", "fixture", "error", "words"),
    [
        (401, "linkedin/revoked", AuthError, "revoked"),
        (422, "linkedin/unprocessable", Rejected, "too long"),
        (429, "linkedin/throttled", RateLimited, "DAY limit"),
    ],
)
def test_errors(fake: FakePlatform, status: int, fixture: str, error: type[Exception], words: str) -> None:
    fake.add("POST", f"{API}/posts", status=status, fixture=fixture)
    with pytest.raises(error, match=words):
        publisher(fake).publish(Delivery("d", Message("x"), WHEN))


def test_member_metrics_and_refresh(fake: FakePlatform) -> None:
    fake.add(
        "GET",
        f"{API}/socialActions/urn%3Ali%3Ashare%3A7138463850930327552",
        fixture="linkedin/social_actions",
    )
    member = Account(
        settings={"author": "urn:li:person:8675309"}, secrets=ACCOUNT.secrets, token=ACCOUNT.token
    )
    metrics = create("linkedin", fake.client(), member).fetch_metrics(URN)
    assert (metrics.likes, metrics.replies, metrics.views) == (143, 9, None)
    made = publisher(fake)
    assert made.refresh_if_needed(WHEN) is None
    fake.add("POST", "https://www.linkedin.com/oauth/v2/accessToken", fixture="linkedin/token")
    new = made.refresh_if_needed(WHEN + timedelta(days=60) - timedelta(minutes=5))
    assert new is not None and new.refresh_token == "AQWAft_WjYZKwuWXLC5hQlghgTam-tuT8CvFej9-XxGyqeER"
    assert dict(httpx.QueryParams(fake.requests[1].content.decode())) == {
        "grant_type": "refresh_token",
        "refresh_token": "li-refresh",
        "client_id": "li-id",
        "client_secret": "li-secret",
    }


def test_organization_share_statistics(fake: FakePlatform) -> None:
    fake.add("GET", f"{API}/organizationalEntityShareStatistics", fixture="linkedin/share_statistics")
    metrics = publisher(fake).fetch_metrics(URN)
    assert (metrics.views, metrics.link_clicks, metrics.likes, metrics.replies, metrics.reposts) == (
        5120,
        412,
        143,
        9,
        21,
    )
    query = fake.requests[0].url.query.decode()
    assert query == (
        "q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A5515715"
        "&shares=List(urn%3Ali%3Ashare%3A7138463850930327552)"
    )


def test_rejected_image_stops_before_any_post(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/images", status=400, fixture="linkedin/image_rejected")
    with pytest.raises(Rejected, match="Unsupported image format"):
        publisher(fake).publish(Delivery("d", Message("x", media=(Media("image/png", data=b"?"),)), WHEN))
    assert len(fake.requests) == 1


def test_channel_pins_its_own_version_and_old_setting_is_still_read(fake: FakePlatform) -> None:
    for settings, sent in (
        ({"api_version": "202603"}, "202603"),
        ({"linkedin_version": "202602"}, "202602"),
        ({"api_version": "2026-03"}, "202607"),  # an invalid pin is not sent: the default is
    ):
        fake.add("POST", f"{API}/posts", status=201, headers={"x-restli-id": URN})
        account = Account({**ACCOUNT.settings, **settings}, ACCOUNT.secrets, ACCOUNT.token)
        create("linkedin", fake.client(), account).publish(Delivery("d", Message("x"), WHEN))
        assert fake.requests[-1].headers["LinkedIn-Version"] == sent


@pytest.mark.parametrize("status", [426, 400])
def test_retired_version_is_the_channels_setting_not_a_rejected_post(fake: FakePlatform, status: int) -> None:
    fake.add("POST", f"{API}/posts", status=status, fixture="linkedin/version_retired")
    account = Account({**ACCOUNT.settings, "api_version": "202510"}, ACCOUNT.secrets, ACCOUNT.token)
    with pytest.raises(ConfigurationError) as caught:
        create("linkedin", fake.client(), account).publish(Delivery("d", Message("x"), WHEN))
    assert not isinstance(caught.value, Rejected)
    assert "LinkedIn API version (202510) is retired: update it" in caught.value.message
    assert "Requested version 202510 is not active" in caught.value.message


def test_retired_version_during_an_upload_stops_before_the_post(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/images", status=426, fixture="linkedin/version_retired")
    image = Media("image/png", data=b"\x89PNG")
    with pytest.raises(ConfigurationError, match="retired") as caught:
        publisher(fake).publish(Delivery("d", Message("x", media=(image,)), WHEN))
    assert caught.value.before_post and len(fake.requests) == 1


def test_statistics_scope_is_requested() -> None:
    url = httpx.URL(authorize_url("linkedin", client_id="li-id", redirect_uri="https://e/cb", state="s"))
    assert "rw_organization_admin" in url.params["scope"].split(" ")


def test_multi_image_post_uploads_each_image_then_posts_multi_image(fake: FakePlatform) -> None:
    first = "https://www.linkedin.com/dms-uploads/sp/v2/C4E10AQFoyyAjHPMQuQ/uploaded-image/0"
    second = "https://www.linkedin.com/dms-uploads/sp/v2/D4E10AQHdmtWaX3JbZg/uploaded-image/0"
    fake.add("POST", f"{API}/images", fixture="linkedin/images_initialize")
    fake.add("PUT", first, status=201)
    fake.add("POST", f"{API}/images", fixture="linkedin/images_initialize_2")
    fake.add("PUT", second, status=201)
    fake.add("POST", f"{API}/posts", status=201, headers={"x-restli-id": URN})
    images = (
        Media("image/png", data=b"one", alt_text="Arrival in Astana"),
        Media("image/jpeg", data=b"two", alt_text="Signing ceremony"),
    )
    publisher(fake).publish(Delivery("d", Message("Visit", media=images), WHEN))
    assert [r.content for r in fake.requests if r.method == "PUT"] == [b"one", b"two"]
    assert fake.requests[3].headers["Content-Type"] == "image/jpeg"
    assert fake.json(4)["content"] == {
        "multiImage": {
            "images": [
                {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ", "altText": "Arrival in Astana"},
                {"id": "urn:li:image:D4E10AQHdmtWaX3JbZg", "altText": "Signing ceremony"},
            ]
        }
    }


def test_twenty_one_images_or_image_and_video_are_refused_before_sending(fake: FakePlatform) -> None:
    made = publisher(fake)
    many = tuple(Media("image/png", data=b"x") for _ in range(21))
    mixed = (Media("image/png", data=b"x"), Media("video/mp4", data=b"v"))
    for media in (many, mixed):
        with pytest.raises(InvalidMessage):
            made.publish(Delivery("d", Message("x", media=media), WHEN))
    assert fake.requests == []


VIDEO_PARTS = (
    "https://www.linkedin.com/dms-uploads/sp/v2/C5F10AQGKQg_6y2a4sQ/uploadedVideo/0",
    "https://www.linkedin.com/dms-uploads/sp/v2/C5F10AQGKQg_6y2a4sQ/uploadedVideo/1",
)
VIDEO = bytes(range(256)) * 17578 + b"\x00" * 33  # 4,500,001 bytes, as the instructions cover


def test_video_post_uploads_parts_finalizes_with_etags_then_posts(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/videos", fixture="linkedin/videos_initialize")
    fake.add("PUT", VIDEO_PARTS[0], headers={"ETag": "/ambry-video/signedId/part-0"})
    fake.add("PUT", VIDEO_PARTS[1], headers={"ETag": "/ambry-video/signedId/part-1"})
    fake.add("POST", f"{API}/videos")
    fake.add("POST", f"{API}/posts", status=201, headers={"x-restli-id": URN})
    assert len(VIDEO) == 4_500_001
    video = Media("video/mp4", data=VIDEO, filename="visit.mp4")
    publisher(fake).publish(Delivery("d", Message("Visit", media=(video,), title="State visit"), WHEN))
    init, part0, part1, finalize, post = fake.requests
    assert init.url.params["action"] == "initializeUpload" and fake.json(0) == {
        "initializeUploadRequest": {
            "owner": "urn:li:organization:5515715",
            "fileSizeBytes": 4_500_001,
            "uploadCaptions": False,
            "uploadThumbnail": False,
        }
    }
    assert part0.content == VIDEO[:4194304] and part1.content == VIDEO[4194304:]
    assert part0.headers["Content-Type"] == "application/octet-stream"
    assert finalize.url.params["action"] == "finalizeUpload" and fake.json(3) == {
        "finalizeUploadRequest": {
            "video": "urn:li:video:C5F10AQGKQg_6y2a4sQ",
            "uploadToken": "",
            "uploadedPartIds": ["/ambry-video/signedId/part-0", "/ambry-video/signedId/part-1"],
        }
    }
    assert post.headers["LinkedIn-Version"] == "202607"
    assert fake.json(4)["content"] == {
        "media": {"id": "urn:li:video:C5F10AQGKQg_6y2a4sQ", "title": "State visit"}
    }


def test_video_instructions_that_miss_bytes_are_refused_before_any_part(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/videos", fixture="linkedin/videos_initialize_gap")
    video = Media("video/mp4", data=VIDEO)
    with pytest.raises(Rejected, match="do not cover the file"):
        publisher(fake).publish(Delivery("d", Message("x", media=(video,)), WHEN))
    assert len(fake.requests) == 1


def test_video_part_without_etag_is_retryable_and_nothing_is_posted(fake: FakePlatform) -> None:
    fake.add("POST", f"{API}/videos", fixture="linkedin/videos_initialize")
    fake.add("PUT", VIDEO_PARTS[0])
    video = Media("video/mp4", data=VIDEO)
    with pytest.raises(NotSent, match="without an ETag") as caught:
        publisher(fake).publish(Delivery("d", Message("x", media=(video,)), WHEN))
    assert caught.value.before_post and len(fake.requests) == 2
