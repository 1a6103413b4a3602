"""The studio: cards from verified claims, quote cards, a video from cards, media behind permissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from elshi.content.models import Asset, AssetState


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_number_card_from_a_verified_claim(
    people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any], media_root: Path
) -> None:
    client = _client(people["author"])
    response = client.post(
        "/tell/studio/card/",
        {
            "mission": missions["berlin"].pk,
            "template": "number",
            "claim": tell["claim2024"].pk,
            "language": "en",
            "size": "1080x1350",
        },
    )
    asset = Asset.objects.get()
    assert response["Location"] == f"/tell/studio/assets/{asset.pk}/"
    assert asset.state == AssetState.READY and not asset.ai_generated
    with Image.open(media_root / asset.file) as image:
        assert image.size == (1080, 1350)
    assert "#24" in asset.alt_text or "24" in asset.alt_text
    media = client.get(asset.media_url)
    assert media.status_code == 200 and media["Content-Type"] == "image/png"
    assert _client(people["outsider"]).get(asset.media_url).status_code == 403
    assert _client(people["outsider"]).get(f"/tell/studio/assets/{asset.pk}/").status_code == 403
    page = client.get(f"/tell/studio/assets/{asset.pk}/").content.decode()
    assert asset.media_url in page and "Paste this line" in page


def test_unverified_claim_or_viewer_is_refused(
    people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    followed = _client(people["author"]).post(
        "/tell/studio/card/",
        {
            "mission": missions["berlin"].pk,
            "template": "number",
            "claim": tell["claim2020"].pk,
            "language": "en",
            "size": "1080x1080",
        },
        follow=True,
    )
    assert "Only a verified, unexpired claim" in followed.content.decode()
    assert _client(people["viewer"]).post("/tell/studio/card/", {}).status_code == 403
    assert not Asset.objects.exists()


def test_quote_card_in_kazakh(people: dict[str, Any], missions: dict[str, Any]) -> None:
    _client(people["author"]).post(
        "/tell/studio/card/",
        {
            "mission": missions["berlin"].pk,
            "template": "quote",
            "language": "kk",
            "size": "1080x1080",
            "quote": "Қазақстан — Еуразияның көлік хабы.",
            "attribution": "Сыртқы істер министрлігі",
        },
    )
    assert Asset.objects.get().state == AssetState.READY


@pytest.mark.slow
def test_video_from_cards_renders_in_the_worker(
    people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any], media_root: Path
) -> None:
    from elshi.content.studio import render_video_now

    client = _client(people["author"])
    for size in ("1080x1080", "1080x1350"):
        client.post(
            "/tell/studio/card/",
            {
                "mission": missions["berlin"].pk,
                "template": "number",
                "claim": tell["claim2024"].pk,
                "language": "en",
                "size": size,
            },
        )
    cards = list(Asset.objects.order_by("pk"))
    client.post(
        "/tell/studio/video/",
        {
            "mission": missions["berlin"].pk,
            "title": "eGov in 4 seconds",
            "cards": [c.pk for c in cards],
            "captions": "Kazakhstan: 24th\nUN survey 2024",
            "seconds": "2",
            "language": "en",
        },
    )
    video = Asset.objects.get(kind="video")
    assert video.state == AssetState.QUEUED
    progress = client.get(f"/tell/studio/assets/{video.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<progress" in progress and 'hx-trigger="every 2s"' in progress
    render_video_now(video.pk)  # what the worker runs
    video.refresh_from_db()
    assert video.state == AssetState.READY and video.progress == 1.0
    assert (media_root / video.file).stat().st_size > 10_000
    assert (media_root / video.file).with_suffix(".srt").read_text().count("-->") == 2
