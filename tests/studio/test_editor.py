"""The card editor: permission refusals, the live preview's image and aspect, photo uploads, saving."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from elshi.audit.models import AuditEvent
from elshi.content.models import Asset
from tests.studio.conftest import client_for

PREVIEW = "/tell/studio/editor/preview/"


def _quote(mission: Any, size: str = "1080x1920", **extra: str) -> dict[str, Any]:
    return {
        "mission": mission.pk,
        "template": "quote",
        "size": size,
        "language": "kk",
        "quote": "Қазақстан — бейбітшілік пен келісімнің елі.",
        "attribution": "Қасым-Жомарт Тоқаев",
        **extra,
    }


def _preview_image(html: str) -> Image.Image:
    found = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert found, html
    return Image.open(io.BytesIO(base64.b64decode(found[1])))


@pytest.mark.parametrize(
    ("size", "aspect"),
    [("1080x1920", 1080 / 1920), ("1200x630", 1200 / 630), ("1080x1080", 1.0), ("1080x1350", 0.8)],
)
def test_htmx_preview_is_a_small_image_with_the_chosen_aspect(
    people: dict[str, Any], missions: dict[str, Any], size: str, aspect: float
) -> None:
    response = client_for(people["author"]).post(
        PREVIEW, _quote(missions["berlin"], size), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    image = _preview_image(response.content.decode())
    assert max(image.size) == 480
    assert abs(image.width / image.height - aspect) < 0.01
    assert "Тоқаев" in response.content.decode()  # the drafted alt text is shown under the preview
    assert not Asset.objects.exists()  # a preview stores nothing


def test_get_preview_returns_the_png_itself(
    people: dict[str, Any], missions: dict[str, Any], claim: Any
) -> None:
    query = {
        "mission": missions["berlin"].pk,
        "template": "number",
        "claim": claim.pk,
        "size": "1200x675",
        "language": "en",
    }
    response = client_for(people["author"]).get(PREVIEW, query)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (480, 270)


def test_preview_says_what_is_missing(people: dict[str, Any], missions: dict[str, Any]) -> None:
    html = (
        client_for(people["author"])
        .post(PREVIEW, _quote(missions["berlin"], attribution=""))
        .content.decode()
    )
    assert "data:image/png" not in html and "needs the quote and who said it" in html


def test_refusals(people: dict[str, Any], missions: dict[str, Any]) -> None:
    berlin = _quote(missions["berlin"])
    for path in (PREVIEW, "/tell/studio/editor/"):
        assert client_for(None).post(path, berlin).status_code == 302  # to the login page
        assert client_for(people["viewer"]).post(path, berlin).status_code == 403
        assert client_for(people["analyst"]).get(path).status_code == 403
        assert client_for(people["outsider"]).post(path, berlin).status_code == 403  # Washington's editor
    assert client_for(people["viewer"]).get(PREVIEW, berlin).status_code == 403
    assert client_for(people["outsider"]).get(PREVIEW, berlin).status_code == 403
    assert client_for(None).get(PREVIEW, berlin).status_code == 302
    assert client_for(people["viewer"]).post("/tell/studio/editor/photo/", {}).status_code == 403
    assert not Asset.objects.exists()


def test_post_needs_the_csrf_token(people: dict[str, Any], missions: dict[str, Any]) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["author"])
    assert client.post(PREVIEW, _quote(missions["berlin"])).status_code == 403
    assert client.post("/tell/studio/editor/", _quote(missions["berlin"])).status_code == 403


def test_saving_makes_the_asset_with_edited_alt_text(
    people: dict[str, Any], missions: dict[str, Any], studio_urls: Path
) -> None:
    response = client_for(people["author"]).post(
        "/tell/studio/editor/", _quote(missions["berlin"], "1080x1350", alt_text="Дәйексөз картасы")
    )
    asset = Asset.objects.get()
    assert response["Location"] == f"/tell/studio/assets/{asset.pk}/"
    assert asset.alt_text == "Дәйексөз картасы" and asset.spec["size"] == "1080x1350"
    with Image.open(studio_urls / asset.file) as image:
        assert image.size == (1080, 1350)
    assert AuditEvent.objects.filter(action="asset.render").count() == 1


def test_bad_save_keeps_what_was_typed(people: dict[str, Any], missions: dict[str, Any]) -> None:
    response = client_for(people["author"]).post(
        "/tell/studio/editor/", _quote(missions["berlin"], attribution="", title="Бейбітшілік")
    )
    html = response.content.decode()
    assert response.status_code == 200 and "needs the quote and who said it" in html
    assert "бейбітшілік пен келісімнің" in html and 'value="Бейбітшілік"' in html
    assert not Asset.objects.exists()


def _png(size: tuple[int, int]) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, "PNG")
    out.seek(0)
    out.name = "photo.png"
    return out


def test_photo_card_upload_preview_and_save(people: dict[str, Any], missions: dict[str, Any]) -> None:
    client = client_for(people["author"])
    uploaded = client.post("/tell/studio/editor/photo/", {"upload": _png((800, 600))})
    token = re.search(r'name="photo" value="([0-9a-f]{32})"', uploaded.content.decode())
    assert token and uploaded["HX-Trigger-After-Swap"] == "photo-uploaded"
    photo = {
        "mission": missions["berlin"].pk,
        "template": "photo",
        "size": "1080x1080",
        "language": "ru",
        "headline": "Астана принимает форум",
        "credit": "Фото: МИД РК",
        "photo": token[1],
    }
    assert "data:image/png" in client.post(PREVIEW, photo).content.decode()
    # Another person cannot use this person's photo token.
    assert "Upload the photo first" in client_for(people["approver"]).post(PREVIEW, photo).content.decode()
    client.post("/tell/studio/editor/", photo)
    asset = Asset.objects.get()
    assert asset.spec["card"]["template"] == "photo" and asset.spec["card"]["photo"].startswith("uploads/")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (io.BytesIO(b"%PDF-1.4 not an image"), "not an image that can be read"),
        (_png((200, 150)), "at least 320 px"),
    ],
)
def test_bad_upload_shows_the_error(
    people: dict[str, Any], missions: dict[str, Any], upload: io.BytesIO, message: str
) -> None:
    upload.name = "file.png"
    response = client_for(people["author"]).post("/tell/studio/editor/photo/", {"upload": upload})
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html and message in html
    assert 'name="photo"' not in html


def test_gif_is_refused_by_type(people: dict[str, Any]) -> None:
    out = io.BytesIO()
    Image.new("RGB", (400, 400)).save(out, "GIF")
    out.seek(0)
    out.name = "a.gif"
    html = client_for(people["author"]).post("/tell/studio/editor/photo/", {"upload": out}).content.decode()
    assert "GIF images are not accepted" in html


def test_carousel_of_saved_cards(people: dict[str, Any], missions: dict[str, Any], claim: Any) -> None:
    client = client_for(people["author"])
    client.post("/tell/studio/editor/", _quote(missions["berlin"], "1080x1080"))
    client.post(
        "/tell/studio/editor/",
        {
            "mission": missions["berlin"].pk,
            "template": "number",
            "claim": claim.pk,
            "size": "1080x1080",
            "language": "en",
        },
    )
    first, second = Asset.objects.order_by("pk")
    response = client.post(
        "/tell/studio/editor/carousel/",
        {"size": "1080x1350", "title": "E-government", "slide1": second.pk, "slide2": first.pk},
    )
    slides = list(Asset.objects.filter(spec__carousel__isnull=False).order_by("pk"))
    assert [s.spec["carousel"]["n"] for s in slides] == [1, 2]
    assert response["Location"] == f"/tell/studio/assets/{slides[0].pk}/"
    assert slides[0].alt_text.startswith("1/2:") and slides[1].alt_text.startswith("2/2:")
    assert slides[0].spec["size"] == "1080x1350"
    outsider = client_for(people["outsider"]).post(
        "/tell/studio/editor/carousel/",
        {"size": "1080x1350", "title": "x", "slide1": first.pk, "slide2": second.pk},
    )
    assert outsider.status_code == 302 and Asset.objects.count() == 4  # refused: not Washington's cards
