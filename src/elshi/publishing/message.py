"""What a delivery sends: its variant as a connector ``Message``, with its media, and its stable key."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings

from elshi.connectors import InvalidMessage, Media, Message
from elshi.content.media import media_problems
from elshi.content.models import Variant
from elshi.publishing.models import Delivery

__all__ = ["cleared_digest", "delivery_key", "message_for"]

_MIME_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
}


def delivery_key(delivery: Delivery) -> str:
    """The same key on every attempt: what platforms with idempotency deduplicate on."""
    return f"elshi-{delivery.pk}"


def cleared_digest(variant: Variant | None) -> str:
    """What a delivery will send, as one hash: taken when its post is cleared, compared with the
    variant the claim reads, so text edited past clearance is never sent (clearance itself records
    no version of what it cleared)."""
    if variant is None:
        return ""
    content = [variant.platform, variant.language, variant.text, variant.link, variant.media]
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def message_for(delivery: Delivery) -> Message:
    variant = delivery.variant
    if variant is None:
        raise InvalidMessage([f"no variant for {delivery.channel.platform}"])
    foreign = media_problems(None, variant.media or [], post_id=delivery.post_id)  # its mission's only
    if foreign:
        raise InvalidMessage(foreign)
    media = tuple(
        Media(
            mime_type=item.get("mime_type") or _mime(item.get("url", "")),
            url=item.get("url") or None,
            data=_local_bytes(item.get("url", "")),
            alt_text=item.get("alt", ""),
            filename=item.get("name", "media"),
        )
        for item in variant.media or []
    )
    return Message(text=variant.text, media=media, link=variant.link or None, language=variant.language)


def _local_bytes(url: str) -> bytes | None:
    """Media stored by elshi (under MEDIA_URL) is uploaded from disk; a path may not leave MEDIA_ROOT."""
    prefix = "/" + settings.MEDIA_URL.lstrip("/")
    if not url.startswith(prefix):
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / url[len(prefix) :]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise InvalidMessage([f"media file {url} is missing"])
    return path.read_bytes()


def _mime(url: str) -> str:
    suffix = url.rsplit(".", 1)[-1].lower() if "." in url else ""
    return _MIME_TYPES.get(suffix, "application/octet-stream")
