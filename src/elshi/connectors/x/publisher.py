"""X API v2: posts with images (alt text) or a video (chunked upload), metrics, token refresh."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from .._http import JSONObject, as_object, check_status, json_object, preliminary, send
from ..errors import AuthError, NotSent, OutcomeUnknown, Rejected
from ..oauth import REFRESH_MARGIN
from ..protocol import BasePublisher
from ..types import Account, Delivery, Media, Metrics, Published, Token
from . import oauth

__all__ = ["API", "XPublisher"]

API = "https://api.x.com/2"
CHUNK_BYTES = 4 * 1024 * 1024


def _detail(body: JSONObject) -> str:
    """X answers errors as RFC 7807 problems, sometimes inside an ``errors`` list."""
    errors = body.get("errors")
    first = as_object(errors[0]) if isinstance(errors, list) and errors else {}
    parts = [body.get("detail") or body.get("title"), first.get("message") or first.get("detail")]
    return ": ".join(str(part) for part in parts if part)


class XPublisher(BasePublisher):
    """Settings: optional ``username`` (for URLs). Secrets: ``client_id``, optional ``client_secret``.
    ``token``: the user's OAuth 2.0 token with its refresh token."""

    platform: ClassVar[str] = "x"
    idempotent: ClassVar[bool] = False
    processing_polls: ClassVar[int] = 60

    def __init__(
        self, client: httpx.Client, account: Account, *, sleep: Callable[[float], None] = time.sleep
    ):
        super().__init__(client, account)
        self.sleep = sleep

    def refresh_if_needed(self, now: datetime) -> Token | None:
        token = self.token
        if token is None or not token.expires_within(REFRESH_MARGIN, now):
            return None
        if not token.refresh_token:
            raise AuthError("x: token expires and there is no refresh token: reconnect the channel")
        self.token = oauth.refresh(
            self.client,
            token,
            client_id=self.account.secret("client_id"),
            client_secret=self.account.secrets.get("client_secret"),
            now=now,
        )
        return self.token

    def _call(self, method: str, url: str, **kwargs: Any) -> JSONObject:
        response = send(
            self.client, self.client.build_request(method, url, headers=self.bearer(), **kwargs), platform="x"
        )
        body = json_object(response, platform="x")
        check_status(response, platform="x", detail=_detail(body))
        if "data" not in body and body.get("errors"):
            raise Rejected(f"x: {_detail(body)}")
        return body

    def upload(self, media: Media) -> str:
        """One-shot upload for images, chunked for video; alt text attached to images."""
        if media.kind == "video":
            return self.upload_video(media)
        category = "tweet_gif" if media.mime_type == "image/gif" else "tweet_image"
        files = {"media": (media.filename, media.require_data(), media.mime_type)}
        body = self._call(
            "POST",
            f"{API}/media/upload",
            files=files,
            data={"media_category": category, "media_type": media.mime_type},
        )
        media_id = as_object(body.get("data")).get("id")
        if not isinstance(media_id, str):
            raise Rejected("x: media upload answered without an id")
        if media.alt_text:
            self._call(
                "POST",
                f"{API}/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": media.alt_text}}},
            )
        return media_id

    def upload_video(self, media: Media) -> str:
        """initialize, append each chunk, finalize, then wait while X processes the video."""
        data = media.require_data()
        init = self._call(
            "POST",
            f"{API}/media/upload/initialize",
            json={"media_type": media.mime_type, "total_bytes": len(data), "media_category": "tweet_video"},
        )
        media_id = as_object(init.get("data")).get("id")
        if not isinstance(media_id, str):
            raise Rejected("x: video upload was not initialized")
        for index, start in enumerate(range(0, len(data), CHUNK_BYTES)):
            chunk = data[start : start + CHUNK_BYTES]
            self._call(
                "POST",
                f"{API}/media/upload/{media_id}/append",
                files={"media": ("chunk", chunk, "application/octet-stream")},
                data={"segment_index": str(index)},
            )
        body = self._call("POST", f"{API}/media/upload/{media_id}/finalize")
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
            body = self._call(
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
        body = self._call("POST", f"{API}/tweets", json=payload)
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
        body = self._call("GET", f"{API}/tweets/{remote_id}", params=fields)
        data = as_object(body.get("data"))
        counts = {**as_object(data.get("non_public_metrics")), **as_object(data.get("public_metrics"))}

        def count(key: str) -> int | None:
            value = counts.get(key)
            return value if isinstance(value, int) else None

        return Metrics(
            fetched_at=datetime.now(UTC),
            likes=count("like_count"),
            reposts=count("retweet_count"),
            replies=count("reply_count"),
            quotes=count("quote_count"),
            views=count("impression_count"),
            link_clicks=count("url_link_clicks"),
        )
