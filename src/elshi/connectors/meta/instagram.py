"""Instagram (professional account via Facebook Login): container, wait, then publish.

Instagram fetches media from a public URL, so every item needs ``Media.url`` (for elshi's own files,
the signed link of :mod:`elshi.publishing.media` under ``ELSHI_PUBLIC_URL``). Before publishing we read
``content_publishing_limit`` and refuse early when the day's quota is used up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import ClassVar

import httpx

from .._http import preliminary
from ..errors import RateLimited
from ..facts import PlatformFacts
from ..oauth import parse_token
from ..protocol import BasePublisher
from ..text import PlatformRules
from ..types import Account, Delivery, Media, Message, Metrics, Published, Token
from .graph import GRAPH_VERSIONS, META_APP, GraphClient, graph_base, permalink, publish_container, quota

__all__ = ["InstagramPublisher"]

_REFRESH_AHEAD = timedelta(days=7)


class InstagramPublisher(BasePublisher):
    """Settings: ``ig_user_id``; ``api_base`` = ``https://graph.instagram.com/v24.0`` for accounts
    connected with Instagram Login (default: Facebook Login's host). ``token``: a user or Page token
    with the content-publish permission; Instagram Login tokens (60 days) are refreshed here."""

    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "instagram",
        "Instagram",
        "facebook_login",
        settings=("ig_user_id",),
        optional_secrets=META_APP,
        token=True,
        api=GRAPH_VERSIONS,  # a channel may pin another Graph version (api_version)
        rules=PlatformRules(
            "instagram",
            2200,
            max_media=10,
            media_required=True,
            # Meta's content-publishing reference (images, reels), checked 2026-12: JPEG up to 8 MB;
            # reels MOV/MP4, H.264 or HEVC with AAC, 3 s to 15 min, up to 300 MB, ratio 0.01:1 to 10:1.
            image_mime_types=("image/jpeg",),
            max_image_bytes=8 * 1024 * 1024,
            video_mime_types=("video/mp4", "video/quicktime"),
            max_video_bytes=300 * 1024 * 1024,
            max_video_seconds=15 * 60,
            min_video_seconds=3,
            video_codecs=("h264", "hevc"),
            video_aspect=(0.01, 10.0),
            mix_images_and_video=True,
            media_from_url=True,
        ),
    )

    def __init__(
        self, client: httpx.Client, account: Account, *, sleep: Callable[[float], None] = time.sleep
    ):
        super().__init__(client, account)
        self.user_id = account.setting("ig_user_id")
        self.sleep = sleep

    @property
    def graph(self) -> GraphClient:
        token = self.token.access_token if self.token else self.account.access_token()
        settings = self.account.settings
        base = settings.get("api_base") or graph_base("graph.facebook.com", settings)
        return GraphClient(self.client, base, token, "instagram", self.sleep)

    def refresh_if_needed(self, now: datetime) -> Token | None:
        """Instagram Login's long-lived tokens refresh a week ahead; Facebook Login Page tokens never
        expire (no ``expires_at``), so nothing happens for them."""
        if self.token is None or not self.token.expires_within(_REFRESH_AHEAD, now):
            return None
        params = {"grant_type": "ig_refresh_token", "access_token": self.token.access_token}
        body = self.graph.request("GET", "https://graph.instagram.com/refresh_access_token", params=params)
        self.token = parse_token(body, now=now, previous=self.token)
        return self.token

    def publishing_limit(self) -> tuple[int, int] | None:
        """``(used, total)`` posts in the rolling 24 hours, as Instagram reports it."""
        return quota(self.graph.get(f"{self.user_id}/content_publishing_limit", fields="quota_usage,config"))

    def _container(self, media: Media, *, caption: str | None, carousel_item: bool) -> str:
        data: dict[str, str] = {}
        if media.kind == "video":
            # A video on its own is a reel; inside a carousel Meta wants VIDEO (REELS is refused there).
            data.update(media_type="VIDEO" if carousel_item else "REELS", video_url=media.require_url())
        else:
            data["image_url"] = media.require_url()
            if media.alt_text:
                data["alt_text"] = media.alt_text
        if carousel_item:
            data["is_carousel_item"] = "true"
        if caption:
            data["caption"] = caption
        return str(self.graph.post(f"{self.user_id}/media", data)["id"])

    def _containers(self, message: Message) -> str:
        if len(message.media) == 1:
            return self._container(message.media[0], caption=message.text, carousel_item=False)
        children = [self._container(item, caption=None, carousel_item=True) for item in message.media]
        for child in children:
            self.graph.wait_for_container(child, field="status_code")
        data = {"media_type": "CAROUSEL", "children": ",".join(children), "caption": message.text}
        return str(self.graph.post(f"{self.user_id}/media", data)["id"])

    def publish(self, delivery: Delivery) -> Published:
        self.check(delivery.message)
        usage = self.publishing_limit()
        if usage is not None and usage[0] >= usage[1]:
            raise RateLimited(f"instagram: publishing limit reached ({usage[0]}/{usage[1]} in 24 hours)")
        with preliminary():
            container = self._containers(delivery.message)
            self.graph.wait_for_container(container, field="status_code")
        media_id = publish_container(
            self.graph, f"{self.user_id}/media_publish", container, field="status_code"
        )
        return Published(remote_id=media_id, url=permalink(self.graph, media_id))

    def fetch_metrics(self, remote_id: str) -> Metrics:
        body = self.graph.get(remote_id, fields="like_count,comments_count")
        return Metrics.from_counts(body, likes="like_count", replies="comments_count")
