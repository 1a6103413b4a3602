"""Brand kits (who edits, contrast, overrides, audit), the storyboard builder, the composer's picker."""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from elshi.audit.models import AuditEvent
from elshi.content import studio
from elshi.content.models import Asset, AssetKind, AssetState, Brand
from tests.studio.conftest import client_for

KIT = {
    "name": "Embassy of Kazakhstan in Germany",
    "handle": "@KazEmbGermany",
    "default_language": "de",
    "safe_margin": "8",
    "font_regular": "",
    "font_bold": "",
    "accent": "#00afca",
    "accent_text": "#00829a",
    "highlight": "#fec50c",
    "background": "#ffffff",
    "surface": "#f2f4f5",
    "text": "#1b2428",
    "muted_text": "#4a5a62",
}


def test_brand_kit_refusals(people: dict[str, Any], missions: dict[str, Any]) -> None:
    assert client_for(None).get("/tell/studio/brand/berlin/").status_code == 302
    for name in ("author", "viewer", "analyst", "outsider"):
        assert client_for(people[name]).post("/tell/studio/brand/berlin/", KIT).status_code == 403, name
    assert client_for(people["approver"]).post("/tell/studio/brand/ministry/", KIT).status_code == 403
    assert client_for(people["viewer"]).get("/tell/studio/brand/").status_code == 403
    assert not Brand.objects.exists()


def test_low_contrast_is_refused_and_the_form_keeps_the_values(
    people: dict[str, Any], missions: dict[str, Any]
) -> None:
    response = client_for(people["approver"]).post("/tell/studio/brand/berlin/", {**KIT, "text": "#cccccc"})
    html = response.content.decode()
    assert response.status_code == 200 and "text needs at least 4.5:1" in html
    assert 'value="#cccccc"' in html and "@KazEmbGermany" in html
    assert not Brand.objects.exists()


def test_mission_kit_stores_only_its_overrides_and_is_audited(
    people: dict[str, Any], missions: dict[str, Any]
) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (120, 60), (0, 130, 154, 255)).save(out, "PNG")
    out.seek(0)
    out.name = "logo.png"
    response = client_for(people["approver"]).post(
        "/tell/studio/brand/berlin/", {**KIT, "accent": "#2255aa", "logo": out}
    )
    assert response.status_code == 302
    stored = Brand.objects.get(mission=missions["berlin"]).data
    assert stored["accent"] == "#2255AA" and stored["default_language"] == "de"
    assert "text" not in stored and stored["logo"].startswith("brand/")  # same as the ministry: inherited
    kit = studio.brand_for(missions["berlin"])
    assert kit.accent == "#2255AA" and kit.safe_margin == 0.08 and Path(kit.logo or "").is_file()
    event = AuditEvent.objects.get(action="brand.save")
    assert event.mission_slug == "berlin" and event.changes["accent"] == [None, "#2255AA"]
    # The ministry's kit, by the HQ administrator, reaches Washington (no overrides there).
    client_for(people["admin"]).post("/tell/studio/brand/ministry/", {**KIT, "text": "#000000"})
    assert studio.brand_for(missions["washington"]).text == "#000000"
    assert studio.brand_for(missions["berlin"]).accent == "#2255AA"


def test_bad_logo_shows_the_error(people: dict[str, Any], missions: dict[str, Any]) -> None:
    bad = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    bad.name = "logo.svg"
    html = (
        client_for(people["approver"])
        .post("/tell/studio/brand/berlin/", {**KIT, "logo": bad})
        .content.decode()
    )
    assert "not an image that can be read" in html and not Brand.objects.exists()


def _cards(author: Any, berlin: Any, n: int = 2) -> list[Asset]:
    spec = {"template": "quote", "quote": "Бейбітшілік", "attribution": "Абай", "language": "kk"}
    return [
        studio.do_render_card(berlin, spec, "1080x1920", acting_user=author, title=f"card {i}")
        for i in range(n)
    ]


def _wav(seconds: float = 2.0) -> io.BytesIO:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * t / 22050)))
                for t in range(int(22050 * seconds))
            )
        )
    out.seek(0)
    out.name = "theme.wav"
    return out


def _board(berlin: Any, cards: list[Asset], **extra: Any) -> dict[str, Any]:
    data = {
        "mission": berlin.pk,
        "title": "Бейбітшілік",
        "language": "kk",
        "transition": "fade",
        "scene1_asset": cards[1].pk,
        "scene1_seconds": "2",
        "scene1_caption": "Бірінші",
        "scene2_asset": cards[0].pk,
        "scene2_seconds": "2.5",
        "scene2_caption": "Екінші",
    }
    return {**data, **extra}


@pytest.mark.slow
def test_storyboard_with_music_renders_in_order(
    people: dict[str, Any], missions: dict[str, Any], studio_urls: Path
) -> None:
    from elshi.creative import probe

    cards = _cards(people["author"], missions["berlin"])
    client = client_for(people["author"])
    assert "Scene 1" in client.get("/tell/studio/storyboard/").content.decode()
    response = client.post("/tell/studio/storyboard/", _board(missions["berlin"], cards, music=_wav()))
    video = Asset.objects.get(kind=AssetKind.VIDEO)
    assert response["Location"] == f"/tell/studio/assets/{video.pk}/"
    assert [s["asset"] for s in video.spec["scenes"]] == [cards[1].pk, cards[0].pk]
    assert [s["duration"] for s in video.spec["scenes"]] == [2.0, 2.5]
    assert video.spec["music"].startswith("uploads/music/")
    progress = client.get(f"/tell/studio/assets/{video.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<progress" in progress
    studio.render_video_now(video.pk)
    video.refresh_from_db()
    assert video.state == AssetState.READY
    info = probe(str(studio_urls / video.file))
    assert (info.width, info.height, info.video_codec, info.audio_codec) == (1080, 1920, "h264", "aac")
    assert abs(info.duration - 4.0) < 0.2  # 2 + 2.5 - 0.5 s of fade
    assert (studio_urls / video.file).with_suffix(".srt").read_text().count("-->") == 2


def test_storyboard_refusals_and_errors(people: dict[str, Any], missions: dict[str, Any]) -> None:
    cards = _cards(people["author"], missions["berlin"])
    board = _board(missions["berlin"], cards)
    assert client_for(None).post("/tell/studio/storyboard/", board).status_code == 302
    assert client_for(people["viewer"]).post("/tell/studio/storyboard/", board).status_code == 403
    assert client_for(people["outsider"]).post("/tell/studio/storyboard/", board).status_code == 403
    washington = {**board, "mission": missions["washington"].pk}  # Berlin's cards in Washington's video
    outsider = client_for(people["outsider"]).post("/tell/studio/storyboard/", washington)
    assert (
        "Select a valid choice" in outsider.content.decode()
        or "Make a card first" in outsider.content.decode()
    )
    short = client_for(people["author"]).post(
        "/tell/studio/storyboard/", {**board, "scene1_seconds": "1.5", "scene2_seconds": "1.5"}
    )
    assert "TikTok, Reels and Shorts all take 3 to 90 s" in short.content.decode()
    noise = io.BytesIO(b"not audio at all" * 100)
    noise.name = "music.mp3"
    bad = client_for(people["author"]).post("/tell/studio/storyboard/", {**board, "music": noise})
    assert "no sound that can be read" in bad.content.decode()
    assert 'value="Екінші"' in bad.content.decode()  # nothing typed is lost
    assert not Asset.objects.filter(kind=AssetKind.VIDEO).exists()


def test_composer_picker_shows_alt_text_and_is_mission_bound(
    people: dict[str, Any], missions: dict[str, Any]
) -> None:
    card = _cards(people["author"], missions["berlin"], 1)[0]
    berlin = {"mission": missions["berlin"].pk, "target": "id_v-0-attachments"}
    html = client_for(people["author"]).get("/tell/studio/picker/", berlin).content.decode()
    assert (
        f'data-line="{card.media_url} | {card.alt_text}"' in html
        and 'data-target="id_v-0-attachments"' in html
    )
    assert client_for(people["outsider"]).get("/tell/studio/picker/", berlin).status_code == 403
    assert client_for(people["viewer"]).get("/tell/studio/picker/", berlin).status_code == 403
    assert client_for(None).get("/tell/studio/picker/", berlin).status_code == 302
    assert card.title not in client_for(people["outsider"]).get("/tell/studio/picker/").content.decode()
    Asset.objects.filter(pk=card.pk).update(alt_text="")
    html = client_for(people["author"]).get("/tell/studio/picker/", berlin).content.decode()
    assert "No alt text" in html and "data-line" not in html
    compose = client_for(people["author"]).get("/tell/posts/new/").content.decode()
    assert "Pick media from the studio library" in compose and 'hx-get="/tell/studio/picker/"' in compose


def test_alt_text_is_editable_by_composers_only(people: dict[str, Any], missions: dict[str, Any]) -> None:
    card = _cards(people["author"], missions["berlin"], 1)[0]
    url = f"/tell/studio/assets/{card.pk}/alt-text/"
    assert client_for(people["viewer"]).post(url, {"alt_text": "x"}).status_code == 403
    assert client_for(people["outsider"]).post(url, {"alt_text": "x"}).status_code == 403
    client_for(people["author"]).post(url, {"alt_text": "  "})
    card.refresh_from_db()
    assert card.alt_text  # an empty alt text is refused
    client_for(people["author"]).post(url, {"alt_text": "Абайдың сөзі жазылған карта"})
    card.refresh_from_db()
    assert card.alt_text == "Абайдың сөзі жазылған карта"
    assert AuditEvent.objects.filter(action="asset.alt_text").exists()
