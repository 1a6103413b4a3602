"""The alt-text rule: every image and video carries a real description before clearance.

``check_alt_text`` is what the ``content`` app's ``check_submit_for_clearance`` calls for each
attached asset. It refuses empty text, placeholders and file names, and text longer than the
strictest platform limit among those we publish to (X: 1000 characters).
"""

from __future__ import annotations

import re

from elshi.creative.errors import CreativeError

__all__ = ["ALT_TEXT_MAX", "AltTextMissing", "check_alt_text"]

ALT_TEXT_MAX = 1000
_FILENAME = re.compile(r"^[\w\-. ]+\.(png|jpe?g|gif|webp|mp4|mov|heic)$", re.IGNORECASE)
_PLACEHOLDERS = {
    "image",
    "photo",
    "picture",
    "video",
    "alt",
    "alt text",
    "img",
    "untitled",
    "todo",
    "tbd",
    "изображение",
    "фото",
    "сурет",
    "бейне",
    "图片",
    "صورة",
}


class AltTextMissing(CreativeError):
    """The asset has no usable alt text; the message says why, ``asset`` names it."""

    def __init__(self, message: str, asset: str = "") -> None:
        super().__init__(message)
        self.asset = asset


def check_alt_text(text: str | None, asset: str = "") -> str:
    """The cleaned alt text, or ``AltTextMissing`` saying what is wrong with it."""
    cleaned = " ".join((text or "").split())
    name = f"{asset}: " if asset else ""
    if not cleaned:
        raise AltTextMissing(f"{name}alt text is required on every image and video", asset)
    if cleaned.casefold() in _PLACEHOLDERS or _FILENAME.match(cleaned) or len(cleaned) < 5:
        raise AltTextMissing(f"{name}alt text {cleaned!r} does not describe the media", asset)
    if len(cleaned) > ALT_TEXT_MAX:
        raise AltTextMissing(
            f"{name}alt text is {len(cleaned)} characters; the limit is {ALT_TEXT_MAX}", asset
        )
    return cleaned
