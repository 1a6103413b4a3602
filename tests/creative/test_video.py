"""Short vertical video: streams, duration, burned-in captions at the SRT's times, audio, progress."""

from __future__ import annotations

import math
import re
import struct
import subprocess
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from elshi.creative import BrandKit, NumberCard, QuoteCard, StoryboardError, voice
from elshi.creative.captions import parse_srt, parse_vtt
from elshi.creative.ffmpeg import ffmpeg_exe, probe
from elshi.creative.fonts import FontLibrary
from elshi.creative.storyboard import Scene, Storyboard
from elshi.creative.video import render_video
from elshi.creative.video_frames import caption_box, scene_image, with_caption


def _tone(path: Path, seconds: float = 1.0) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        frames = b"".join(
            struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * n / 22050)))
            for n in range(int(22050 * seconds))
        )
        out.writeframes(frames)
    return path


def _frame(path: Path, at: float, size: tuple[int, int]) -> np.ndarray:
    raw = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-ss",
            f"{at:.3f}",
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(size[1], size[0], 3).astype(int)


def _max_volume(path: Path) -> float:
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-af", "volumedetect", "-vn", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    match = re.search(r"max_volume: (-?[\d.]+|-inf) dB", result.stderr)
    assert match, result.stderr[-500:]
    return -999.0 if match[1] == "-inf" else float(match[1])


SIZE = (360, 640)


def _board(**kwargs: Any) -> Storyboard:
    scenes = (
        Scene(
            NumberCard("24", "Қазақстан БҰҰ индексінде", "БҰҰ DESA, 2024", "kk"),
            2.0,
            "Қазақстан электрондық үкімет индексінде жиырма төртінші орында",
        ),
        Scene(QuoteCard("Цифрлық мемлекет", "СІМ", "kk"), 1.5, "Цифрлық мемлекет"),
    )
    return Storyboard(scenes, language="kk", transition_s=0.5, size=SIZE, fps=25, title="test", **kwargs)


def test_short_video_streams_captions_and_progress(tmp_path: Path) -> None:
    board = _board(music=_tone(tmp_path / "music.wav"))
    seen: list[tuple[float, str]] = []
    result = render_video(board, tmp_path / "clip.mp4", progress=lambda f, s: seen.append((f, s)))
    info = probe(str(result.path))
    assert (info.video_codec, info.pixel_format) == ("h264", "yuv420p")
    assert info.video_profile in {"Constrained Baseline", "Main", "High"}  # what TikTok, Reels, Shorts ingest
    assert (info.width, info.height, info.fps) == (360, 640, 25.0)
    assert (info.audio_codec, info.sample_rate, info.channels) == ("aac", 48000, "stereo")
    assert info.duration == pytest.approx(board.duration, abs=0.1) and board.duration == pytest.approx(3.0)
    assert "digitalCreation" in info.tag("comment") and info.tag("title") == "test"

    srt = parse_srt(result.srt_path.read_text(encoding="utf-8"))
    assert srt == list(result.cues) == parse_vtt(result.vtt_path.read_text(encoding="utf-8"))
    assert srt[0].start == 0 and srt[-1].end == pytest.approx(board.duration)
    # The caption of scene 2 takes over at the midpoint of the 0.5 s transition that starts at 1.5 s.
    assert srt[-1].start == pytest.approx(1.75) and srt[-1].text == "Цифрлық мемлекет"

    # Burned in: a frame in the middle of each cue shows that cue's still, not another's.
    library, brand = FontLibrary(), BrandKit()
    box = caption_box(SIZE, brand)
    stills = []
    for cue in srt:
        index = 0 if cue.end <= 1.75 + 1e-6 else 1
        base, _alt = scene_image(board.scenes[index], board, brand, library)
        # Cards sit above the caption band: nothing of the card is under the captions.
        assert np.asarray(base)[box.y : box.bottom].std(axis=(0, 1)).max() == 0
        stills.append(np.asarray(with_caption(base, cue.text, box, library, "kk")).astype(int))
    for n, cue in enumerate(srt):
        frame = _frame(result.path, (cue.start + cue.end) / 2 if n else 0.3, SIZE)
        band = slice(box.y, box.bottom)
        errors = [np.abs(frame[band] - still[band]).mean() for still in stills]
        assert errors[n] < 6, errors
        assert errors[n] == min(errors) and sorted(errors)[1] > errors[n] + 2, errors

    # Mid-transition (the fade runs 1.5..2.0 s) the picture is a blend of both scenes' cards.
    top = slice(0, box.y)
    mid = _frame(result.path, 1.75, SIZE)[top]
    first, second = stills[0][top], stills[-1][top]
    to_blend = np.abs(mid - (first + second) / 2).mean()
    assert (
        to_blend < 6
        and to_blend < np.abs(mid - first).mean() / 2
        and to_blend < np.abs(mid - second).mean() / 2
    )

    fractions = [f for f, _s in seen]
    assert fractions == sorted(fractions) and seen[-1] == (1.0, "done")
    assert {s for _f, s in seen} == {"frames", "voice", "encode", "done"}
    assert _max_volume(result.path) > -35  # the music is there (silence reads below -80 dB)


def test_silent_video_still_has_an_aac_track(tmp_path: Path) -> None:
    board = Storyboard(
        (Scene(Image.new("RGB", (720, 1280), (0, 130, 154)), 3.0),), size=SIZE, fps=24, transition="cut"
    )
    result = render_video(board, tmp_path / "silent.mp4")
    info = probe(str(result.path))
    assert info.audio_codec == "aac" and info.duration == pytest.approx(3.0, abs=0.1)
    assert _max_volume(result.path) < -80
    assert result.cues == () and result.srt_path.read_text(encoding="utf-8") == ""


@pytest.mark.skipif(not voice.available(), reason="espeak-ng is not installed")
def test_voice_over_is_spoken_in_kazakh(tmp_path: Path) -> None:
    wav = tmp_path / "v.wav"
    seconds = voice.synthesize("Қазақстан электрондық үкімет индексінде", "kk", wav)
    assert 1.0 < seconds < 6.0
    board = _board(voiceover=True)
    result = render_video(board, tmp_path / "voiced.mp4")
    assert result.voiced
    assert _max_volume(result.path) > -25


def test_storyboards_the_platforms_would_refuse() -> None:
    card = NumberCard("1", "x", "y")
    with pytest.raises(StoryboardError, match="3 to 90"):
        Storyboard((Scene(card, 2.0),))
    with pytest.raises(StoryboardError, match="3 to 90"):
        Storyboard(tuple(Scene(card, 10.0) for _ in range(10)))
    with pytest.raises(StoryboardError, match="transition"):
        Storyboard((Scene(card, 4.0),), transition="spin")  # type: ignore[arg-type]
    with pytest.raises(StoryboardError, match="9:16"):
        Storyboard((Scene(card, 4.0),), size=(1080, 1080))
    with pytest.raises(StoryboardError, match="music"):
        Storyboard((Scene(card, 4.0),), music="/nonexistent.mp3")
    with pytest.raises(StoryboardError, match="shorter"):
        Storyboard((Scene(card, 3.0), Scene(card, 0.8)), transition_s=0.5)


@pytest.mark.slow
def test_fifteen_second_vertical_video_in_kazakh(tmp_path: Path) -> None:
    scenes = (
        Scene(
            NumberCard("24-орын", "Қазақстан БҰҰ-ның электрондық үкімет индексінде", "БҰҰ DESA, 2024", "kk"),
            5.5,
            "Қазақстан БҰҰ-ның электрондық үкімет индексінде жиырма төртінші орынға көтерілді",
        ),
        Scene(QuoteCard("Цифрлық мемлекет — әр азаматқа қызмет", "СІМ", "kk"), 5.0, "Цифрлық мемлекет"),
        Scene(NumberCard("193", "елдің ішінде", "БҰҰ", "kk"), 5.5, "Бұл 193 елдің ішіндегі нәтиже"),
    )
    board = Storyboard(scenes, language="kk", voiceover=voice.available())
    result = render_video(board, tmp_path / "kk.mp4")
    info = result.info
    assert board.duration == 15.0 and info.duration == pytest.approx(15.0, abs=0.1)
    assert (info.width, info.height, info.fps, info.video_codec, info.audio_codec) == (
        1080,
        1920,
        30.0,
        "h264",
        "aac",
    )
    assert result.path.stat().st_size < 50_000_000
    assert "Дереккөз" in result.alt_text


def test_ai_image_scene_is_labelled_on_the_frame_and_marked_in_the_file(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from elshi.creative import GeneratedImage, LabelWaiver, Provenance

    picture = Image.new("RGB", (800, 800), (90, 140, 200))
    made = Provenance(
        "trainedAlgorithmicMedia", "aigerim", datetime(2025, 1, 1, tzinfo=UTC), "openai", "m", "p"
    )
    generated = GeneratedImage(picture, made)
    board = Storyboard((Scene(generated, 3.0, "Бәйтерек"),), language="kk", size=SIZE, fps=24)
    frame, alt = scene_image(board.scenes[0], board, BrandKit(), FontLibrary())
    assert alt.startswith("Жасанды интеллект жасаған")
    pixels = np.asarray(frame).astype(int)
    band = pixels[round(SIZE[1] * 0.12) : round(SIZE[1] * 0.2)]
    assert (band.sum(axis=2) < 100).sum() > 500 and (
        band.min(axis=2) > 240
    ).sum() > 50  # dark pill, white text
    waived = Scene(
        generated, 3.0, "Бәйтерек", label_waiver=LabelWaiver("approver", "Labelled in the caption")
    )
    plain, _alt = scene_image(waived, board, BrandKit(), FontLibrary())
    assert np.asarray(plain).astype(int).std(axis=(0, 1)).max() < 1  # untouched picture

    result = render_video(board, tmp_path / "ai.mp4")
    assert result.provenance.source_type == "compositeWithTrainedAlgorithmicMedia"
    assert "compositeWithTrainedAlgorithmicMedia" in probe(str(result.path)).tag("comment")
