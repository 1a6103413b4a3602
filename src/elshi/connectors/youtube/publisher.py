"""YouTube Data API v3: resumable video upload (resumed after a break; Shorts when vertical and short),
statistics, token refresh."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

import httpx

from .._http import JSONObject, as_object, check_status, json_object, preliminary, send
from ..errors import AuthError, NotSent, OutcomeUnknown, RateLimited, Rejected
from ..oauth import REFRESH_MARGIN, request_token
from ..protocol import BasePublisher
from ..types import Delivery, Media, Message, Metrics, Published, Token

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


def _check(response: httpx.Response, body: JSONObject) -> None:
    if response.status_code < 400:
        return
    error = as_object(body.get("error"))
    errors = error.get("errors")
    reason = str(as_object(errors[0]).get("reason", "")) if isinstance(errors, list) and errors else ""
    text = f"youtube: {error.get('message') or f'HTTP {response.status_code}'}"
    if reason in _QUOTA_REASONS:
        raise RateLimited(text, status_code=response.status_code)
    if response.status_code == 401:
        raise AuthError(text, status_code=response.status_code)
    check_status(response, platform="youtube", detail=str(error.get("message") or ""))


class YouTubePublisher(BasePublisher):
    """Settings: optional ``privacy_status`` (default public), ``category_id`` (default 25, News &
    Politics). Secrets: ``client_id``, ``client_secret``. ``token``: Google OAuth with refresh token."""

    platform: ClassVar[str] = "youtube"
    idempotent: ClassVar[bool] = False
    resume_attempts: ClassVar[int] = 4

    def refresh_if_needed(self, now: datetime) -> Token | None:
        token = self.token
        if token is None or not token.expires_within(REFRESH_MARGIN, now):
            return None
        if not token.refresh_token:
            raise AuthError("youtube: token expires and there is no refresh token: reconnect the channel")
        form = {
            "grant_type": "refresh_token",
            "refresh_token": token.refresh_token,
            "client_id": self.account.secret("client_id"),
            "client_secret": self.account.secret("client_secret"),
        }
        self.token = request_token(self.client, TOKEN_URL, form, platform="youtube", previous=token, now=now)
        return self.token

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
        status = {
            "privacyStatus": self.account.settings.get("privacy_status") or "public",
            "selfDeclaredMadeForKids": False,
        }
        return {"snippet": snippet, "status": status}

    def publish(self, delivery: Delivery) -> Published:
        message = delivery.message
        self.check(message)
        video = message.media[0]
        data = video.require_data()
        with preliminary():
            start = self.client.build_request(
                "POST",
                UPLOAD_URL,
                params={"uploadType": "resumable", "part": "snippet,status"},
                json=self.metadata(message, video),
                headers={
                    **self.bearer(),
                    "X-Upload-Content-Length": str(len(data)),
                    "X-Upload-Content-Type": video.mime_type,
                },
            )
            response = send(self.client, start, platform="youtube")
            _check(response, json_object(response, platform="youtube") if response.content else {})
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
            headers = {**self.bearer(), "Content-Type": mime_type}
            if offset:
                headers["Content-Range"] = f"bytes {offset}-{len(data) - 1}/{len(data)}"
            put = self.client.build_request("PUT", session, content=data[offset:], headers=headers)
            try:
                uploaded = send(self.client, put, platform="youtube")
            except (NotSent, OutcomeUnknown):
                uploaded = None
            if uploaded is not None and uploaded.status_code < 500:
                body = json_object(uploaded, platform="youtube")
                _check(uploaded, body)
                return body
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
        headers = {**self.bearer(), "Content-Range": f"bytes */{total}"}
        response = send(
            self.client, self.client.build_request("PUT", session, headers=headers), platform="youtube"
        )
        if response.status_code == 308:
            held = response.headers.get("range", "")  # "bytes=0-524287"
            return int(held.rsplit("-", 1)[1]) + 1 if "-" in held else 0
        body = json_object(response, platform="youtube")
        _check(response, body)
        return body

    def fetch_metrics(self, remote_id: str) -> Metrics:
        request = self.client.build_request(
            "GET", f"{API}/videos", params={"part": "statistics", "id": remote_id}, headers=self.bearer()
        )
        response = send(self.client, request, platform="youtube")
        body = json_object(response, platform="youtube")
        _check(response, body)
        items = body.get("items")
        stats = as_object(as_object(items[0]).get("statistics")) if isinstance(items, list) and items else {}
        if not stats:
            raise Rejected(f"youtube: video {remote_id} not found")

        def count(key: str) -> int | None:
            value = stats.get(key)  # YouTube sends counts as strings
            return int(value) if isinstance(value, str) and value.isdigit() else None

        return Metrics(
            fetched_at=datetime.now(UTC),
            views=count("viewCount"),
            likes=count("likeCount"),
            replies=count("commentCount"),
        )
