"""Fitting a stored image or video to one platform's rules, once, when a variant is composed.

Instagram takes JPEG only while the studio renders PNG, and a platform refuses a video that is too
long, too big, in a codec it does not play or of a shape it does not show. What can be made to fit is
converted to a derived file beside the original (``derived/<stem>.<platform>.<ext>``); the sender
finds that same file again, so nothing is converted twice. What cannot (too long, too big) is refused
with the rule it breaks, in the composer, long before the platform would say so at sending time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from elshi.connectors.text import PlatformRules
from elshi.creative.ffmpeg import MediaInfo, probe, run_ffmpeg

__all__ = ["Fitted", "derived_path", "fit", "needs_transcode", "to_jpeg", "transcode", "video_problems"]

_MB = 1024 * 1024
# Audio every platform with declared video codecs plays (Meta and Telegram document AAC).
_AUDIO_CODECS = ("aac",)
_CONVERTIBLE_IMAGES = ("image/png", "image/webp", "image/gif", "image/bmp", "image/tiff")


@dataclass(frozen=True)
class Fitted:
    """What to send for one stored file: ``path`` (the original or a derived copy) and its type, or
    ``problems`` naming the rules it breaks that no conversion mends."""

    path: Path
    mime_type: str
    problems: list[str] = field(default_factory=list)
    info: MediaInfo | None = None


def derived_path(source: Path, platform: str, suffix: str) -> Path:
    return source.parent / "derived" / f"{source.stem}.{platform}{suffix}"


def _label(rules: PlatformRules) -> str:
    return rules.platform.capitalize()


def _megabytes(size: int) -> str:
    return f"{size / _MB:.0f} MB" if size >= _MB else f"{size / 1024:.0f} kB"


def to_jpeg(source: Path, target: Path, *, quality: int = 90) -> Path:
    """A JPEG copy; transparency is flattened on white (JPEG has no alpha, and black, PIL's default
    for dropped alpha, would turn a card's transparent margin into a black frame)."""
    with Image.open(source) as image:
        image.load()
        rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    target.parent.mkdir(parents=True, exist_ok=True)
    flat.save(target, "JPEG", quality=quality, optimize=True)
    return target


def _too_big(rules: PlatformRules, cap: int, size: int, position: int, what: str = "videos") -> str:
    return f"{_label(rules)} takes {what} up to {_megabytes(cap)}; media {position} is {_megabytes(size)}"


def video_problems(rules: PlatformRules, info: MediaInfo, size: int, position: int = 1) -> list[str]:
    """The rules a video breaks that converting it would not mend."""
    label, problems = _label(rules), []
    if rules.max_video_bytes is not None and size > rules.max_video_bytes:
        problems.append(_too_big(rules, rules.max_video_bytes, size, position))
    if rules.max_video_seconds is not None and info.duration > rules.max_video_seconds:
        problems.append(
            f"{label} takes videos up to {rules.max_video_seconds:g} seconds; "
            f"media {position} lasts {info.duration:.1f} seconds"
        )
    if rules.min_video_seconds is not None and info.duration < rules.min_video_seconds:
        problems.append(
            f"{label} takes videos of at least {rules.min_video_seconds:g} seconds; "
            f"media {position} lasts {info.duration:.1f} seconds"
        )
    return problems


def _aspect_fits(rules: PlatformRules, info: MediaInfo) -> bool:
    if rules.video_aspect is None or not info.width or not info.height:
        return True
    low, high = rules.video_aspect
    return low <= info.width / info.height <= high


def needs_transcode(rules: PlatformRules, info: MediaInfo) -> bool:
    if rules.video_codecs and info.video_codec not in rules.video_codecs:
        return True
    if rules.video_codecs and info.audio_codec and info.audio_codec not in _AUDIO_CODECS:
        return True
    return not _aspect_fits(rules, info)


def _pad_filter(rules: PlatformRules, info: MediaInfo) -> str:
    """Letterbox (never crop: a cropped frame may cut a caption or a face) into the nearest ratio the
    platform shows; dimensions even, as H.264 with 4:2:0 chroma needs."""
    width, height = info.width or 2, info.height or 2
    if rules.video_aspect is not None and not _aspect_fits(rules, info):
        low, high = rules.video_aspect
        if width / height > high:
            height = round(width / high)
        else:
            width = round(height * low)
    width, height = width + width % 2, height + height % 2
    return f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black,format=yuv420p"


def transcode(rules: PlatformRules, source: Path, target: Path, info: MediaInfo) -> Path:
    """H.264 (high profile) and AAC in an MP4 with its index first (Meta fetches and checks the
    ``moov`` atom before the rest of the file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    args = ["-i", str(source), "-vf", _pad_filter(rules, info), "-c:v", "libx264", "-profile:v", "high"]
    args += ["-preset", "veryfast", "-crf", "23"]
    args += ["-c:a", "aac", "-b:a", "128k", "-ar", "48000"] if info.audio_codec else ["-an"]
    run_ffmpeg([*args, "-movflags", "+faststart", str(target)], duration=info.duration)
    return target


def fit(rules: PlatformRules, source: Path, mime_type: str, position: int = 1) -> Fitted:
    """The file to send to ``rules.platform`` for ``source``, converted where it must and can be."""
    kind = mime_type.split("/", 1)[0]
    if kind == "image":
        return _fit_image(rules, source, mime_type, position)
    if kind == "video":
        return _fit_video(rules, source, mime_type, position)
    return Fitted(source, mime_type)


def _fit_image(rules: PlatformRules, source: Path, mime_type: str, position: int) -> Fitted:
    path, mime = source, mime_type
    if mime not in rules.image_mime_types and "image/jpeg" in rules.image_mime_types:
        if mime in _CONVERTIBLE_IMAGES:
            path, mime = derived_path(source, rules.platform, ".jpg"), "image/jpeg"
            if not path.is_file() or path.stat().st_mtime < source.stat().st_mtime:
                to_jpeg(source, path)
    size = path.stat().st_size
    if rules.max_image_bytes is not None and size > rules.max_image_bytes:
        return Fitted(path, mime, [_too_big(rules, rules.max_image_bytes, size, position, "images")])
    return Fitted(path, mime)


def _fit_video(rules: PlatformRules, source: Path, mime_type: str, position: int) -> Fitted:
    size = source.stat().st_size
    if rules.max_video_bytes is not None and size > rules.max_video_bytes:  # refused before any probing
        return Fitted(source, mime_type, [_too_big(rules, rules.max_video_bytes, size, position)])
    info = probe(str(source))
    problems = video_problems(rules, info, size, position)
    if problems or (mime_type in rules.video_mime_types and not needs_transcode(rules, info)):
        return Fitted(source, mime_type, problems, info)
    target = derived_path(source, rules.platform, ".mp4")
    if not target.is_file() or target.stat().st_mtime < source.stat().st_mtime:
        transcode(rules, source, target, info)
    fitted = probe(str(target))
    # Re-encoding may grow a file past the cap: check what will actually be sent.
    return Fitted(target, "video/mp4", video_problems(rules, fitted, target.stat().st_size, position), fitted)
