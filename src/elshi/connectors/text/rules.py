"""Rules for text and media, as one pure validation the composer reuses; each platform's own limits
are declared with its publisher (``facts.rules``) and collected in :data:`RULES`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from ..types import Media, Message
from .counting import grapheme_count, mastodon_length, threads_length, utf16_length, x_weighted_length

__all__ = ["RULES", "PlatformRules", "mastodon_rules", "rules_for", "text_length", "validate"]


def _codepoints(text: str) -> int:
    return len(text)


def _utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


_COUNTERS: dict[str, Callable[[str], int]] = {
    "x": x_weighted_length,
    "graphemes": grapheme_count,
    "utf16": utf16_length,
    "codepoints": _codepoints,
    "threads": threads_length,
}


@dataclass(frozen=True, slots=True)
class PlatformRules:
    """What one platform (or one Mastodon instance) accepts."""

    platform: str
    max_length: int
    counting: str = "codepoints"  # x | graphemes | utf16 | codepoints | threads | mastodon
    max_bytes: int | None = None  # Bluesky also caps the UTF-8 size
    caption_max_length: int | None = None  # Telegram: a caption under media is shorter
    url_length: int = 23  # Mastodon: characters_reserved_per_url
    max_media: int = 4
    media_required: bool = False
    video_required: bool = False
    alt_text_max: int | None = None
    image_mime_types: tuple[str, ...] = ("image/jpeg", "image/png", "image/gif", "image/webp")
    video_mime_types: tuple[str, ...] = ("video/mp4",)
    max_image_bytes: int | None = None
    max_video_bytes: int | None = None
    title_max_length: int | None = None
    mix_images_and_video: bool = False
    max_videos: int | None = None
    # Media fitting (elshi.creative.fitting): platforms that fetch media from a public address rather
    # than take an upload, and what their videos must be (seconds, codecs, width/height ratio range).
    media_from_url: bool = False
    max_video_seconds: float | None = None
    min_video_seconds: float | None = None
    video_codecs: tuple[str, ...] = ()
    video_aspect: tuple[float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict, for storing a channel's limits as the platform published them."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlatformRules:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
        }
        return cls(**values)


RULES: dict[str, PlatformRules] = {}
"""Each platform's default rules, as declared in its publisher's ``facts`` (see
:mod:`elshi.connectors.facts`); filled when :mod:`elshi.connectors` registers its platforms, which
importing this module always does first, since it is part of that package."""


def rules_for(platform: str) -> PlatformRules:
    """Default rules for ``platform``; ``KeyError`` for an unknown one."""
    return RULES[platform]


def _section(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def mastodon_rules(instance: Mapping[str, Any]) -> PlatformRules:
    """Rules from an instance's ``GET /api/v2/instance`` answer (falls back to Mastodon's defaults)."""
    config = _section(instance, "configuration")
    statuses = _section(config, "statuses")
    media = _section(config, "media_attachments")
    base = RULES["mastodon"]

    def number(section: Mapping[str, Any], key: str, default: int | None) -> int | None:
        value = section.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default

    types = media.get("supported_mime_types")
    types = [t for t in types if isinstance(t, str)] if isinstance(types, list) else []
    return replace(
        base,
        max_length=number(statuses, "max_characters", base.max_length) or base.max_length,
        url_length=number(statuses, "characters_reserved_per_url", 23) or 23,
        max_media=number(statuses, "max_media_attachments", base.max_media) or base.max_media,
        alt_text_max=number(media, "description_limit", base.alt_text_max),
        max_image_bytes=number(media, "image_size_limit", None),
        max_video_bytes=number(media, "video_size_limit", None),
        image_mime_types=tuple(t for t in types if t.startswith("image/")) or base.image_mime_types,
        video_mime_types=tuple(t for t in types if t.startswith("video/")) or base.video_mime_types,
        mix_images_and_video=False,
    )


def text_length(rules: PlatformRules, text: str) -> int:
    """``text`` measured the way ``rules.platform`` measures it."""
    return _measure(rules.counting, rules.url_length, text)


@functools.lru_cache(maxsize=1024)
def _measure(counting: str, url_length: int, text: str) -> int:
    """Remembered: a post going to hundreds of channels is measured once per platform, not per
    channel, and again when the sender checks it before sending."""
    if counting == "mastodon":
        return mastodon_length(text, url_length=url_length)
    return _COUNTERS[counting](text)


def validate(rules: PlatformRules, message: Message) -> list[str]:
    """Every reason ``rules.platform`` would refuse ``message``, in words for the composer."""
    problems: list[str] = []
    name = rules.platform
    media = message.media
    limit = rules.caption_max_length if media and rules.caption_max_length else rules.max_length
    length = text_length(rules, message.text)
    if length > limit:
        what = "caption" if media and rules.caption_max_length else "text"
        problems.append(f"{name}: {what} is {length} characters, the limit is {limit}")
    if rules.max_bytes is not None and len(message.text.encode("utf-8")) > rules.max_bytes:
        problems.append(f"{name}: text is over {rules.max_bytes} bytes")
    if rules.title_max_length is not None and message.title and len(message.title) > rules.title_max_length:
        problems.append(f"{name}: title is over {rules.title_max_length} characters")
    if rules.media_required and not media:
        problems.append(f"{name}: a post needs {'a video' if rules.video_required else 'an image or video'}")
    if rules.video_required and media and not any(item.kind == "video" for item in media):
        problems.append(f"{name}: a post needs a video")
    if len(media) > rules.max_media:
        problems.append(f"{name}: {len(media)} media attached, the limit is {rules.max_media}")
    videos = sum(1 for item in media if item.kind == "video")
    if rules.max_videos is not None and videos > rules.max_videos:
        problems.append(f"{name}: {videos} videos attached, the limit is {rules.max_videos}")
    kinds = {item.kind for item in media}
    if {"image", "video"} <= kinds and not rules.mix_images_and_video:
        problems.append(f"{name}: images and video cannot be mixed in one post")
    for position, item in enumerate(media, start=1):
        problems.extend(_media_problems(rules, position, item))
    return problems


def _media_problems(rules: PlatformRules, position: int, item: Media) -> list[str]:
    name = rules.platform
    allowed = rules.image_mime_types if item.kind == "image" else rules.video_mime_types
    problems: list[str] = []
    if item.mime_type not in allowed:
        problems.append(f"{name}: media {position} is {item.mime_type}, which it does not accept")
    size = len(item.data) if item.data is not None else None
    cap = rules.max_image_bytes if item.kind == "image" else rules.max_video_bytes
    if size is not None and cap is not None and size > cap:
        problems.append(f"{name}: media {position} is {size} bytes, the limit is {cap}")
    if rules.alt_text_max is not None and len(item.alt_text) > rules.alt_text_max:
        problems.append(f"{name}: alt text of media {position} is over {rules.alt_text_max} characters")
    return problems
