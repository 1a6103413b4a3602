"""X API v2: posts with images (alt text) or a video (chunked upload), metrics, token refresh."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import httpx

from .._http import JsonApi, JSONObject, as_object, preliminary, status_error
from ..errors import ConnectorError, NotSent, OutcomeUnknown, Rejected
from ..facts import OAuthProvider, PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules
from ..types import Account, Delivery, Media, Metrics, Published
from .readback import ReadBackFailed, find_post, user_id

__all__ = ["API", "AUTHORIZE_URL", "SCOPES", "TOKEN_URL", "XPublisher"]

API = "https://api.x.com/2"
AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
TOKEN_URL = f"{API}/oauth2/token"  # noqa: S105 - a URL, not a secret
# offline.access gives the refresh token; media.write the v2 media upload.
SCOPES = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")
CHUNK_BYTES = 4 * 1024 * 1024
# The read-back starts this long before the attempt: X stamps posts with its own clock, not ours.
CLOCK_MARGIN = timedelta(minutes=2)


def _may_exist(error: ConnectorError) -> bool:
    """Whether a failed write may nonetheless have created the post (a read-back can tell)."""
    if isinstance(error, OutcomeUnknown):
        return True
    if isinstance(error, NotSent) and not error.before_post:
        return error.status_code is not None and error.status_code >= 500
    return _duplicate(error)


def _duplicate(error: ConnectorError) -> bool:
    return isinstance(error, Rejected) and error.status_code == 403 and "duplicate" in error.message.lower()


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
    # Seconds between a failed write and its read-back, for the post to reach the timeline.
    readback_delay: ClassVar[float] = 3.0

    def __init__(
        self,
        client: httpx.Client,
        account: Account,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        super().__init__(client, account)
        self.sleep = sleep
        self.clock = clock
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
        started = self.clock()
        try:
            body = self.api.call("POST", f"{API}/tweets", json=payload)
        except ConnectorError as failure:
            if not _may_exist(failure):
                raise
            # A duplicate may be the copy an earlier attempt of this delivery left: look from its start.
            since = delivery.created_at if _duplicate(failure) else started
            return self.read_back(message.text, since - CLOCK_MARGIN, failure)
        post_id = as_object(body.get("data")).get("id")
        if not isinstance(post_id, str):
            raise OutcomeUnknown("x: post accepted without an id")
        return Published(remote_id=post_id, url=self.web_url(post_id))

    def web_url(self, post_id: str) -> str:
        username = self.account.settings.get("username")
        if username:
            return f"https://x.com/{username}/status/{post_id}"
        return f"https://x.com/i/web/status/{post_id}"

    def read_back(self, text: str, since: datetime, failure: ConnectorError) -> Published:
        """Settle a write that may have created the post by reading the account's posts since
        ``since`` (see :mod:`.readback`); ``failure`` is what the write answered."""
        self.sleep(self.readback_delay)
        try:
            found = find_post(self.api, user_id(self.api, dict(self.account.settings)), text, since)
        except (ConnectorError, ReadBackFailed) as exc:
            unread = exc.message if isinstance(exc, ConnectorError) else str(exc)
            raise OutcomeUnknown(
                f"{failure.message}; reading the account's posts back failed ({unread}): "
                "the post may have gone out"
            ) from None
        if found is not None:
            return Published(remote_id=found, url=self.web_url(found), already_existed=_duplicate(failure))
        if _duplicate(failure):
            raise failure  # the same text was on the account before this delivery: a real refusal
        raise NotSent(
            f"{failure.message}; the account's posts since {since:%Y-%m-%d %H:%M:%S} UTC do not hold it, "
            "so it was not created"
        )

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
