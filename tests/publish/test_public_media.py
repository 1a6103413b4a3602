"""Studio media reach the platforms: signed public links for those that fetch, bytes for those that
take uploads, fitted when composed, refused when composed if they cannot reach or cannot fit."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.utils import timezone
from PIL import Image
from typer.testing import CliRunner

from elshi.clearance import actions as clearance_actions
from elshi.cli import app
from elshi.connectors import Token
from elshi.content import actions as content_actions
from elshi.content.models import Asset, Post, Variant
from elshi.content.validation import check_post
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing import media as public_media
from elshi.publishing.accounts import set_credentials
from elshi.publishing.message import message_for
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.sending import send

PUBLIC = "https://elshi.example.org"
ALT = "The Baiterek tower at dusk over Astana"


@pytest.fixture
def studio(settings: Any, tmp_path: Path, missions: dict[str, Any], people: dict[str, Any]) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    settings.ELSHI_PUBLIC_URL = PUBLIC
    (tmp_path / "studio").mkdir()
    Image.new("RGBA", (64, 32), (10, 120, 200, 128)).save(tmp_path / "studio" / "card.png")
    (tmp_path / "studio" / "clip.mp4").write_bytes(bytes(range(256)) * 40)  # served, never decoded
    made: dict[str, Any] = {}
    for name, file, kind in (("card", "studio/card.png", "image"), ("clip", "studio/clip.mp4", "video")):
        made[name] = Asset.objects.create(
            mission=missions["berlin"], kind=kind, title=name, file=file, state="ready",
            created_by=people["author"],
        )  # fmt: skip
    made["post"] = Post.objects.create(
        mission=missions["berlin"],
        title="Astana tonight",
        scheduled_at=timezone.now(),
        created_by=people["author"],
    )
    return made


def _delivery(studio: dict[str, Any], platform: str, files: tuple[str, ...] = ("card.png",)) -> Delivery:
    post = studio["post"]
    media = [{"url": f"/media/studio/{name}", "alt": ALT} for name in files]
    variant = Variant.objects.create(post=post, platform=platform, language="en", text="Astana", media=media)
    channel = Channel.objects.create(mission=post.mission, platform=platform, handle=f"@{platform}")
    return Delivery.objects.create(post=post, channel=channel, variant=variant, due_at=timezone.now())


def _path(url: str) -> str:
    assert url.startswith(PUBLIC + "/public/media/")
    return url[len(PUBLIC) :]


def test_instagram_gets_an_absolute_signed_link_to_the_jpeg_fitted_copy(studio: dict[str, Any]) -> None:
    delivery = _delivery(studio, "instagram")
    (item,) = message_for(delivery).media
    assert item.data is None and item.mime_type == "image/jpeg" and item.alt_text == ALT
    assert item.url is not None and item.url.endswith("/card.instagram.jpg")

    response = Client().get(_path(item.url))

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body[:3] == b"\xff\xd8\xff"  # a JPEG, converted from the studio's PNG
    assert body == _derived(studio).read_bytes()


def _derived(studio: dict[str, Any]) -> Path:
    return Path(settings.MEDIA_ROOT) / "studio" / "derived" / "card.instagram.jpg"


def test_platforms_that_take_uploads_get_bytes_and_no_link(studio: dict[str, Any]) -> None:
    for platform in ("facebook", "telegram", "mastodon"):
        (item,) = message_for(_delivery(studio, platform)).media
        assert item.url is None, platform
        assert item.data == (_derived(studio).parent.parent / "card.png").read_bytes(), platform


def test_unsigned_tampered_and_expired_links_are_refused(
    studio: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _path(str(message_for(_delivery(studio, "threads")).media[0].url))
    client = Client()
    assert client.get("/public/media/not-signed/card.png").status_code == 403
    token = url.split("/")[3]
    forged = signing.TimestampSigner(salt="another-purpose").sign_object(
        signing.TimestampSigner(salt="elshi.publishing.media").unsign_object(token)
    )
    assert client.get(f"/public/media/{forged}/card.png").status_code == 403
    assert client.get(url).status_code == 200
    later = time.time() + public_media.LINK_SECONDS + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = client.get(url)
    assert expired.status_code == 403 and "expired" in expired.content.decode()


def test_links_serve_only_attached_assets_of_open_deliveries(studio: dict[str, Any]) -> None:
    delivery = _delivery(studio, "threads")
    client = Client()
    other = public_media.signed_url(delivery, studio["clip"], "studio/clip.mp4")  # not attached
    assert client.get(_path(other)).status_code == 404
    sideways = public_media.signed_url(delivery, studio["card"], "studio/clip.mp4")  # another file
    assert client.get(_path(sideways)).status_code == 404
    url = _path(str(message_for(delivery).media[0].url))
    for state in (DeliveryState.PUBLISHING, DeliveryState.FAILED_RETRYABLE):
        Delivery.objects.filter(pk=delivery.pk).update(state=state)
        assert client.get(url).status_code == 200, state
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.PUBLISHED)
    assert client.get(url).status_code == 404  # nothing at all once the post is out
    assert client.post(url).status_code == 405


def test_video_is_served_with_byte_ranges(studio: dict[str, Any]) -> None:
    delivery = _delivery(studio, "threads", ("clip.mp4",))
    url = _path(public_media.signed_url(delivery, studio["clip"], "studio/clip.mp4"))
    data = (_derived(studio).parent.parent / "clip.mp4").read_bytes()
    client = Client()

    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Type"] == "video/mp4"
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}" and part["Content-Length"] == "100"
    assert b"".join(part.streaming_content) == data[100:200]  # type: ignore[attr-defined]
    tail = client.get(url, HTTP_RANGE="bytes=-16")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == data[-16:]  # type: ignore[attr-defined]
    rest = client.get(url, HTTP_RANGE=f"bytes={len(data) - 10}-")
    assert rest["Content-Range"] == f"bytes {len(data) - 10}-{len(data) - 1}/{len(data)}"
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == data  # type: ignore[attr-defined]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(data)}"


def test_composing_for_instagram_without_a_public_address_is_refused(
    studio: dict[str, Any], settings: Any
) -> None:
    settings.ELSHI_PUBLIC_URL = ""
    variant = Variant(
        platform="instagram",
        language="en",
        text="Astana",
        media=[{"url": "/media/studio/card.png", "alt": ALT}],
    )
    (report,) = check_post(studio["post"], [variant])
    assert any("ELSHI_PUBLIC_URL" in p and "Instagram" in p for p in report.problems), report.problems
    settings.ELSHI_PUBLIC_URL = PUBLIC
    (report,) = check_post(studio["post"], [variant])
    assert report.problems == []  # PNG fitted to the JPEG Instagram takes, kept beside the asset
    assert _derived(studio).is_file()


def test_composing_a_60_mb_video_for_telegram_is_refused_naming_the_rule(studio: dict[str, Any]) -> None:
    with (_derived(studio).parent.parent / "speech.mp4").open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    Asset.objects.create(
        mission=studio["post"].mission, kind="video", title="speech", file="studio/speech.mp4",
        state="ready", created_by=studio["card"].created_by,
    )  # fmt: skip
    variant = Variant(
        platform="telegram",
        language="en",
        text="Speech",
        media=[{"url": "/media/studio/speech.mp4", "alt": ALT}],
    )
    (report,) = check_post(studio["post"], [variant])
    assert "Telegram takes videos up to 50 MB; media 1 is 60 MB" in report.problems


@pytest.mark.django_db(transaction=True)
def test_elshi_check_says_what_to_configure_for_instagram(missions: dict[str, Any], settings: Any) -> None:
    Channel.objects.create(mission=missions["berlin"], platform="instagram", handle="@kz_berlin")
    settings.ELSHI_PUBLIC_URL = ""
    said = " ".join(CliRunner().invoke(app, ["check"]).output.split())
    assert "public address" in said and "Instagram fetches media from a public address" in said
    assert "set ELSHI_PUBLIC_URL" in said and "Threads" not in said  # only platforms with channels
    settings.ELSHI_PUBLIC_URL = PUBLIC
    assert "public address" not in CliRunner().invoke(app, ["check"]).output


def test_cleared_instagram_post_is_sent_with_the_signed_public_link(
    studio: dict[str, Any], write_post: Any, people: dict[str, Any], missions: dict[str, Any]
) -> None:
    channel = Channel(mission=missions["berlin"], platform="instagram", handle="@kz_berlin")
    channel.settings = {"ig_user_id": "17841405822304914"}
    set_credentials(channel, token=Token("ig-token"))
    channel = mission_actions.do_save_channel(channel, acting_user=None)
    post = write_post(hours=2)
    post.channels.set([channel])
    media = [{"url": "/media/studio/card.png", "alt": ALT}]
    variants = [{"platform": "instagram", "language": "en", "text": "Astana tonight", "media": media}]
    content_actions.do_save_post(post, acting_user=people["author"], variants=variants)
    clearance_actions.do_submit(post, acting_user=people["author"])
    clearance = clearance_actions.check_decide(people["approver"], post, "approve", "")
    clearance_actions.do_decide(clearance, "approve", "", acting_user=people["approver"])
    delivery = Delivery.objects.get(post=post)
    seen: list[httpx.Request] = []

    def meta(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path.endswith("content_publishing_limit"):
            return httpx.Response(200, json={"data": [{"quota_usage": 1, "config": {"quota_total": 50}}]})
        if path.endswith("/media") or path.endswith("/media_publish"):
            return httpx.Response(200, json={"id": "17889455560051444"})
        if request.url.params.get("fields") == "permalink":
            return httpx.Response(200, json={"permalink": "https://www.instagram.com/p/X/"})
        return httpx.Response(200, json={"status_code": "FINISHED", "id": "17889455560051444"})

    later = post.scheduled_at + dt.timedelta(seconds=1)
    assert (
        send(delivery.pk, client=httpx.Client(transport=httpx.MockTransport(meta)), now=later) == "published"
    )
    container = next(r for r in seen if r.method == "POST" and r.url.path.endswith("/media"))
    image_url = dict(httpx.QueryParams(container.content.decode()))["image_url"]
    assert image_url.startswith(PUBLIC + "/public/media/") and image_url.endswith("/card.instagram.jpg")
    # The platform fetched it while the delivery was being sent; now it is out, the link is dead.
    assert Client().get(_path(image_url)).status_code == 404
