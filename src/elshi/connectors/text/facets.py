"""Bluesky rich-text facets: links, mentions and hashtags with UTF-8 byte offsets.

Bluesky does not parse text on the server: the client sends the ranges. Offsets count bytes of the
UTF-8 encoding, so a Cyrillic or Kazakh letter moves them by two and an emoji by four. Mentions need
a DID, so :func:`find_facets` returns mention handles for the caller to resolve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import regex

from .counting import grapheme_count
from .urls import find_urls

__all__ = ["Facet", "facet_json", "find_facets"]

# From Bluesky's "Links, mentions and rich text" guide: a handle is a domain name after '@'.
_MENTION = regex.compile(
    r"(?<![\w@])@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
)
# A hashtag: '#' then letters or digits (any script), not only digits, at most 64 graphemes.
_TAG = regex.compile(r"(?<![\w#&])[#＃]((?:\p{L}|\p{M}|\p{N}|_|\u200D|\uFE0F)+)")


@dataclass(frozen=True, slots=True)
class Facet:
    """A range of ``text`` by UTF-8 byte offsets, with what it points to."""

    kind: Literal["link", "mention", "tag"]
    byte_start: int
    byte_end: int
    value: str  # the URI, the handle (mention, before resolution) or the tag without '#'


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def find_facets(text: str) -> list[Facet]:
    """Every link, mention and hashtag in ``text``, in order of position."""
    facets: list[Facet] = []
    taken: list[tuple[int, int]] = []
    for start, end, url in find_urls(text):
        uri = url if url.lower().startswith(("http://", "https://")) else f"https://{url}"
        facets.append(Facet("link", _byte_offset(text, start), _byte_offset(text, end), uri))
        taken.append((start, end))

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _MENTION.finditer(text):
        handle = match.group(1).rstrip(".")
        start, end = match.start(), match.start() + 1 + len(handle)
        if free(start, end):
            facets.append(Facet("mention", _byte_offset(text, start), _byte_offset(text, end), handle))
    for match in _TAG.finditer(text):
        tag = match.group(1)
        if tag.isdigit() or grapheme_count(tag) > 64:
            continue
        start, end = match.start(), match.end()
        if free(start, end):
            facets.append(Facet("tag", _byte_offset(text, start), _byte_offset(text, end), tag))
    return sorted(facets, key=lambda facet: facet.byte_start)


def facet_json(facet: Facet, *, did: str | None = None) -> dict[str, Any]:
    """The ``app.bsky.richtext.facet`` object; a mention needs its resolved ``did``."""
    if facet.kind == "link":
        feature: dict[str, str] = {"$type": "app.bsky.richtext.facet#link", "uri": facet.value}
    elif facet.kind == "mention":
        if not did:
            raise ValueError(f"mention @{facet.value} needs a resolved DID")
        feature = {"$type": "app.bsky.richtext.facet#mention", "did": did}
    else:
        feature = {"$type": "app.bsky.richtext.facet#tag", "tag": facet.value}
    return {"index": {"byteStart": facet.byte_start, "byteEnd": facet.byte_end}, "features": [feature]}
