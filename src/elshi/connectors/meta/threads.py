"""Threads: container then publish, ``threads_publishing_limit`` checked first, long-lived token refresh."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import ClassVar

import httpx

from .._http import as_object, preliminary
from ..errors import AuthError, RateLimited
from ..facts import OAuthProvider, PlatformFacts
from ..oauth import parse_token
from ..protocol import BasePublisher
from ..text import PlatformRules
from ..types import Account, Delivery, Media, Message, Metrics, Published, Token
from .graph import META_APP, THREADS, GraphClient, permalink, publish_container, quota

__all__ = ["ThreadsPublisher"]

# Long-lived Threads tokens last 60 days and can be refreshed once a day after the first; refresh a
# week ahead so that a quiet channel never lapses.
_REFRESH_AHEAD = timedelta(days=7)


class ThreadsPublisher(BasePublisher):
    """Settings: ``threads_user_id``. ``token``: a long-lived Threads user token. Connected by the plain
    authorization-code flow, then exchanged for a long-lived token (:mod:`.connect`), which is renewed
    with Threads' own grant rather than a refresh token (``refresh_if_needed``)."""

    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "threads",
        "Threads",
        "oauth2",
        settings=("threads_user_id",),
        optional_secrets=META_APP,
        token=True,
        # Threads' media specifications, checked 2026-12: JPEG or PNG up to 8 MB; MOV/MP4, H.264 or
        # HEVC with AAC, up to 5 minutes and 1 GB, ratio 0.01:1 to 10:1; fetched from a public URL.
        rules=PlatformRules(
            "threads",
            500,
            counting="threads",
            max_media=20,
            mix_images_and_video=True,
            image_mime_types=("image/jpeg", "image/png"),
            max_image_bytes=8 * 1024 * 1024,
            video_mime_types=("video/mp4", "video/quicktime"),
            max_video_bytes=1024 * 1024 * 1024,
            max_video_seconds=300,
            video_codecs=("h264", "hevc"),
            video_aspect=(0.01, 10.0),
            media_from_url=True,
        ),
        oauth=OAuthProvider(
            "https://threads.net/oauth/authorize",
            "https://graph.threads.net/oauth/access_token",
            ("threads_basic", "threads_content_publish", "threads_manage_insights"),
            scope_separator=",",
        ),
    )

    def __init__(
        self, client: httpx.Client, account: Account, *, sleep: Callable[[float], None] = time.sleep
    ):
        super().__init__(client, account)
        self.user_id = account.setting("threads_user_id")
        self.sleep = sleep

    @property
    def graph(self) -> GraphClient:
        token = self.token.access_token if self.token else self.account.access_token()
        return GraphClient(self.client, THREADS, token, "threads", self.sleep)

    def refresh_if_needed(self, now: datetime) -> Token | None:
        if self.token is None or not self.token.expires_within(_REFRESH_AHEAD, now):
            return None
        # Documented with the token in the query; the httpx log filter in ..redact masks it there.
        params = {"grant_type": "th_refresh_token", "access_token": self.token.access_token}
        body = self.graph.request("GET", "https://graph.threads.net/refresh_access_token", params=params)
        try:
            self.token = parse_token(body, now=now, previous=self.token)
        except AuthError:
            raise AuthError("threads: token refresh answered without a token") from None
        return self.token

    def publishing_limit(self) -> tuple[int, int] | None:
        return quota(self.graph.get(f"{self.user_id}/threads_publishing_limit", fields="quota_usage,config"))

    def _container(self, media: Media | None, *, text: str | None, carousel_item: bool = False) -> str:
        data: dict[str, str] = {"media_type": "TEXT"}
        if media is not None:
            if media.kind == "video":
                data = {"media_type": "VIDEO", "video_url": media.require_url()}
            else:
                data = {"media_type": "IMAGE", "image_url": media.require_url()}
            if media.alt_text:
                data["alt_text"] = media.alt_text
        if carousel_item:
            data["is_carousel_item"] = "true"
        if text:
            data["text"] = text
        return str(self.graph.post(f"{self.user_id}/threads", data)["id"])

    def _containers(self, message: Message) -> str:
        if not message.media:
            return self._container(None, text=message.text)
        if len(message.media) == 1:
            return self._container(message.media[0], text=message.text)
        children = [self._container(item, text=None, carousel_item=True) for item in message.media]
        for child in children:
            self.graph.wait_for_container(child, field="status")
        data = {"media_type": "CAROUSEL", "children": ",".join(children), "text": message.text}
        return str(self.graph.post(f"{self.user_id}/threads", data)["id"])

    def publish(self, delivery: Delivery) -> Published:
        self.check(delivery.message)
        usage = self.publishing_limit()
        if usage is not None and usage[0] >= usage[1]:
            raise RateLimited(f"threads: publishing limit reached ({usage[0]}/{usage[1]} in 24 hours)")
        with preliminary():
            container = self._containers(delivery.message)
            if delivery.message.media:
                self.graph.wait_for_container(container, field="status")
        media_id = publish_container(self.graph, f"{self.user_id}/threads_publish", container, field="status")
        return Published(remote_id=media_id, url=permalink(self.graph, media_id))

    def fetch_metrics(self, remote_id: str) -> Metrics:
        body = self.graph.get(f"{remote_id}/insights", metric="views,likes,replies,reposts,quotes")
        values: dict[str, int] = {}
        for entry in body.get("data") or []:
            item = as_object(entry)
            points = item.get("values")
            first = (
                as_object(points[0])
                if isinstance(points, list) and points
                else as_object(item.get("total_value"))
            )
            if isinstance(item.get("name"), str) and isinstance(first.get("value"), int):
                values[str(item["name"])] = int(first["value"])
        return Metrics.from_counts(
            values, views="views", likes="likes", replies="replies", reposts="reposts", quotes="quotes"
        )
