"""Calls to Meta's Graph APIs (Facebook, Instagram, Threads) and their error codes.

Tokens go in the ``Authorization`` header, never in the query string, so that they stay out of
URLs and any log that records them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import httpx

from .._http import JsonApi, JSONObject, as_object
from ..errors import AuthError, ConnectorError, NotSent, OutcomeUnknown, RateLimited, Rejected
from ..versions import ApiVersions

__all__ = [
    "FACEBOOK",
    "FACEBOOK_VIDEO",
    "GRAPH_VERSIONS",
    "INSTAGRAM",
    "META_APP",
    "THREADS",
    "GraphClient",
    "graph_base",
    "graph_error",
    "publish_container",
    "quota",
]

# Meta's Graph API version table (developers.facebook.com/docs/graph-api/changelog/versions), read
# on 2026-12-03: v25.0 is the newest version with a published expiry (29 July 2028); v26.0 (released
# 29 July 2026) has none yet. The 10 November 2026 expiry of v24.0 is the Marketing API's table;
# Graph API v24.0 is served until 18 February 2028.
GRAPH_VERSIONS = ApiVersions(
    default="v25.0",
    pattern=r"v\d{2}\.0",
    example="v25.0",
    sunsets=(
        ("v21.0", date(2027, 1, 21)),
        ("v22.0", date(2027, 5, 20)),
        ("v23.0", date(2027, 10, 8)),
        ("v24.0", date(2028, 2, 18)),
        ("v25.0", date(2028, 7, 29)),
    ),
)


def graph_base(host: str, settings: Mapping[str, str]) -> str:
    """The versioned base URL on ``host`` for a channel: its pinned ``api_version`` or the default."""
    return f"https://{host}/{GRAPH_VERSIONS.effective(settings)}"


FACEBOOK = graph_base("graph.facebook.com", {})
FACEBOOK_VIDEO = graph_base("graph-video.facebook.com", {})  # video uploads have their own host
INSTAGRAM = FACEBOOK  # Instagram API with Facebook Login lives on the same host
THREADS = "https://graph.threads.net/v1.0"
# The ministry's Meta app, which a channel may hold to connect through Facebook Login (or Threads'
# consent) instead of a pasted token.
META_APP = ("app_id", "app_secret")

_RATE_CODES = {4, 17, 32, 613, 80001, 80002}  # app, user, page and business use limits
_PUBLISH_LIMIT_SUBCODES = {2207042}  # Instagram: content publishing limit reached


def graph_error(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    """The error a Graph answer means, or None for success."""
    error = as_object(body.get("error"))
    if response.status_code < 400 and not error:
        return None
    code, subcode = error.get("code"), error.get("error_subcode")
    text = (
        f"{platform}: {error.get('error_user_msg') or error.get('message') or f'HTTP {response.status_code}'}"
    )
    if code == 190 or error.get("type") == "OAuthException" and code in (102, 2500):
        return AuthError(text, status_code=response.status_code)
    if code in _RATE_CODES or subcode in _PUBLISH_LIMIT_SUBCODES or response.status_code == 429:
        return RateLimited(text, status_code=response.status_code)
    if error.get("is_transient") is True or code in (1, 2):
        return NotSent(text, status_code=response.status_code)
    if response.status_code == 504:
        return OutcomeUnknown(text)
    if response.status_code >= 500:
        return NotSent(text, status_code=response.status_code)
    return Rejected(text, status_code=response.status_code)


class GraphClient(JsonApi):
    """One account's view of a Graph API: ``get``/``post`` with the bearer token, errors read from
    Graph's codes."""

    def __init__(
        self,
        client: httpx.Client,
        base: str,
        token: str | None,
        platform: str,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``token`` None for calls that authenticate otherwise (token exchanges with the app secret)."""
        bearer = {"Authorization": f"Bearer {token}"} if token else {}
        super().__init__(client, platform, base=base, headers=lambda: bearer, errors=graph_error)
        self.sleep = sleep

    def request(self, method: str, path: str, **kwargs: Any) -> JSONObject:
        return self.call(method, path, **kwargs)

    def get(self, path: str, **params: str) -> JSONObject:
        return self.request("GET", path, params=params)

    def post(self, path: str, data: dict[str, str], files: dict[str, Any] | None = None) -> JSONObject:
        return self.request("POST", path, data=data, files=files)

    def wait_for_container(
        self, container_id: str, *, field: str, attempts: int = 30, every_s: float = 2.0
    ) -> None:
        """Poll a media container until it is ready to publish (Instagram ``status_code``, Threads
        ``status``): FINISHED goes on, ERROR or EXPIRED is a rejection."""
        for _ in range(attempts):
            state = str(self.get(container_id, fields=f"{field},id").get(field, ""))
            if state in ("FINISHED", "PUBLISHED"):
                return
            if state in ("ERROR", "EXPIRED"):
                raise Rejected(f"{self.platform}: media container {container_id} is {state}")
            self.sleep(every_s)
        raise NotSent(
            f"{self.platform}: media container {container_id} still processing; nothing was published"
        )


def publish_container(graph: GraphClient, path: str, container: str, *, field: str) -> str:
    """The publish step of container-then-publish. When its answer is lost or is a "temporary"
    error, the container itself says what happened: still FINISHED means nothing went out (safe to
    retry); anything else (PUBLISHED) means it may have, for a person to confirm."""
    try:
        media_id = graph.post(path, {"creation_id": container}).get("id")
    except (NotSent, OutcomeUnknown) as failure:
        try:
            state = str(graph.get(container, fields=f"{field},id").get(field, ""))
        except ConnectorError:
            raise OutcomeUnknown(f"{failure.message}; container {container} could not be read") from None
        if state == "FINISHED":
            raise NotSent(f"{failure.message}; container {container} is still unpublished") from None
        raise OutcomeUnknown(f"{failure.message}; container {container} is {state or 'unknown'}") from None
    if not isinstance(media_id, str):
        raise OutcomeUnknown(f"{graph.platform}: published without an id")
    return media_id


def permalink(graph: GraphClient, media_id: str) -> str | None:
    """The post's public link, read after publishing: a failure here must not turn a published post
    into a retry, so it only costs the link."""
    try:
        link = graph.get(media_id, fields="permalink").get("permalink")
    except ConnectorError:
        return None
    return link if isinstance(link, str) else None


def quota(body: JSONObject) -> tuple[int, int] | None:
    """``(used, total)`` from a content/threads publishing limit answer."""
    data = body.get("data")
    entry = as_object(data[0]) if isinstance(data, list) and data else {}
    used, total = entry.get("quota_usage"), as_object(entry.get("config")).get("quota_total")
    if isinstance(used, int) and isinstance(total, int):
        return used, total
    return None
