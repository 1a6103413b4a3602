"""X API v2: posts with images (alt text) or a video (chunked upload), metrics, token refresh."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

import httpx

from .._http import JsonApi, JSONObject, as_object, preliminary, status_error
from ..errors import ConnectorError, NotSent, OutcomeUnknown, Rejected
from ..facts import OAuthProvider, PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules
from ..types import Account, Delivery, Media, Metrics, Published

__all__ = ["API", "AUTHORIZE_URL", "SCOPES", "TOKEN_URL", "XPublisher"]

API = "https://api.x.com/2"
AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
TOKEN_URL = f"{API}/oauth2/token"  # noqa: S105 - a URL, not a secret
# offline.access gives the refresh token; media.write the v2 media upload.
SCOPES = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")
CHUNK_BYTES = 4 * 1024 * 1024


def _detail(body: JSONObject) -> str:
    """X answers errors as RFC 7807 problems, sometimes inside an ``errors`` list."""
    errors = body.get("errors")
    first = as_object(errors[0]) if isinstance(errors, list) and errors else {}
    parts = [body.get("detail") or body.get("title"), first.get("message") or first.get("detail")]
    return ": ".join(str(part) for part in parts if part)


def _error(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    """X may refuse with a 200 whose body holds only ``errors``."""
    error = status_error(response, platform=platform, detail=_detail(body))
    if error is None and "data" not in body and body.get("errors"):
        return Rejected(f"{platform}: {_detail(body)}")
    return error


class XPublisher(BasePublisher):
    """Settings: optional ``username`` (for URLs). Secrets: ``client_id``, optional ``client_secret``.
    ``token``: the user's OAuth 2.0 token with its refresh token."""

    # A public client (PKCE only) has no secret, so only the client id is required.
    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "x",
        "X",
        "oauth2",
        secrets=("client_id",),
        token=True,
        rules=PlatformRules(
            "x", 280, counting="x", max_media=4, max_image_bytes=5 * 1024 * 1024, max_videos=1
        ),
        oauth=OAuthProvider(AUTHORIZE_URL, TOKEN_URL, SCOPES, basic_auth=True),
    )
    processing_polls: ClassVar[int] = 60

    def __init__(
        self, client: httpx.Client, account: Account, *, sleep: Callable[[float], None] = time.sleep
    ):
        super().__init__(client, account)
        self.sleep = sleep
        self.api = JsonApi(client, self.platform, headers=self.bearer, errors=_error)

    def upload(self, media: Media) -> str:
        """One-shot upload for images, chunked for video; alt text attached to images."""
        if media.kind == "video":
            return self.upload_video(media)
        category = "tweet_gif" if media.mime_type == "image/gif" else "tweet_image"
        files = {"media": (media.filename, media.require_data(), media.mime_type)}
        body = self.api.call(
            "POST",
            f"{API}/media/upload",
            files=files,
            data={"media_category": category, "media_type": media.mime_type},
        )
        media_id = as_object(body.get("data")).get("id")
        if not isinstance(media_id, str):
            raise Rejected("x: media upload answered without an id")
        if media.alt_text:
            self.api.call(
                "POST",
                f"{API}/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": media.alt_text}}},
            )
        return media_id

    def upload_video(self, media: Media) -> str:
        """initialize, append each chunk, finalize, then wait while X processes the video."""
        data = media.require_data()
        init = self.api.call(
            "POST",
            f"{API}/media/upload/initialize",
            json={"media_type": media.mime_type, "total_bytes": len(data), "media_category": "tweet_video"},
        )
        media_id = as_object(init.get("data")).get("id")
        if not isinstance(media_id, str):
            raise Rejected("x: video upload was not initialized")
        for index, start in enumerate(range(0, len(data), CHUNK_BYTES)):
            chunk = data[start : start + CHUNK_BYTES]
            self.api.call(
                "POST",
                f"{API}/media/upload/{media_id}/append",
                files={"media": ("chunk", chunk, "application/octet-stream")},
                data={"segment_index": str(index)},
            )
        body = self.api.call("POST", f"{API}/media/upload/{media_id}/finalize")
        for _ in range(self.processing_polls):
            info = as_object(as_object(body.get("data")).get("processing_info"))
            state = info.get("state")
            if not info or state == "succeeded":
                return media_id
            if state == "failed":
                reason = as_object(info.get("error")).get("message") or "processing failed"
                raise Rejected(f"x: video rejected: {reason}")
            wait = info.get("check_after_secs")
            self.sleep(float(wait) if isinstance(wait, int | float) else 1.0)
            body = self.api.call(
                "GET", f"{API}/media/upload", params={"command": "STATUS", "media_id": media_id}
            )
        raise NotSent("x: video still processing; nothing was posted")

    def publish(self, delivery: Delivery) -> Published:
        message = delivery.message
        self.check(message)
        payload: JSONObject = {"text": message.text}
        with preliminary():
            media_ids = [self.upload(item) for item in message.media]
        if media_ids:
            payload["media"] = {"media_ids": media_ids}
        body = self.api.call("POST", f"{API}/tweets", json=payload)
        post_id = as_object(body.get("data")).get("id")
        if not isinstance(post_id, str):
            raise OutcomeUnknown("x: post accepted without an id")
        username = self.account.settings.get("username")
        url = (
            f"https://x.com/{username}/status/{post_id}"
            if username
            else f"https://x.com/i/web/status/{post_id}"
        )
        return Published(remote_id=post_id, url=url)

    def fetch_metrics(self, remote_id: str) -> Metrics:
        # non_public_metrics (link clicks) exist for the author's posts of the last 30 days; older ones
        # answer with a partial error beside the public figures, which is fine.
        fields = {"tweet.fields": "public_metrics,non_public_metrics"}
        body = self.api.call("GET", f"{API}/tweets/{remote_id}", params=fields)
        data = as_object(body.get("data"))
        counts = {**as_object(data.get("non_public_metrics")), **as_object(data.get("public_metrics"))}
        return Metrics.from_counts(
            counts,
            likes="like_count",
            reposts="retweet_count",
            replies="reply_count",
            quotes="quote_count",
            views="impression_count",
            link_clicks="url_link_clicks",
        )
