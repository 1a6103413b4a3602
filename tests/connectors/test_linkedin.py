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
    RateLimited,
    Rejected,
    Token,
    create,
)
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
        sent.headers["LinkedIn-Version"] == "202510" and sent.headers["X-Restli-Protocol-Version"] == "2.0.0"
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
