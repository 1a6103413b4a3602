"""What a delivery sends: its variant as a connector ``Message``, with its media, and its stable key.

A public link is passed on as it is. A studio asset is fitted to the channel's platform (the copy made
when the variant was composed is found again, see :mod:`elshi.creative.fitting`), then sent as bytes
to platforms that take uploads, or as a signed public link (:mod:`elshi.publishing.media`) to those
that fetch media themselves.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings

from elshi.connectors import InvalidMessage, Media, Message
from elshi.connectors.text import PlatformRules, rules_for
from elshi.content.media import media_problems, stored_file
from elshi.content.models import Asset, AssetState, Variant
from elshi.content.validation import public_url_problem
from elshi.creative import RenderError
from elshi.creative.fitting import fit
from elshi.publishing.media import signed_url
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
    content: list[object] = [variant.platform, variant.language, variant.text, variant.link, variant.media]
    if variant.options:  # only when set, so digests taken before choices existed still match
        content.append(variant.options)
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def message_for(delivery: Delivery) -> Message:
    variant = delivery.variant
    if variant is None:
        raise InvalidMessage([f"no variant for {delivery.channel.platform}"])
    foreign = media_problems(None, variant.media or [], post_id=delivery.post_id)  # its mission's only
    if foreign:
        raise InvalidMessage(foreign)
    items = variant.media or []
    files = {stored_file(str(item.get("url") or "")) for item in items} - {None, ""}
    assets = (
        {
            a.file: a
            for a in Asset.objects.filter(
                mission__posts__pk=delivery.post_id, state=AssetState.READY, file__in=files
            )
        }
        if files
        else {}
    )
    try:
        rules: PlatformRules | None = rules_for(delivery.channel.platform)
    except KeyError:  # the sandbox borrows another platform's rules and takes whatever it is given
        rules = None
    media = tuple(
        _media(delivery, rules, position, item, assets) for position, item in enumerate(items, start=1)
    )
    return Message(
        text=variant.text,
        media=media,
        link=variant.link or None,
        language=variant.language,
        options=variant.options or {},  # the person's platform choices (TikTok's privacy level, …)
    )


def _media(
    delivery: Delivery,
    rules: PlatformRules | None,
    position: int,
    item: dict[str, Any],
    assets: dict[str, Asset],
) -> Media:
    url = str(item.get("url") or "")
    mime = item.get("mime_type") or _mime(url)
    alt, name = item.get("alt", ""), item.get("name", "media")
    file = stored_file(url)
    if file is None:  # a public link: the platform fetches it, or the connector refuses it
        return Media(mime_type=mime, url=url or None, alt_text=alt, filename=name)
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / (file or "")).resolve()
    asset = assets.get(file or "")
    if asset is None or not path.is_relative_to(root) or not path.is_file():
        raise InvalidMessage([f"media file {url} is missing"])
    width = height = duration = None
    if rules is not None:
        try:
            fitted = fit(rules, path, mime, position)
        except RenderError as error:
            raise InvalidMessage([f"media {position}: {error}"]) from error
        if fitted.problems:
            raise InvalidMessage(fitted.problems)
        path, mime = fitted.path, fitted.mime_type
        if fitted.info is not None:
            width, height, duration = fitted.info.width, fitted.info.height, fitted.info.duration
    if rules is not None and rules.media_from_url:
        if not settings.ELSHI_PUBLIC_URL:
            raise InvalidMessage([public_url_problem(rules.platform)])
        link = signed_url(delivery, asset, str(path.relative_to(root)))
        data = None
    else:
        link, data = None, path.read_bytes()
    filename = str(Path(name).with_suffix(path.suffix)) if "." in name else name  # .png fitted to .jpg
    return Media(
        mime,
        data,
        link,
        alt,
        filename,
        width=width,
        height=height,
        duration_s=duration,
        ai_generated=asset.ai_generated,  # the studio's record: each platform's AI disclosure reads it
    )


def _mime(url: str) -> str:
    suffix = url.rsplit(".", 1)[-1].lower() if "." in url else ""
    return _MIME_TYPES.get(suffix, "application/octet-stream")
