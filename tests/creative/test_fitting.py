"""Media fitted to a platform's rules: PNG to JPEG, videos probed, transcoded or refused by name."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from elshi.connectors.text import PlatformRules, rules_for
from elshi.creative.ffmpeg import probe, run_ffmpeg
from elshi.creative.fitting import derived_path, fit

MB = 1024 * 1024


def _video(path: Path, size: str = "160x40", codec: str = "mpeg4", audio: str = "mp2") -> Path:
    """A one-second clip made here: wide (4:1), MPEG-4 part 2 video and MP2 audio, which Meta refuses."""
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size={size}:rate=25:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
        ]
        + ["-c:v", codec, "-c:a", audio, "-shortest", str(path)]
    )
    return path


def test_png_with_transparency_becomes_a_jpeg_on_white_for_instagram(tmp_path: Path) -> None:
    source = tmp_path / "card.png"
    image = Image.new("RGBA", (40, 20), (0, 0, 0, 0))  # transparent black everywhere...
    image.paste((200, 0, 0, 255), (0, 0, 20, 20))  # ...but an opaque red left half
    image.save(source)

    fitted = fit(rules_for("instagram"), source, "image/png")

    assert fitted.problems == []
    assert (fitted.path, fitted.mime_type) == (derived_path(source, "instagram", ".jpg"), "image/jpeg")
    assert fitted.path == tmp_path / "derived" / "card.instagram.jpg" and source.is_file()
    with Image.open(fitted.path) as jpeg:
        assert jpeg.format == "JPEG" and jpeg.mode == "RGB"
        right, left = jpeg.getpixel((35, 10)), jpeg.getpixel((5, 10))
    assert all(channel > 245 for channel in right)  # flattened on white, not black
    assert left[0] > 180 and left[1] < 40
    # A platform that takes PNG gets the original, untouched.
    assert fit(rules_for("threads"), source, "image/png").path == source


def test_telegram_refuses_a_60_mb_video_naming_the_rule(tmp_path: Path) -> None:
    big = tmp_path / "speech.mp4"
    with big.open("wb") as handle:
        handle.truncate(60 * MB)  # sparse: the size is refused before the file is read
    fitted = fit(rules_for("telegram"), big, "video/mp4")
    assert fitted.problems == ["Telegram takes videos up to 50 MB; media 1 is 60 MB"]
    assert fit(rules_for("telegram"), big, "video/mp4", position=3).problems[0].endswith("media 3 is 60 MB")


def test_video_in_a_foreign_codec_and_shape_is_transcoded_to_h264_aac(tmp_path: Path) -> None:
    source = _video(tmp_path / "clip.mov")
    before = probe(str(source))
    assert (before.video_codec, before.audio_codec, before.width, before.height) == ("mpeg4", "mp2", 160, 40)
    rules = PlatformRules(
        "instagram",
        2200,
        video_mime_types=("video/mp4",),
        video_codecs=("h264",),
        video_aspect=(0.8, 1.91),
    )

    fitted = fit(rules, source, "video/quicktime")

    assert fitted.problems == [] and fitted.mime_type == "video/mp4"
    assert fitted.path == tmp_path / "derived" / "clip.instagram.mp4"
    after = probe(str(fitted.path))
    assert (after.video_codec, after.audio_codec) == ("h264", "aac")
    assert after.width == 160 and 0.8 <= after.width / after.height <= 1.91  # letterboxed, not cropped
    made = fitted.path.stat().st_mtime_ns
    assert fit(rules, source, "video/quicktime").path.stat().st_mtime_ns == made  # fitted once, then reused


def test_video_that_fits_is_sent_as_it_is_and_too_long_is_refused(tmp_path: Path) -> None:
    source = _video(tmp_path / "ok.mp4", size="64x64", codec="libx264", audio="aac")
    rules = PlatformRules("threads", 500, video_codecs=("h264",), video_aspect=(0.5, 2.0))
    assert fit(rules, source, "video/mp4").path == source
    assert not (tmp_path / "derived").exists()
    reels = PlatformRules("instagram", 2200, video_codecs=("h264",), min_video_seconds=3)
    assert fit(reels, source, "video/mp4").problems == [
        "Instagram takes videos of at least 3 seconds; media 1 lasts 1.0 seconds"
    ]
    short = PlatformRules("threads", 500, max_video_seconds=0.5)
    assert fit(short, source, "video/mp4").problems == [
        "Threads takes videos up to 0.5 seconds; media 1 lasts 1.0 seconds"
    ]
