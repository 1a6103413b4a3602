"""Meta's extra connect steps: Facebook Login (for Pages and Instagram) and Threads long-lived tokens.

Facebook: ``facebook_authorize_url`` -> ``facebook_exchange_code`` (short-lived user token) ->
``facebook_long_lived`` (60 days) -> ``facebook_pages`` (Page tokens that do not expire, each with its
linked Instagram account). Threads: :func:`elshi.connectors.connect.exchange_code` with "threads"
(one hour) -> ``threads_long_lived`` (60 days, then ``ThreadsPublisher.refresh_if_needed``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from .._http import as_object
from ..errors import Rejected
from ..oauth import parse_token
from ..types import Token
from .graph import FACEBOOK, GRAPH_VERSIONS, THREADS, GraphClient

__all__ = [
    "FACEBOOK_SCOPES",
    "Page",
    "facebook_authorize_url",
    "facebook_exchange_code",
    "facebook_long_lived",
    "facebook_pages",
    "threads_long_lived",
    "threads_profile",
]

FACEBOOK_SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "business_management",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_insights",
)


@dataclass(frozen=True, slots=True)
class Page:
    page_id: str
    name: str
    token: Token = field(repr=False)
    instagram_user_id: str | None = None


def facebook_authorize_url(*, app_id: str, redirect_uri: str, state: str) -> str:
    query = {
        "client_id": app_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "response_type": "code",
        "scope": ",".join(FACEBOOK_SCOPES),
    }
    return f"https://www.facebook.com/{GRAPH_VERSIONS.default}/dialog/oauth?{urlencode(query)}"


def _token_call(client: httpx.Client, url: str, params: dict[str, str], platform: str) -> Token:
    # These calls authenticate with the app secret in the query, as Meta documents them (the httpx log
    # filter in ..redact masks it).
    return parse_token(GraphClient(client, url, None, platform).request("GET", url, params=params))


def facebook_exchange_code(
    client: httpx.Client, code: str, *, app_id: str, app_secret: str, redirect_uri: str
) -> Token:
    params = {"client_id": app_id, "client_secret": app_secret, "redirect_uri": redirect_uri, "code": code}
    return _token_call(client, f"{FACEBOOK}/oauth/access_token", params, "facebook")


def facebook_long_lived(client: httpx.Client, token: Token, *, app_id: str, app_secret: str) -> Token:
    params = {
        "grant_type": "fb_exchange_token",
        "client_id": app_id,
        "client_secret": app_secret,
        "fb_exchange_token": token.access_token,
    }
    return _token_call(client, f"{FACEBOOK}/oauth/access_token", params, "facebook")


def facebook_pages(client: httpx.Client, user_token: Token, *, max_requests: int = 20) -> list[Page]:
    """The Pages the user manages, each with its Page token and linked Instagram professional account.

    Meta answers 25 Pages at a time; a ministry's account can manage every embassy's Page, so the
    list is followed by its ``after`` cursor (never by the ``next`` URL it sends), for at most
    ``max_requests`` requests."""
    graph = GraphClient(client, FACEBOOK, user_token.access_token, "facebook")
    fields = "id,name,access_token,instagram_business_account"
    pages: list[Page] = []
    after: str | None = None
    for _ in range(max_requests):
        body = graph.get("me/accounts", fields=fields, **({"after": after} if after else {}))
        for entry in body.get("data") or []:
            item = as_object(entry)
            page_id, name, token = item.get("id"), item.get("name"), item.get("access_token")
            if isinstance(page_id, str) and isinstance(token, str):
                instagram = as_object(item.get("instagram_business_account")).get("id")
                pages.append(
                    Page(
                        page_id,
                        str(name or page_id),
                        Token(token),
                        instagram if isinstance(instagram, str) else None,
                    )
                )
        paging = as_object(body.get("paging"))
        cursor = as_object(paging.get("cursors")).get("after")
        if not paging.get("next") or not isinstance(cursor, str) or not cursor or not body.get("data"):
            break
        after = cursor
    return pages


def threads_long_lived(client: httpx.Client, token: Token, *, app_secret: str) -> Token:
    params = {
        "grant_type": "th_exchange_token",
        "client_secret": app_secret,
        "access_token": token.access_token,
    }
    return _token_call(client, "https://graph.threads.net/access_token", params, "threads")


def threads_profile(client: httpx.Client, token: Token) -> tuple[str, str | None]:
    """The Threads user a token speaks for: ``(id, username)`` from ``GET /me``."""
    body = GraphClient(client, THREADS, token.access_token, "threads").get("me", fields="id,username")
    user_id, username = body.get("id"), body.get("username")
    if not isinstance(user_id, str) or not user_id:
        raise Rejected("threads: /me answered without an id")
    return user_id, username if isinstance(username, str) else None
