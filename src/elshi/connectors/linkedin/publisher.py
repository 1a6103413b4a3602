"""LinkedIn Posts API (versioned ``/rest``): text with reserved characters escaped, one image with alt
text via the Images API, social-action counts, refresh-token grant."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from .._http import JSONObject, as_object, check_status, json_object, preliminary, send
from ..errors import AuthError, OutcomeUnknown, Rejected
from ..oauth import REFRESH_MARGIN, request_token
from ..protocol import BasePublisher
from ..text import escape_little_text
from ..types import Delivery, Media, Metrics, Published, Token

__all__ = ["API", "DEFAULT_VERSION", "TOKEN_URL", "LinkedInPublisher"]

API = "https://api.linkedin.com/rest"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 - a URL, not a secret
# LinkedIn supports each monthly version for about a year; channels may pin another with a setting.
DEFAULT_VERSION = "202510"


class LinkedInPublisher(BasePublisher):
    """Settings: ``author`` (``urn:li:organization:…`` or ``urn:li:person:…``), optional
    ``linkedin_version``. Secrets: ``client_id``, ``client_secret`` (for refresh)."""

    platform: ClassVar[str] = "linkedin"
    idempotent: ClassVar[bool] = False

    def _headers(self) -> dict[str, str]:
        return {
            **self.bearer(),
            "LinkedIn-Version": self.account.settings.get("linkedin_version") or DEFAULT_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = send(
            self.client,
            self.client.build_request(method, url, headers=self._headers(), **kwargs),
            platform="linkedin",
        )
        if response.status_code >= 400:
            body = json_object(response, platform="linkedin")
            if body.get("code") in ("REVOKED_ACCESS_TOKEN", "EXPIRED_ACCESS_TOKEN"):
                raise AuthError(f"linkedin: {body.get('message')}", status_code=response.status_code)
            check_status(response, platform="linkedin", detail=str(body.get("message", "")))
        return response

    def refresh_if_needed(self, now: datetime) -> Token | None:
        token = self.token
        if token is None or not token.expires_within(REFRESH_MARGIN, now):
            return None
        if not token.refresh_token:
            raise AuthError("linkedin: token expires and there is no refresh token: reconnect the channel")
        form = {
            "grant_type": "refresh_token",
            "refresh_token": token.refresh_token,
            "client_id": self.account.secret("client_id"),
            "client_secret": self.account.secret("client_secret"),
        }
        self.token = request_token(self.client, TOKEN_URL, form, platform="linkedin", previous=token, now=now)
        return self.token

    def upload(self, media: Media) -> str:
        """Initialize an image upload for the author, PUT the bytes, return the image URN."""
        if media.kind != "image":
            raise Rejected("linkedin: this connector uploads images only")
        author = self.account.setting("author")
        response = self._send(
            "POST",
            f"{API}/images",
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": author}},
        )
        value = as_object(json_object(response, platform="linkedin").get("value"))
        upload_url, image = value.get("uploadUrl"), value.get("image")
        if not isinstance(upload_url, str) or not isinstance(image, str):
            raise Rejected("linkedin: image upload was not initialized")
        put = self.client.build_request(
            "PUT",
            upload_url,
            content=media.require_data(),
            headers={**self.bearer(), "Content-Type": media.mime_type},
        )
        check_status(send(self.client, put, platform="linkedin"), platform="linkedin", detail="image upload")
        return image

    def publish(self, delivery: Delivery) -> Published:
        message = delivery.message
        self.check(message)
        post: JSONObject = {
            "author": self.account.setting("author"),
            "commentary": escape_little_text(message.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if message.media:
            item = message.media[0]
            with preliminary():
                image = self.upload(item)
            post["content"] = {"media": {"id": image, "altText": item.alt_text}}
        elif message.link:
            post["content"] = {"article": {"source": message.link, "title": message.title or message.link}}
        response = self._send("POST", f"{API}/posts", json=post)
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
        if not urn:
            raise OutcomeUnknown("linkedin: post accepted without an id")
        return Published(remote_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/")

    def fetch_metrics(self, remote_id: str) -> Metrics:
        """Organization posts: share statistics (impressions, clicks, likes, comments, shares); a
        member's posts: social-action counts only (LinkedIn gives no more)."""
        author = self.account.setting("author")
        if author.startswith("urn:li:organization:"):
            return self._share_statistics(author, remote_id)
        response = self._send("GET", f"{API}/socialActions/{quote(remote_id, safe='')}")
        body = json_object(response, platform="linkedin")
        likes = as_object(body.get("likesSummary")).get("totalLikes")
        comments = as_object(body.get("commentsSummary")).get("aggregatedTotalComments")
        return Metrics(
            fetched_at=datetime.now(UTC),
            likes=likes if isinstance(likes, int) else None,
            replies=comments if isinstance(comments, int) else None,
        )

    def _share_statistics(self, organization: str, remote_id: str) -> Metrics:
        kind = "ugcPosts" if remote_id.startswith("urn:li:ugcPost:") else "shares"
        # Rest.li 2.0 wants the URNs encoded inside List(...), and the parentheses left as they are.
        query = (
            f"q=organizationalEntity&organizationalEntity={quote(organization, safe='')}"
            f"&{kind}=List({quote(remote_id, safe='')})"
        )
        response = self._send("GET", f"{API}/organizationalEntityShareStatistics?{query}")
        elements = json_object(response, platform="linkedin").get("elements")
        first = as_object(elements[0]) if isinstance(elements, list) and elements else {}
        stats = as_object(first.get("totalShareStatistics"))

        def count(key: str) -> int | None:
            value = stats.get(key)
            return value if isinstance(value, int) else None

        return Metrics(
            fetched_at=datetime.now(UTC),
            likes=count("likeCount"),
            replies=count("commentCount"),
            reposts=count("shareCount"),
            views=count("impressionCount"),
            link_clicks=count("clickCount"),
        )
