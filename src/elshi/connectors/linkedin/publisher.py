"""LinkedIn Posts API (versioned ``/rest``): text with reserved characters escaped, one image with alt
text via the Images API, social-action counts, refresh-token grant."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

import httpx

from .._http import JsonApi, JSONObject, as_object, check_status, preliminary, send, status_error
from ..errors import AuthError, ConnectorError, OutcomeUnknown, Rejected
from ..facts import OAuthProvider, PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules, escape_little_text
from ..types import Account, Delivery, Media, Metrics, Published

__all__ = ["API", "DEFAULT_VERSION", "TOKEN_URL", "LinkedInPublisher"]

API = "https://api.linkedin.com/rest"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 - a URL, not a secret
# LinkedIn supports each monthly version for about a year; channels may pin another with a setting.
DEFAULT_VERSION = "202510"


def _error(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    """A revoked or expired token may come with any status; LinkedIn names it in ``code``."""
    if response.status_code < 400:
        return None
    if body.get("code") in ("REVOKED_ACCESS_TOKEN", "EXPIRED_ACCESS_TOKEN"):
        return AuthError(f"{platform}: {body.get('message')}", status_code=response.status_code)
    return status_error(response, platform=platform, detail=str(body.get("message", "")))


class LinkedInPublisher(BasePublisher):
    """Settings: ``author`` (``urn:li:organization:…`` or ``urn:li:person:…``), optional
    ``linkedin_version``. Secrets: ``client_id``, ``client_secret`` (for refresh)."""

    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "linkedin",
        "LinkedIn",
        "oauth2",
        settings=("author",),
        secrets=("client_id", "client_secret"),
        token=True,
        rules=PlatformRules("linkedin", 3000, max_media=1, alt_text_max=4086),
        oauth=OAuthProvider(
            "https://www.linkedin.com/oauth/v2/authorization",
            TOKEN_URL,
            ("w_organization_social", "r_organization_social"),
        ),
    )

    def __init__(self, client: httpx.Client, account: Account) -> None:
        super().__init__(client, account)
        self.api = JsonApi(client, self.platform, base=API, headers=self._headers, errors=_error)

    def _headers(self) -> dict[str, str]:
        return {
            **self.bearer(),
            "LinkedIn-Version": self.account.settings.get("linkedin_version") or DEFAULT_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def upload(self, media: Media) -> str:
        """Initialize an image upload for the author, PUT the bytes, return the image URN."""
        if media.kind != "image":
            raise Rejected("linkedin: this connector uploads images only")
        author = self.account.setting("author")
        body = self.api.call(
            "POST",
            "/images",
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": author}},
        )
        value = as_object(body.get("value"))
        upload_url, image = value.get("uploadUrl"), value.get("image")
        if not isinstance(upload_url, str) or not isinstance(image, str):
            raise Rejected("linkedin: image upload was not initialized")
        # The upload URL takes the bytes with the bearer token only, not the Rest.li headers.
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
        response = self.api.send("POST", "/posts", json=post)
        if response.status_code >= 400:
            # The URN comes in a header; the body (empty on success) is read only to explain a refusal.
            self.api.read(response)
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
        body = self.api.call("GET", f"/socialActions/{quote(remote_id, safe='')}")
        summaries = {**as_object(body.get("likesSummary")), **as_object(body.get("commentsSummary"))}
        return Metrics.from_counts(summaries, likes="totalLikes", replies="aggregatedTotalComments")

    def _share_statistics(self, organization: str, remote_id: str) -> Metrics:
        kind = "ugcPosts" if remote_id.startswith("urn:li:ugcPost:") else "shares"
        # Rest.li 2.0 wants the URNs encoded inside List(...), and the parentheses left as they are.
        query = (
            f"q=organizationalEntity&organizationalEntity={quote(organization, safe='')}"
            f"&{kind}=List({quote(remote_id, safe='')})"
        )
        elements = self.api.call("GET", f"/organizationalEntityShareStatistics?{query}").get("elements")
        first = as_object(elements[0]) if isinstance(elements, list) and elements else {}
        return Metrics.from_counts(
            as_object(first.get("totalShareStatistics")),
            likes="likeCount",
            replies="commentCount",
            reposts="shareCount",
            views="impressionCount",
            link_clicks="clickCount",
        )
