"""Regression tests for defects found in review of the studio uploads."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from elshi.content import studio_uploads
from tests.queries import queries_of


def _wav_bytes(seconds: float = 1.0) -> bytes:
    import io

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * t / 8000)))
                for t in range(int(8000 * seconds))
            )
        )
    return out.getvalue()


def test_music_playlist_that_reads_a_local_file_is_refused(settings: Any, tmp_path: Path) -> None:
    """An HLS playlist named .mp3 makes ffmpeg open other files (or URLs): refused by its bytes."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    import subprocess

    from elshi.creative.ffmpeg import ffmpeg_exe

    source = tmp_path / "source.wav"
    source.write_bytes(_wav_bytes())
    secret = tmp_path / "elsewhere" / "private.aac"  # any audio file on the server's disk
    secret.parent.mkdir()
    subprocess.run(  # noqa: S603
        [ffmpeg_exe(), "-loglevel", "error", "-i", str(source), "-c:a", "aac", str(secret)], check=True
    )
    playlist = (
        f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\n{secret}\n#EXT-X-ENDLIST\n"
    ).encode()
    with pytest.raises(studio_uploads.UploadRefused):
        studio_uploads.save_music(SimpleUploadedFile("theme.m3u8", playlist))
    concat = f"ffconcat version 1.0\nfile '{secret}'\n".encode()
    with pytest.raises(studio_uploads.UploadRefused):
        studio_uploads.save_music(SimpleUploadedFile("list.ffconcat", concat))
    assert not list((tmp_path / "media").rglob("*.*"))  # nothing refused is kept


def test_music_is_stored_under_the_suffix_of_what_it_is(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    relative = studio_uploads.save_music(SimpleUploadedFile("theme.html", _wav_bytes()))
    assert relative.startswith("uploads/music/") and relative.endswith(".wav")
    assert (tmp_path / "media" / relative).is_file()


@pytest.mark.django_db
def test_a_refused_card_keeps_what_was_typed(login: Any, missions: dict[str, Any]) -> None:
    author = login("author")
    quote = "Kazakhstan's words, typed with care"
    response = author.post(
        "/tell/studio/card/",
        {
            "mission": missions["berlin"].pk,
            "template": "quote",
            "quote": quote,
            "attribution": "",
            "language": "en",
            "size": "1080x1080",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert quote.replace("'", "&#x27;") in body and "A quote card needs the quote and who said it." in body


@pytest.mark.django_db
def test_a_refused_video_keeps_its_title_and_captions(
    login: Any, missions: dict[str, Any], people: dict[str, Any]
) -> None:
    from elshi.content.models import Asset

    Asset.objects.create(
        mission=missions["berlin"],
        kind="card",
        state="ready",
        title="c",
        file="c.png",
        created_by=people["author"],
    )
    author = login("author")
    response = author.post(
        "/tell/studio/video/",
        {"mission": missions["berlin"].pk, "title": "Astana week", "captions": "line one", "seconds": "4"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Astana week" in body and "line one" in body


@pytest.mark.django_db
def test_studio_posts_refuse_viewer_outsider_and_anonymous(
    client: Any, login: Any, missions: dict[str, Any]
) -> None:
    data = {
        "mission": missions["berlin"].pk,
        "template": "quote",
        "quote": "q",
        "attribution": "a",
        "language": "en",
        "size": "1080x1080",
    }
    assert client.post("/tell/studio/card/", data).status_code == 302  # to the login page
    assert login("viewer").post("/tell/studio/card/", data).status_code == 403
    outsider = login("outsider").post("/tell/studio/card/", data)
    assert outsider.status_code == 400 and "Select a valid choice" in outsider.content.decode()


@pytest.mark.django_db
def test_brand_kit_list_does_not_query_per_mission(login: Any, missions: dict[str, Any]) -> None:
    from elshi.content.models import Brand
    from elshi.missions import actions as mission_actions
    from elshi.missions.models import Mission

    Brand.objects.create(mission=missions["berlin"], data={"accent": "#112233"})
    admin = login("admin")

    def count() -> int:
        return queries_of(admin, "/tell/studio/brand/")

    count()  # warm: first-request work (session, caches) is not per mission
    before = count()
    for n in range(4):
        mission_actions.do_save_mission(
            Mission(
                slug=f"m{n}",
                name=f"M {n}",
                kind="embassy",
                host_country="FR",
                city="Paris",
                timezone="Europe/Paris",
                languages=["fr"],
            ),
            acting_user=None,
        )
    assert count() == before
