"""How each platform counts the length of a text."""

from __future__ import annotations

import unicodedata

import regex

from .urls import find_urls

__all__ = ["grapheme_count", "mastodon_length", "threads_length", "utf16_length", "x_weighted_length"]

_GRAPHEME = regex.compile(r"\X")

# twitter-text v3 configuration: code points in these ranges weigh 100, all others 200; the limit is
# 280 at a scale of 100 (so "280 characters", CJK and emoji counting 2); every URL counts as 23.
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_X_URL_LENGTH = 23
_EMOJI = regex.compile(
    r"(?:\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3"
    r"|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})*"
    r"(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})*)*)"
)


def grapheme_count(text: str) -> int:
    """User-perceived characters (extended grapheme clusters): Bluesky's and Mastodon's unit."""
    return len(_GRAPHEME.findall(text))


def utf16_length(text: str) -> int:
    """UTF-16 code units: Telegram's and TikTok's unit."""
    return len(text.encode("utf-16-le")) // 2


def _x_weight(char: str) -> int:
    point = ord(char)
    return 1 if any(low <= point <= high for low, high in _X_LIGHT_RANGES) else 2


def x_weighted_length(text: str) -> int:
    """The length X counts against 280: NFC, URLs 23, CJK and emoji 2, Latin and Cyrillic 1."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for start, end, _url in find_urls(text):
        total += _segment_weight(text[position:start]) + _X_URL_LENGTH
        position = end
    return total + _segment_weight(text[position:])


def _segment_weight(segment: str) -> int:
    total = 0
    position = 0
    for match in _EMOJI.finditer(segment):
        total += sum(_x_weight(c) for c in segment[position : match.start()]) + 2
        position = match.end()
    return total + sum(_x_weight(c) for c in segment[position:])


def mastodon_length(text: str, *, url_length: int = 23) -> int:
    """Mastodon's count: graphemes, every http(s) URL as ``url_length``, ``@user@domain`` as ``@user``."""
    text = regex.sub(r"(?<![\w/])@(\w+)@[\w.-]+\w", r"@\1", text)
    total = 0
    position = 0
    for start, end, _url in find_urls(text, schemes_only=True):
        total += grapheme_count(text[position:start]) + url_length
        position = end
    return total + grapheme_count(text[position:])


_PICTOGRAPHIC = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")


def threads_length(text: str) -> int:
    """Threads' count: one per character, but an emoji counts as its UTF-8 bytes (documented so)."""
    total = 0
    for cluster in _GRAPHEME.findall(text):
        total += len(cluster.encode("utf-8")) if _PICTOGRAPHIC.search(cluster) else len(cluster)
    return total
