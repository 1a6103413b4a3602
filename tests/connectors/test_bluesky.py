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
    Rejected,
    create,
)
from elshi.connectors.bluesky import BlueskyPublisher, delivery_rkey, tid, tid_timestamp

from .conftest import FakePlatform, load, offline_client

PDS = "https://pds.example"
X = f"{PDS}/xrpc"
DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ACCOUNT = Account(
    settings={"service": PDS, "handle": "kzembassy.bsky.social"},
    secrets={"app_password": "abcd-efgh-ijkl-mnop"},
)


def publisher(fake: FakePlatform, account: Account = ACCOUNT) -> BlueskyPublisher:
    made = create("bluesky", fake.client(), account)
    assert isinstance(made, BlueskyPublisher)
    return made


def test_tid_encoding_matches_the_spec() -> None:
    # The atproto spec's example: 13 characters, sortable, first character in 234567abcdefghij.
    key = tid(1_700_000_000_000_000, 0)
    assert len(key) == 13 and key[0] in "234567abcdefghij"
    assert tid_timestamp(key) == datetime.fromtimestamp(1_700_000_000, tz=UTC)
    assert tid(1, 0) < tid(2, 0) < tid(2, 1)
    assert tid(0, 0) == "2222222222222"


def test_delivery_rkey_is_stable_and_distinct() -> None:
    first = delivery_rkey("delivery-1", WHEN)
    assert first == delivery_rkey("delivery-1", WHEN)
    assert first != delivery_rkey("delivery-2", WHEN)
    assert tid_timestamp(first) == WHEN
    with pytest.raises(ValueError, match="aware"):
        delivery_rkey("d", datetime(2026, 1, 1))  # noqa: DTZ001


def queue_login(fake: FakePlatform) -> None:
    fake.add("POST", f"{X}/com.atproto.server.createSession", fixture="bluesky/session")


def test_text_post_with_facets_created_under_the_delivery_rkey(fake: FakePlatform) -> None:
    rkey = delivery_rkey("delivery-7", WHEN)
    queue_login(fake)
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", status=400, fixture="bluesky/record_not_found")
    fake.add("GET", f"{X}/com.atproto.identity.resolveHandle", fixture="bluesky/resolve_handle")
    fake.add("POST", f"{X}/com.atproto.repo.createRecord", fixture="bluesky/create_record")
    text = "Сәлем @mfa-kz.bsky.social! Read https://mfa.gov.kz/en #Astana"

    result = publisher(fake).publish(Delivery("delivery-7", Message(text, language="kk"), WHEN))

    assert result.remote_id == "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3m7ilvtm6mc2s"
    assert result.url == f"https://bsky.app/profile/kzembassy.bsky.social/post/{rkey}"
    assert not result.already_existed
    login, lookup, resolve, created = fake.requests
    assert login.method == "POST" and fake.json(0) == {
        "identifier": "kzembassy.bsky.social",
        "password": "abcd-efgh-ijkl-mnop",
    }
    assert lookup.url.params["rkey"] == rkey and lookup.url.params["repo"] == DID
    assert resolve.url.params["handle"] == "mfa-kz.bsky.social"
    assert created.headers["Authorization"] == "Bearer " + load("bluesky/session")["accessJwt"]
    body = fake.json(3)
    assert (body["repo"], body["collection"], body["rkey"]) == (DID, "app.bsky.feed.post", rkey)
    record = body["record"]
    assert record["text"] == text and record["langs"] == ["kk"] and record["createdAt"].endswith("Z")
    encoded = text.encode()
    spans = {f["features"][0]["$type"].split("#")[1]: f["index"] for f in record["facets"]}
    # "Сәлем " is 6 letters but 11 bytes: offsets are bytes.
    assert spans["mention"] == {"byteStart": 11, "byteEnd": 30}
    assert encoded[spans["mention"]["byteStart"] : spans["mention"]["byteEnd"]] == b"@mfa-kz.bsky.social"
    assert encoded[spans["link"]["byteStart"] : spans["link"]["byteEnd"]] == b"https://mfa.gov.kz/en"
    assert encoded[spans["tag"]["byteStart"] : spans["tag"]["byteEnd"]] == b"#Astana"
    features = [f["features"][0] for f in record["facets"]]
    assert {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:ewvi7nxzyoun6zhxrhs64oiz"} in features
    assert {"$type": "app.bsky.richtext.facet#tag", "tag": "Astana"} in features


def test_unknown_handle_stays_plain_text(fake: FakePlatform) -> None:
    made = publisher(fake)
    fake.add(
        "GET", f"{X}/com.atproto.identity.resolveHandle", status=400, fixture="bluesky/resolve_handle_unknown"
    )
    assert made.facets("hi @nobody.example.org") == []


def test_image_uploaded_as_blob_with_alt_text_and_aspect_ratio(fake: FakePlatform) -> None:
    queue_login(fake)
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", status=400, fixture="bluesky/record_not_found")
    fake.add("POST", f"{X}/com.atproto.repo.uploadBlob", fixture="bluesky/upload_blob")
    fake.add("POST", f"{X}/com.atproto.repo.createRecord", fixture="bluesky/create_record")
    image = Media(
        "image/png", data=b"\x89PNG-bytes", alt_text="Delegations at the Astana forum", width=1200, height=800
    )

    publisher(fake).publish(Delivery("d-img", Message("Forum", media=(image,)), WHEN))

    upload = fake.requests[2]
    assert upload.headers["Content-Type"] == "image/png" and upload.content == b"\x89PNG-bytes"
    embed = fake.json(3)["record"]["embed"]
    assert embed == {
        "$type": "app.bsky.embed.images",
        "images": [
            {
                "alt": "Delegations at the Astana forum",
                "image": load("bluesky/upload_blob")["blob"],
                "aspectRatio": {"width": 1200, "height": 800},
            }
        ],
    }


def existing_record(rkey: str, text: str) -> dict[str, object]:
    return {
        "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
        "cid": "bafyrei-existing",
        "value": {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-28T09:00:00.000Z"},
    }


def test_second_send_finds_the_first_and_creates_nothing(fake: FakePlatform) -> None:
    rkey = delivery_rkey("d-9", WHEN)
    queue_login(fake)
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", json_body=existing_record(rkey, "hello"))
    result = publisher(fake).publish(Delivery("d-9", Message("hello"), WHEN))
    assert result.already_existed and result.remote_id.endswith(rkey)
    assert [r.url.path for r in fake.requests][-1] == "/xrpc/com.atproto.repo.getRecord"


def test_refused_create_resolved_by_rkey_lookup(fake: FakePlatform) -> None:
    rkey = delivery_rkey("d-9", WHEN)
    queue_login(fake)
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", status=400, fixture="bluesky/record_not_found")
    # A PDS answers a taken rkey with 500 InternalServerError (seen on @atproto/pds 0.4).
    fake.add("POST", f"{X}/com.atproto.repo.createRecord", status=500, fixture="bluesky/internal_error")
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", json_body=existing_record(rkey, "hello"))
    assert publisher(fake).publish(Delivery("d-9", Message("hello"), WHEN)).already_existed


def test_lost_answer_stays_unknown_when_the_record_is_absent(fake: FakePlatform) -> None:
    queue_login(fake)
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", status=400, fixture="bluesky/record_not_found")
    fake.add("POST", f"{X}/com.atproto.repo.createRecord", raises=httpx.ReadTimeout("slow"))
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", status=400, fixture="bluesky/record_not_found")
    with pytest.raises(OutcomeUnknown):
        publisher(fake).publish(Delivery("d-9", Message("hello"), WHEN))


def test_rkey_holding_a_different_post_is_never_claimed(fake: FakePlatform) -> None:
    queue_login(fake)
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", json_body=existing_record("x", "another post"))
    with pytest.raises(Rejected, match="different post"):
        publisher(fake).publish(Delivery("d-9", Message("hello"), WHEN))


def test_expired_session_is_refreshed_and_wrong_password_is_auth_error(fake: FakePlatform) -> None:
    session = load("bluesky/session")
    made = publisher(fake)
    fake.add("POST", f"{X}/com.atproto.server.createSession", fixture="bluesky/session")
    token = made.refresh_if_needed(WHEN)
    assert token is not None and token.scope == DID
    assert token.expires_at == datetime.fromtimestamp(1796468400, tz=UTC)
    assert made.refresh_if_needed(token.expires_at - timedelta(hours=1)) is None
    fake.add("POST", f"{X}/com.atproto.server.refreshSession", fixture="bluesky/session_refreshed")
    renewed = made.refresh_if_needed(token.expires_at - timedelta(minutes=2))
    assert renewed is not None and renewed.access_token == load("bluesky/session_refreshed")["accessJwt"]
    assert fake.requests[-1].headers["Authorization"] == "Bearer " + session["refreshJwt"]

    fake.add("POST", f"{X}/com.atproto.server.createSession", status=401, fixture="bluesky/bad_password")
    with pytest.raises(AuthError, match="Invalid identifier or password") as caught:
        publisher(fake).refresh_if_needed(WHEN)
    assert "abcd-efgh" not in str(caught.value)


def test_call_with_expired_token_logs_in_again_once(fake: FakePlatform) -> None:
    queue_login(fake)
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", status=400, fixture="bluesky/expired_token")
    fake.add("POST", f"{X}/com.atproto.server.createSession", fixture="bluesky/session")
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", json_body=existing_record("r", "hello"))
    made = publisher(fake)
    assert made.get_post("r") is not None


def test_validation_counts_graphemes_not_code_points() -> None:
    made = BlueskyPublisher(offline_client(), ACCOUNT)
    accented = "e\u0301"  # two code points, one grapheme
    assert made.validate(Message(accented * 300)) == []
    assert made.validate(Message(accented * 301)) == ["bluesky: text is 301 characters, the limit is 300"]
    family = "👨‍👩‍👧"  # one grapheme of 18 bytes: the 3000-byte cap bites first
    assert made.validate(Message(family * 200)) == ["bluesky: text is over 3000 bytes"]
    video = Media("video/x-msvideo", data=b"v", alt_text="a clip")
    assert "bluesky: media 1 is video/x-msvideo, which it does not accept" in made.validate(
        Message("x", media=(video,))
    )


def test_metrics_from_the_appview(fake: FakePlatform) -> None:
    uri = "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3m7ilvtm6mc2s"
    fake.add("GET", "https://public.api.bsky.app/xrpc/app.bsky.feed.getPosts", fixture="bluesky/get_posts")
    metrics = publisher(fake).fetch_metrics(uri)
    assert (metrics.likes, metrics.reposts, metrics.replies, metrics.quotes) == (52, 14, 3, 2)
    assert fake.requests[0].url.params["uris"] == uri


def test_rate_limit_carries_the_reset_time(fake: FakePlatform) -> None:
    from elshi.connectors import RateLimited

    queue_login(fake)
    reset = str(int(datetime.now(UTC).timestamp()) + 120)
    fake.add(
        "GET",
        f"{X}/com.atproto.repo.getRecord",
        status=429,
        fixture="bluesky/rate_limited",
        headers={"ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": reset},
    )
    with pytest.raises(RateLimited, match="Rate Limit Exceeded") as caught:
        publisher(fake).publish(Delivery("d", Message("hi"), WHEN))
    assert caught.value.retry_after is not None and 100 < caught.value.retry_after <= 120


def test_rejected_blob_stops_before_any_record(fake: FakePlatform) -> None:
    queue_login(fake)
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", status=400, fixture="bluesky/record_not_found")
    fake.add("POST", f"{X}/com.atproto.repo.uploadBlob", status=400, fixture="bluesky/blob_too_large")
    image = Media("image/png", data=b"\x89PNG-small-here-but-the-PDS-says-no")
    with pytest.raises(Rejected, match="BlobTooLarge"):
        publisher(fake).publish(Delivery("d", Message("x", media=(image,)), WHEN))
    assert not any(r.url.path.endswith("createRecord") for r in fake.requests)


# -- video, through the video service (the local PDS has none: these use the fake platform) ----------
VIDEO = "https://video.bsky.app/xrpc"
CLIP = Media(
    "video/mp4",
    data=b"\x00\x00\x00\x18ftypmp42",
    alt_text="The minister at the forum",
    filename="forum.mp4",
    width=1920,
    height=1080,
)


def queue_video_start(fake: FakePlatform, limits: str = "bluesky/video_upload_limits") -> None:
    queue_login(fake)
    fake.add("GET", f"{X}/com.atproto.repo.getRecord", status=400, fixture="bluesky/record_not_found")
    fake.add("GET", f"{X}/com.atproto.server.getServiceAuth", fixture="bluesky/service_auth")
    fake.add("GET", f"{VIDEO}/app.bsky.video.getUploadLimits", fixture=limits)


def queue_video_upload(fake: FakePlatform) -> None:
    fake.add("GET", f"{X}/com.atproto.server.getSession", fixture="bluesky/get_session")
    fake.add("GET", f"{X}/com.atproto.server.getServiceAuth", fixture="bluesky/service_auth")
    fake.add("POST", f"{VIDEO}/app.bsky.video.uploadVideo", fixture="bluesky/video_upload")


def video_publisher(fake: FakePlatform) -> tuple[BlueskyPublisher, list[float]]:
    made = publisher(fake)
    waits: list[float] = []
    made.sleep = waits.append
    return made, waits


def test_video_processed_by_the_video_service_then_embedded(fake: FakePlatform) -> None:
    queue_video_start(fake)
    queue_video_upload(fake)
    fake.add("GET", f"{VIDEO}/app.bsky.video.getJobStatus", fixture="bluesky/video_job_processing")
    fake.add("GET", f"{VIDEO}/app.bsky.video.getJobStatus", fixture="bluesky/video_job_completed")
    fake.add("POST", f"{X}/com.atproto.repo.createRecord", fixture="bluesky/create_record")
    made, waits = video_publisher(fake)

    made.publish(Delivery("d-vid", Message("Forum", media=(CLIP,)), WHEN))

    limits_auth, limits = fake.requests[2], fake.requests[3]
    assert limits_auth.url.params["aud"] == "did:web:video.bsky.app"
    assert limits_auth.url.params["lxm"] == "app.bsky.video.getUploadLimits"
    assert limits.headers["Authorization"] == f"Bearer {load('bluesky/service_auth')['token']}"
    upload_auth, upload = fake.requests[5], fake.requests[6]
    # The video service stores the result on the PDS named in the DID document, not on the entryway.
    assert upload_auth.url.params["aud"] == "did:web:morel.us-east.host.bsky.network"
    assert upload_auth.url.params["lxm"] == "com.atproto.repo.uploadBlob"
    expires = int(upload_auth.url.params["exp"]) - datetime.now(UTC).timestamp()
    assert 29 * 60 < expires <= 30 * 60
    assert (upload.url.params["did"], upload.url.params["name"]) == (DID, "forum.mp4")
    assert upload.headers["Content-Type"] == "video/mp4" and upload.content == CLIP.data
    assert fake.requests[7].url.params["jobId"] == "9tgj7sVBTXCKmL5w" and waits == [1.0, 1.0]
    assert fake.json(9)["record"]["embed"] == {
        "$type": "app.bsky.embed.video",
        "video": load("bluesky/video_job_completed")["jobStatus"]["blob"],
        "alt": "The minister at the forum",
        "aspectRatio": {"width": 1920, "height": 1080},
    }


def test_video_already_processed_reuses_its_blob(fake: FakePlatform) -> None:
    queue_video_start(fake)
    queue_video_upload(fake)
    fake.add("GET", f"{VIDEO}/app.bsky.video.getJobStatus", fixture="bluesky/video_job_already_exists")
    fake.add("POST", f"{X}/com.atproto.repo.createRecord", fixture="bluesky/create_record")
    made, _ = video_publisher(fake)

    made.publish(Delivery("d-vid", Message("Forum", media=(CLIP,)), WHEN))

    assert fake.json(8)["record"]["embed"]["video"]["ref"]["$link"].startswith("bafkreihdwd")


def test_failed_processing_is_rejected_before_any_record(fake: FakePlatform) -> None:
    queue_video_start(fake)
    queue_video_upload(fake)
    fake.add("GET", f"{VIDEO}/app.bsky.video.getJobStatus", fixture="bluesky/video_job_failed")
    made, _ = video_publisher(fake)

    with pytest.raises(Rejected, match="at most 3 minutes") as caught:
        made.publish(Delivery("d-vid", Message("Forum", media=(CLIP,)), WHEN))
    assert caught.value.before_post


def test_upload_limits_refusing_stops_before_the_upload(fake: FakePlatform) -> None:
    queue_video_start(fake, limits="bluesky/video_upload_limits_refused")
    made, _ = video_publisher(fake)

    with pytest.raises(Rejected, match="verify your email"):
        made.publish(Delivery("d-vid", Message("Forum", media=(CLIP,)), WHEN))
    assert "uploadVideo" not in " ".join(str(r.url) for r in fake.requests)


def test_lost_answer_to_the_upload_is_not_a_post(fake: FakePlatform) -> None:
    queue_video_start(fake)
    fake.add("GET", f"{X}/com.atproto.server.getSession", fixture="bluesky/get_session")
    fake.add("GET", f"{X}/com.atproto.server.getServiceAuth", fixture="bluesky/service_auth")
    fake.add("POST", f"{VIDEO}/app.bsky.video.uploadVideo", raises=httpx.ReadTimeout("slow"))
    made, _ = video_publisher(fake)

    with pytest.raises(NotSent, match="before the post was sent"):
        made.publish(Delivery("d-vid", Message("Forum", media=(CLIP,)), WHEN))


def test_video_rules_need_alt_text_and_one_mp4() -> None:
    made = create("bluesky", offline_client(), ACCOUNT)
    bare = Media("video/mp4", data=b"v", filename="v.mp4")
    assert made.validate(Message("Forum", media=(bare,))) == ["bluesky: video 1 needs alt text"]
    assert made.validate(Message("Forum", media=(CLIP, CLIP))) == [
        "bluesky: 2 videos attached, the limit is 1"
    ]
    assert made.validate(Message("Forum", media=(CLIP,))) == []
    assert made.rules().max_video_bytes == 100_000_000 and made.rules().max_video_seconds == 180
