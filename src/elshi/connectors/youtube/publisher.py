"""YouTube Data API v3: resumable video upload (resumed after a break; Shorts when vertical and short),
statistics, token refresh."""

from __future__ import annotations

from typing import ClassVar

import httpx

from .._http import JsonApi, JSONObject, as_object, preliminary, status_error
from ..errors import AuthError, ConnectorError, NotSent, OutcomeUnknown, RateLimited, Rejected
from ..facts import OAuthProvider, PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules
from ..types import Account, Delivery, Media, Message, Metrics, Published

__all__ = ["API", "TOKEN_URL", "UPLOAD_URL", "YouTubePublisher", "is_short"]

API = "https://www.googleapis.com/youtube/v3"
UPLOAD_URL = "https://www.googleapis.com/upload/youtube/v3/videos"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret
_QUOTA_REASONS = {"quotaExceeded", "uploadLimitExceeded", "rateLimitExceeded", "userRateLimitExceeded"}
_SHORTS_MAX_S = 180.0


def is_short(media: Media) -> bool:
    """YouTube makes a Short of a square or vertical video of at most three minutes."""
    if media.width is None or media.height is None or media.duration_s is None:
        return False
    return media.height >= media.width and media.duration_s <= _SHORTS_MAX_S


def _error(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    """Google names a spent quota in ``error.errors[0].reason``, whatever the status (often 403)."""
    if response.status_code < 400:
        return None
    error = as_object(body.get("error"))
    errors = error.get("errors")
    reason = str(as_object(errors[0]).get("reason", "")) if isinstance(errors, list) and errors else ""
    text = f"{platform}: {error.get('message') or f'HTTP {response.status_code}'}"
    if reason in _QUOTA_REASONS:
        return RateLimited(text, status_code=response.status_code)
    if response.status_code == 401:
        return AuthError(text, status_code=response.status_code)
    return status_error(response, platform=platform, detail=str(error.get("message") or ""))


class YouTubePublisher(BasePublisher):
    """Settings: optional ``privacy_status`` (default public), ``category_id`` (default 25, News &
    Politics). Secrets: ``client_id``, ``client_secret``. ``token``: Google OAuth with refresh token."""

    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "youtube",
        "YouTube",
        "oauth2",
        secrets=("client_id", "client_secret"),
        token=True,
        rules=PlatformRules(
            "youtube",
            5000,
            counting="codepoints",
            max_bytes=5000,
            max_media=1,
            media_required=True,
            video_required=True,
            title_max_length=100,
            image_mime_types=(),
            video_mime_types=("video/mp4", "video/quicktime", "video/webm"),
        ),
        oauth=OAuthProvider(
            "https://accounts.google.com/o/oauth2/v2/auth",
            TOKEN_URL,
            (
                "https://www.googleapis.com/auth/youtube.upload",
                "https://www.googleapis.com/auth/youtube.readonly",
            ),
            # offline access and consent every time, or Google sends no refresh token on reconnect
            extra=(("access_type", "offline"), ("prompt", "consent")),
        ),
    )
    resume_attempts: ClassVar[int] = 4

    def __init__(self, client: httpx.Client, account: Account) -> None:
        super().__init__(client, account)
        self.api = JsonApi(client, self.platform, base=API, headers=self.bearer, errors=_error)

    def metadata(self, message: Message, video: Media) -> JSONObject:
        title = message.title or message.text.split("\n", 1)[0][:100]
        if is_short(video) and "#shorts" not in (title + message.text).lower():
            title = title[: 100 - len(" #Shorts")] + " #Shorts"
        snippet: JSONObject = {
            "title": title,
            "description": message.text,
            "categoryId": self.account.settings.get("category_id") or "25",
        }
        if message.language:
            snippet["defaultLanguage"] = message.language
        status: JSONObject = {
            "privacyStatus": self.account.settings.get("privacy_status") or "public",
            "selfDeclaredMadeForKids": False,
        }
        if video.ai_generated:
            # YouTube's altered-or-synthetic disclosure (since 2024-10-30): shown as a label on the video.
            status["containsSyntheticMedia"] = True
        return {"snippet": snippet, "status": status}

    def publish(self, delivery: Delivery) -> Published:
        message = delivery.message
        self.check(message)
        video = message.media[0]
        data = video.require_data()
        with preliminary():
            response = self.api.send(
                "POST",
                UPLOAD_URL,
                params={"uploadType": "resumable", "part": "snippet,status"},
                json=self.metadata(message, video),
                headers={"X-Upload-Content-Length": str(len(data)), "X-Upload-Content-Type": video.mime_type},
            )
            self.api.read(response)
        session = response.headers.get("location")
        if not session:
            raise Rejected("youtube: no resumable upload session was opened")
        body = self._upload(session, data, video.mime_type)
        video_id = body.get("id")
        if not isinstance(video_id, str):
            raise OutcomeUnknown("youtube: upload finished without a video id")
        if is_short(video):
            url = f"https://www.youtube.com/shorts/{video_id}"
        else:
            url = f"https://www.youtube.com/watch?v={video_id}"
        return Published(remote_id=video_id, url=url)

    def _upload(self, session: str, data: bytes, mime_type: str) -> JSONObject:
        """PUT the bytes; when the connection breaks or YouTube answers 5xx, ask the session how much it
        holds and send the rest (Google's resumable protocol), a few times before giving up."""
        offset = 0
        for _attempt in range(self.resume_attempts):
            headers = {"Content-Type": mime_type}
            if offset:
                headers["Content-Range"] = f"bytes {offset}-{len(data) - 1}/{len(data)}"
            try:
                uploaded = self.api.send("PUT", session, content=data[offset:], headers=headers)
            except (NotSent, OutcomeUnknown):
                uploaded = None
            if uploaded is not None and uploaded.status_code < 500:
                return self.api.read(uploaded)
            try:
                status = self._session_status(session, len(data))
            except (NotSent, OutcomeUnknown):
                # Bytes went up and we cannot ask how many arrived: the video may exist.
                raise OutcomeUnknown("youtube: upload interrupted and its session cannot be read") from None
            if isinstance(status, dict):
                return status  # the bytes had all arrived: the answer was what got lost
            offset = status
        raise OutcomeUnknown("youtube: upload interrupted repeatedly; the session may still complete it")

    def _session_status(self, session: str, total: int) -> JSONObject | int:
        """``PUT`` with ``Content-Range: bytes */total``: 308 and a Range header say how many bytes the
        session holds; 200/201 means the upload is complete and returns the video."""
        response = self.api.send("PUT", session, headers={"Content-Range": f"bytes */{total}"})
        if response.status_code == 308:
            held = response.headers.get("range", "")  # "bytes=0-524287"
            return int(held.rsplit("-", 1)[1]) + 1 if "-" in held else 0
        return self.api.read(response)

    def fetch_metrics(self, remote_id: str) -> Metrics:
        body = self.api.call("GET", "/videos", params={"part": "statistics", "id": remote_id})
        items = body.get("items")
        stats = as_object(as_object(items[0]).get("statistics")) if isinstance(items, list) and items else {}
        if not stats:
            raise Rejected(f"youtube: video {remote_id} not found")
        return Metrics.from_counts(
            stats, views="viewCount", likes="likeCount", replies="commentCount", digit_strings=True
        )
