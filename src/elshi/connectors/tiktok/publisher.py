"""TikTok Content Posting API: direct post of one video (FILE_UPLOAD in chunks) or of photos
(``content/init/``, PULL_FROM_URL), as the person chose it (:mod:`.choices`), then status polling.

Publishing is asynchronous at TikTok: ``init`` answers a *publish id*, not a post. A few polls of
``status/fetch/`` follow; if TikTok is still processing, the result is ``pending`` with the publish
id, and the app resolves it later (:meth:`TikTokPublisher.resolve`) until ``PUBLISH_COMPLETE`` gives
the post id or ``FAILED`` gives the reason."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

import httpx

from .._http import JsonApi, JSONObject, as_object, check_status, preliminary, send
from ..errors import AuthError, ConnectorError, NotSent, RateLimited, Rejected
from ..facts import OAuthProvider, PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules
from ..types import Account, Delivery, Message, Metrics, Published
from .choices import CreatorInfo, choice_problems, post_info

__all__ = ["API", "CHUNK_BYTES", "TikTokPublisher", "chunk_spans", "post_id_of"]

API = "https://open.tiktokapis.com/v2"
CHUNK_BYTES = 10 * 1024 * 1024  # between TikTok's 5 MB and 64 MB
_AUTH_CODES = {
    "access_token_invalid",
    "scope_not_authorized",
    "token_not_authorized_for_specified_deployment",
}
_RATE_CODES = {
    "rate_limit_exceeded",
    "spam_risk_too_many_posts",
    "spam_risk_user_banned_from_posting",
    "reached_active_user_cap",
}


def _error(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    """TikTok answers ``{"data": ..., "error": {"code": "ok" | ..., "message", "log_id"}}``, and may
    name an error beside a 200."""
    error = as_object(body.get("error"))
    code = str(error.get("code") or "")
    if response.status_code < 400 and code in ("", "ok"):
        return None
    text = f"{platform}: {code}: {error.get('message') or ''}".rstrip(": ")
    if code in _AUTH_CODES or response.status_code == 401:
        return AuthError(text, status_code=response.status_code)
    if code in _RATE_CODES or response.status_code == 429:
        return RateLimited(text, status_code=response.status_code)
    if response.status_code >= 500 or code == "internal_error":
        return NotSent(text, status_code=response.status_code)
    return Rejected(text, status_code=response.status_code)


def chunk_spans(size: int, chunk: int = CHUNK_BYTES) -> tuple[int, list[tuple[int, int]]]:
    """TikTok's media transfer rules: under 5 MB one piece; otherwise ``size // chunk`` pieces of
    ``chunk`` bytes, the last one taking the remainder. Returns the chunk size and inclusive spans."""
    if size < 5 * 1024 * 1024:
        return size, [(0, size - 1)]
    count = size // chunk
    spans = [(i * chunk, (i + 1) * chunk - 1) for i in range(count)]
    spans[-1] = (spans[-1][0], size - 1)
    return chunk, spans


def post_id_of(status: JSONObject) -> str | None:
    """The public post id of a complete post; TikTok's field is spelt ``publicaly_available_post_id``
    (sic) and holds a list of numbers, empty until the post is public."""
    ids = status.get("publicaly_available_post_id") or status.get("publicly_available_post_id")
    return str(ids[0]) if isinstance(ids, list) and ids else None


class TikTokPublisher(BasePublisher):
    """The privacy level and interaction switches come from the message's ``options`` (the
    person's choice in the composer), never from a default. Secrets: ``client_key``,
    ``client_secret`` (for refresh). ``token``: the user token (24 hours) + refresh."""

    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "tiktok",
        "TikTok",
        "oauth2",
        secrets=("client_key", "client_secret"),
        token=True,
        rules=PlatformRules(
            "tiktok",
            2200,
            counting="utf16",
            max_media=35,  # one video, or up to 35 photos
            max_videos=1,
            media_required=True,
            video_mime_types=("video/mp4", "video/quicktime", "video/webm"),
            image_mime_types=("image/jpeg", "image/webp"),  # TikTok takes no PNG photos
        ),
        oauth=OAuthProvider(
            "https://www.tiktok.com/v2/auth/authorize/",
            f"{API}/oauth/token/",
            ("user.info.basic", "video.publish", "video.list"),
            scope_separator=",",
            client_id_name="client_key",
        ),
    )
    # A few looks while the sender holds the delivery; the rest is the resolver's (publishing.pending).
    poll_attempts: ClassVar[int] = 5

    def __init__(
        self, client: httpx.Client, account: Account, *, sleep: Callable[[float], None] = time.sleep
    ):
        super().__init__(client, account)
        self.sleep = sleep
        self.api = JsonApi(client, self.platform, base=API, headers=self._headers, errors=_error)

    def _headers(self) -> dict[str, str]:
        return {**self.bearer(), "Content-Type": "application/json; charset=UTF-8"}

    def _post(self, path: str, payload: JSONObject, params: dict[str, str] | None = None) -> JSONObject:
        return as_object(self.api.call("POST", path, json=payload, params=params).get("data"))

    def creator_info(self) -> JSONObject:
        return self._post("/post/publish/creator_info/query/", {})

    def creator(self) -> CreatorInfo:
        """The creator's posting settings, for the composer and for the check before each post."""
        return CreatorInfo.from_json(self.creator_info())

    def publish(self, delivery: Delivery) -> Published:
        message = delivery.message
        self.check(message)
        photo = all(item.kind == "image" for item in message.media)
        with preliminary():
            info = self.creator()
            problems = choice_problems(message, info)
            if problems:
                raise Rejected("; ".join(problems))
            if photo:
                return self._await(self._init_photos(message, info), self.poll_attempts)
            video = message.media[0]
            data = video.require_data()
            chunk, spans = chunk_spans(len(data))
            init = self._post(
                "/post/publish/video/init/",
                {
                    "post_info": post_info(message, info, photo=False),
                    "source_info": {
                        "source": "FILE_UPLOAD",
                        "video_size": len(data),
                        "chunk_size": chunk,
                        "total_chunk_count": len(spans),
                    },
                },
            )
        publish_id, upload_url = init.get("publish_id"), init.get("upload_url")
        if not isinstance(publish_id, str) or not isinstance(upload_url, str):
            raise Rejected("tiktok: upload was not initialized")
        for first, last in spans:
            headers = {"Content-Type": video.mime_type, "Content-Range": f"bytes {first}-{last}/{len(data)}"}
            put = self.client.build_request(
                "PUT", upload_url, content=data[first : last + 1], headers=headers
            )
            check_status(send(self.client, put, platform="tiktok"), platform="tiktok", detail="video upload")
        return self._await(publish_id, self.poll_attempts)

    def _init_photos(self, message: Message, info: CreatorInfo) -> str:
        """TikTok pulls photos from their public URLs (on a domain verified for the app)."""
        init = self._post(
            "/post/publish/content/init/",
            {
                "media_type": "PHOTO",
                "post_mode": "DIRECT_POST",
                "post_info": post_info(message, info, photo=True),
                "source_info": {
                    "source": "PULL_FROM_URL",
                    "photo_cover_index": 0,
                    "photo_images": [item.require_url() for item in message.media],
                },
            },
        )
        publish_id = init.get("publish_id")
        if not isinstance(publish_id, str):
            raise Rejected("tiktok: photo post was not initialized")
        return publish_id

    def resolve(self, publish_id: str) -> Published:
        """One look at a ``pending`` post (for the scheduler to call later): final or still pending;
        ``Rejected`` when TikTok reports that publishing failed."""
        return self._await(publish_id, 1)

    def _await(self, publish_id: str, attempts: int) -> Published:
        """Poll the publish status. The video is already with TikTok, so no error from here on may
        become a retry: past the poll budget, or when polling fails, the post is ``pending``."""
        for attempt in range(attempts):
            try:
                status = self._post("/post/publish/status/fetch/", {"publish_id": publish_id})
            except ConnectorError:
                return Published(remote_id=publish_id, pending=True)
            state = status.get("status")
            if state == "PUBLISH_COMPLETE":
                post_id = post_id_of(status)
                if post_id is None:
                    # Complete, but not public (SELF_ONLY, or still in moderation): no post id to give.
                    return Published(remote_id="")
                return Published(remote_id=post_id, url=f"https://www.tiktok.com/video/{post_id}")
            if state == "FAILED":
                raise Rejected(f"tiktok: publishing failed: {status.get('fail_reason') or 'no reason given'}")
            if attempt + 1 < attempts:
                self.sleep(2.0)
        return Published(remote_id=publish_id, pending=True)

    def fetch_metrics(self, remote_id: str) -> Metrics:
        data = self._post(
            "/video/query/",
            {"filters": {"video_ids": [remote_id]}},
            params={"fields": "id,like_count,comment_count,share_count,view_count"},
        )
        videos = data.get("videos")
        video = as_object(videos[0]) if isinstance(videos, list) and videos else {}
        if not video:
            raise Rejected(f"tiktok: video {remote_id} not found")
        return Metrics.from_counts(
            video, likes="like_count", replies="comment_count", reposts="share_count", views="view_count"
        )
