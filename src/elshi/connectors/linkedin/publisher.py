"""LinkedIn Posts API (versioned ``/rest``): text with reserved characters escaped, one image, 2 to 20
images (``multiImage``) or one video, alt text on images, share statistics or social-action counts,
refresh-token grant."""

from __future__ import annotations

from datetime import date
from typing import ClassVar
from urllib.parse import quote

import httpx

from .._http import JsonApi, JSONObject, as_object, preliminary, status_error
from ..errors import AuthError, ConfigurationError, ConnectorError, InvalidMessage, OutcomeUnknown
from ..facts import OAuthProvider, PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules, escape_little_text
from ..types import Account, Delivery, Media, Metrics, Published
from ..versions import ApiVersions
from .media import upload_image, upload_video

__all__ = ["API", "DEFAULT_VERSION", "SCOPES", "TOKEN_URL", "VERSIONS", "LinkedInPublisher"]

API = "https://api.linkedin.com/rest"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 - a URL, not a secret
# Organization share statistics need rw_organization_admin; posting needs w_organization_social.
SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")
# LinkedIn releases a version each month (not every month: there was no 202512) and supports each
# for at least 12 months. 202607 is the newest one its versioning page named when checked on
# 2026-12-03 (learn.microsoft.com/linkedin/marketing/versioning). The sunsets below are from its
# migrations page (learn.microsoft.com/linkedin/marketing/integrations/migrations), read the same
# day; any other version is taken to retire 12 months after its release month.
VERSIONS = ApiVersions(
    default="202607",
    pattern=r"20\d{2}(0[1-9]|1[0-2])",
    example="202607",
    sunsets=(
        ("202510", date(2026, 10, 15)),
        ("202511", date(2026, 11, 16)),
        ("202601", date(2027, 1, 15)),
        ("202602", date(2027, 2, 15)),
        ("202603", date(2027, 3, 16)),
    ),
    support_months=12,
    legacy=("linkedin_version",),
)
DEFAULT_VERSION = VERSIONS.default


def _error(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    """A revoked or expired token may come with any status; LinkedIn names it in ``code``. A version
    LinkedIn no longer serves answers 426 ``NONEXISTENT_VERSION`` ("Requested version … is not
    active") to every call: that is the channel's setting to fix, not a refusal of the post."""
    if response.status_code < 400:
        return None
    code, message = body.get("code"), str(body.get("message", ""))
    if code in ("REVOKED_ACCESS_TOKEN", "EXPIRED_ACCESS_TOKEN"):
        return AuthError(f"{platform}: {message}", status_code=response.status_code)
    if response.status_code == 426 or code == "NONEXISTENT_VERSION":
        version = response.request.headers.get("LinkedIn-Version", "?")
        return ConfigurationError(
            f"{platform}: this LinkedIn API version ({version}) is retired: update it in the channel's "
            f"API version setting ({message or f'HTTP {response.status_code}'})"
        )
    return status_error(response, platform=platform, detail=message)


class LinkedInPublisher(BasePublisher):
    """Settings: ``author`` (``urn:li:organization:…`` or ``urn:li:person:…``), optional
    ``api_version`` (``YYYYMM``; ``linkedin_version`` is still read). Secrets: ``client_id``,
    ``client_secret`` (for refresh)."""

    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "linkedin",
        "LinkedIn",
        "oauth2",
        settings=("author",),
        secrets=("client_id", "client_secret"),
        token=True,
        # One video, or up to 20 images (the Posts API's multiImage takes 2 to 20), never both.
        rules=PlatformRules(
            "linkedin",
            3000,
            max_media=20,
            max_videos=1,
            alt_text_max=4086,
            image_mime_types=("image/jpeg", "image/png", "image/gif"),
        ),
        oauth=OAuthProvider("https://www.linkedin.com/oauth/v2/authorization", TOKEN_URL, SCOPES),
        api=VERSIONS,
    )

    def __init__(self, client: httpx.Client, account: Account) -> None:
        super().__init__(client, account)
        self.api = JsonApi(client, self.platform, base=API, headers=self._headers, errors=_error)

    @property
    def version(self) -> str:
        return VERSIONS.effective(self.account.settings)

    def _headers(self) -> dict[str, str]:
        return {
            **self.bearer(),
            "LinkedIn-Version": self.version,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def upload(self, media: Media) -> str:
        """Upload one image or video for the author; its URN."""
        author = self.account.setting("author")
        if media.kind == "image":
            return upload_image(self.api, self.bearer, author, media)
        if media.kind == "video":
            return upload_video(self.api, self.bearer, author, media)
        raise InvalidMessage([f"linkedin: {media.mime_type} is neither an image nor a video"])

    def _content(self, media: tuple[Media, ...], title: str | None) -> JSONObject:
        """The post's ``content`` for its media, uploaded first (nothing is published by that)."""
        with preliminary():
            urns = [self.upload(item) for item in media]
        if media[0].kind == "video":
            return {"media": {"id": urns[0], **({"title": title} if title else {})}}
        images = [{"id": urn, "altText": item.alt_text} for urn, item in zip(urns, media, strict=True)]
        if len(images) == 1:
            return {"media": images[0]}
        return {"multiImage": {"images": images}}

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
            post["content"] = self._content(message.media, message.title)
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
