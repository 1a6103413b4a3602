"""Which media a variant may attach: a public link, or one of its own mission's studio assets.

A media line names a URL. A link elsewhere (``https://…``) is handed to the platform, which fetches it;
a path under ``MEDIA_URL`` is read from elshi's own disk and uploaded. Such a path must be the file of a
ready asset of the post's mission: otherwise a drafter could publish any file under ``MEDIA_ROOT``
(another mission's unpublished cards, whatever else lies there). Checked when a post is saved, when it
is checked for submission, and again by ``elshi.publishing.message`` just before it is sent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from elshi.content.models import Asset, AssetState

__all__ = ["media_problems", "stored_file"]


def stored_file(url: str) -> str | None:
    """The path under ``MEDIA_ROOT`` that ``url`` names; None for a public link, "" for neither."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    prefix = "/" + settings.MEDIA_URL.strip("/") + "/"
    return url[len(prefix) :] if url.startswith(prefix) else ""


def media_problems(
    mission_id: int | None, media: list[dict[str, Any]], *, post_id: int | None = None
) -> list[str]:
    """Why each media line that names a stored file may not be attached (empty: all may).

    The mission is ``mission_id``'s, or that of the post ``post_id`` (what a sender knows at hand).
    """
    wanted = {
        position: stored_file(str(item.get("url") or ""))
        for position, item in enumerate(media or [], start=1)
    }
    local = {position: path for position, path in wanted.items() if path is not None}
    if not local:
        return []  # no query for posts without stored media
    whose: dict[str, int] | None = (
        {"mission_id": mission_id}
        if mission_id is not None
        else ({"mission__posts__pk": post_id} if post_id is not None else None)
    )
    own = (
        set(
            Asset.objects.filter(state=AssetState.READY, file__in=set(local.values()), **whose).values_list(
                "file", flat=True
            )
        )
        if whose is not None
        else set()
    )
    return [
        _(
            "Media %(position)s (“%(url)s”) is neither a public https:// link nor a ready studio asset of "
            "this post's mission."
        )
        % {"position": position, "url": media[position - 1].get("url") or ""}
        for position, path in local.items()
        if not path or path not in own
    ]
