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


FIXTURES = Path(__file__).resolve().parents[1] / "creative" / "fixtures"


@pytest.fixture
def image_endpoint(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """A configured OpenAI-compatible endpoint, answering with the recorded payload."""
    import base64
    import io
    import json

    import httpx

    from elshi.content import studio

    settings.ELSHI_IMAGE_BACKEND = "openai"
    settings.ELSHI_IMAGE_BASE_URL = "http://127.0.0.1:8080/v1"
    settings.ELSHI_IMAGE_MODEL = "sd-turbo"
    settings.ELSHI_IMAGE_API_KEY = "sk-test"
    seen: list[Any] = []

    # The recorded answer's shape, with a picture large enough to carry the label (the recorded one is 96 px).
    payload = json.loads((FIXTURES / "openai_images_b64.json").read_text())
    picture = Image.new("RGB", (512, 512), (40, 120, 170))
    for x in range(0, 512, 32):
        picture.paste((200, 170, 40), (x, 300, x + 16, 512))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    payload["data"][0]["b64_json"] = base64.b64encode(buffer.getvalue()).decode()

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=payload)

    monkeypatch.setattr(studio, "image_client", lambda: httpx.Client(transport=httpx.MockTransport(answer)))
    return seen


def test_ai_image_is_labelled_and_carries_its_provenance(
    people: dict[str, Any], missions: dict[str, Any], media_root: Path, image_endpoint: list[Any]
) -> None:
    from elshi.creative import read_provenance

    client = _client(people["author"])
    assert "No image generator is configured" not in client.get("/tell/studio/").content.decode()
    response = client.post(
        "/tell/studio/image/",
        {
            "mission": missions["berlin"].pk,
            "prompt": "Baiterek tower at dusk, watercolour",
            "language": "kk",
            "alt_text": "A watercolour of the Baiterek tower at dusk",
        },
        follow=True,
    )
    assert "No image was made" not in response.content.decode(), response.content.decode()[-1500:]
    asset = Asset.objects.get(kind="image")
    assert response.redirect_chain[-1][0] == f"/tell/studio/assets/{asset.pk}/"
    assert str(image_endpoint[0].url) == "http://127.0.0.1:8080/v1/images/generations"
    assert asset.ai_generated and asset.provenance["model"] == "sd-turbo"
    assert asset.provenance["prompt"] == "Baiterek tower at dusk, watercolour"
    assert asset.provenance["made_by"] == "author@berlin"
    read = read_provenance(media_root / asset.file)
    assert read.source_type == "trainedAlgorithmicMedia"
    with (
        Image.open(media_root / asset.file) as labelled,
        Image.open(media_root / asset.spec["original"]) as original,
    ):
        assert (
            labelled.size == original.size and labelled.tobytes() != original.tobytes()
        )  # the label is drawn
    # The unlabelled original is never served.
    assert client.get("/" + "media/" + asset.spec["original"]).status_code == 404

    # Four eyes on the label: the maker cannot remove it; an approver can, with a reason (audited).
    assert (
        client.post(f"/tell/studio/assets/{asset.pk}/waive-label/", {"reason": "x" * 20}).status_code == 403
    )
    approver = _client(people["approver"])
    assert "Remove the visible AI label" in approver.get(f"/tell/studio/assets/{asset.pk}/").content.decode()
    approver.post(
        f"/tell/studio/assets/{asset.pk}/waive-label/",
        {"reason": "Used as an illustration, credited in text."},
    )
    asset.refresh_from_db()
    assert asset.spec["label_waiver"]["removed_by"] == "approver"
    assert (
        read_provenance(media_root / asset.file).source_type == "trainedAlgorithmicMedia"
    )  # metadata still says so
    from elshi.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="asset.label_waived").exists()


def test_no_generator_by_default(people: dict[str, Any]) -> None:
    page = _client(people["author"]).get("/tell/studio/").content.decode()
    assert "No image generator is configured" in page
    assert _client(people["author"]).post("/tell/studio/image/", {}).status_code == 403


@pytest.mark.slow
def test_done_when_card_and_15s_kazakh_video_attached_and_cleared(
    people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any], media_root: Path
) -> None:
    """A mission editor makes a number card and a 15-second Kazakh video from a claim, attaches them
    with alt text, and the post goes through clearance."""
    import datetime as dt

    from django.utils import timezone

    from elshi.clearance import actions as clearance_actions
    from elshi.content import actions as content_actions
    from elshi.content.models import Post
    from elshi.content.studio import render_video_now
    from elshi.missions import actions as mission_actions
    from elshi.missions.models import Channel

    editor = _client(people["author"])
    for size in ("1080x1350", "1080x1920", "1080x1080"):
        editor.post(
            "/tell/studio/card/",
            {
                "mission": missions["berlin"].pk,
                "template": "number",
                "claim": tell["claim2024"].pk,
                "language": "kk",
                "size": size,
            },
        )
    cards = list(Asset.objects.filter(kind="card").order_by("pk"))
    editor.post(
        "/tell/studio/video/",
        {
            "mission": missions["berlin"].pk,
            "title": "Электрондық үкімет",
            "cards": [c.pk for c in cards],
            "captions": "Қазақстан — 24-орын\nБҰҰ электрондық үкімет индексі\n2024 жыл",
            "seconds": "5",
            "language": "kk",
        },
    )
    video = Asset.objects.get(kind="video")
    render_video_now(video.pk)
    video.refresh_from_db()
    assert video.state == "ready" and 14.0 <= video.provenance["duration_s"] <= 16.0

    tiktok = mission_actions.do_save_channel(
        # A sandbox: TikTok's creator settings (read when the post is checked) need a connected account.
        Channel(mission=missions["berlin"], platform="tiktok", handle="@kz_berlin", sandbox=True),
        acting_user=None,
    )
    post = Post(
        mission=missions["berlin"], title="eGov 24", scheduled_at=timezone.now() + dt.timedelta(days=2)
    )
    text = "Қазақстан 2024 жылы БҰҰ-ның Электрондық үкіметті дамыту индексінде 24-орын алды."
    content_actions.do_save_post(
        post,
        acting_user=people["author"],
        channels=[tell["mastodon"], tiktok],
        claims=[tell["claim2024"]],
        variants=[
            {
                "platform": "mastodon",
                "language": "kk",
                "text": text,
                "media": [{"url": cards[0].media_url, "alt": cards[0].alt_text}],
            },
            {
                "platform": "tiktok",
                "language": "kk",
                "text": text,
                "media": [{"url": video.media_url, "alt": video.alt_text}],
                "options": {"privacy_level": "PUBLIC_TO_EVERYONE"},  # TikTok allows no default
            },
        ],
    )
    clearance_actions.check_submit(people["author"], post)
    clearance_actions.do_submit(post, acting_user=people["author"])
    decision = clearance_actions.check_decide(people["approver"], post, "approve", "")
    clearance_actions.do_decide(decision, "approve", "", acting_user=people["approver"])
    post.refresh_from_db()
    assert post.state == "scheduled" and post.deliveries.count() == 2
