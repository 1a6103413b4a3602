"""Connecting a channel: one table of OAuth providers and two calls, the same for every platform that
uses the plain authorization-code flow (Bluesky uses an app password; Mastodon registers an app per
instance first, see :mod:`.mastodon`; Meta adds token exchanges, see :mod:`.meta.connect`).

    url = authorize_url("linkedin", client_id=..., redirect_uri=..., state=state, pkce=pkce)
    token = exchange_code(client, "linkedin", code, client_id=..., client_secret=..., redirect_uri=...)
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .errors import ConfigurationError
from .oauth import Pkce, authorization_url, request_token
from .types import Token

__all__ = ["PROVIDERS", "OAuthProvider", "authorize_url", "exchange_code"]


@dataclass(frozen=True, slots=True)
class OAuthProvider:
    authorize: str
    token: str
    scopes: tuple[str, ...]
    scope_separator: str = " "
    client_id_name: str = "client_id"  # TikTok calls it client_key
    basic_auth: bool = False  # X wants confidential clients in an Authorization header
    extra: tuple[tuple[str, str], ...] = ()


PROVIDERS: dict[str, OAuthProvider] = {
    "x": OAuthProvider(
        "https://x.com/i/oauth2/authorize",
        "https://api.x.com/2/oauth2/token",
        ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access"),
        basic_auth=True,
    ),
    "linkedin": OAuthProvider(
        "https://www.linkedin.com/oauth/v2/authorization",
        "https://www.linkedin.com/oauth/v2/accessToken",
        ("w_organization_social", "r_organization_social"),
    ),
    "tiktok": OAuthProvider(
        "https://www.tiktok.com/v2/auth/authorize/",
        "https://open.tiktokapis.com/v2/oauth/token/",
        ("user.info.basic", "video.publish", "video.list"),
        scope_separator=",",
        client_id_name="client_key",
    ),
    "youtube": OAuthProvider(
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        (
            "https://www.googleapis.com/auth/youtube.upload",
            "https://www.googleapis.com/auth/youtube.readonly",
        ),
        # offline access and consent every time, or Google sends no refresh token on reconnect
        extra=(("access_type", "offline"), ("prompt", "consent")),
    ),
    "threads": OAuthProvider(
        "https://threads.net/oauth/authorize",
        "https://graph.threads.net/oauth/access_token",
        ("threads_basic", "threads_content_publish", "threads_manage_insights"),
        scope_separator=",",
    ),
}


def _provider(platform: str) -> OAuthProvider:
    try:
        return PROVIDERS[platform]
    except KeyError:
        raise ConfigurationError(f"{platform}: no OAuth authorization-code flow here") from None


def authorize_url(
    platform: str, *, client_id: str, redirect_uri: str, state: str, pkce: Pkce | None = None
) -> str:
    """Where to send the user's browser to connect a ``platform`` account."""
    provider = _provider(platform)
    params = {
        provider.client_id_name: client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": provider.scope_separator.join(provider.scopes),
        "state": state,
        **dict(provider.extra),
    }
    return authorization_url(provider.authorize, params, pkce)


def exchange_code(
    client: httpx.Client,
    platform: str,
    code: str,
    *,
    client_id: str,
    client_secret: str | None,
    redirect_uri: str,
    pkce: Pkce | None = None,
) -> Token:
    """Swap the callback's ``code`` for a token (with its refresh token where the platform gives one)."""
    provider = _provider(platform)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        provider.client_id_name: client_id,
    }
    if client_secret and not provider.basic_auth:
        form["client_secret"] = client_secret
    if pkce is not None:
        form["code_verifier"] = pkce.verifier
    auth = (client_id, client_secret) if provider.basic_auth and client_secret else None
    return request_token(client, provider.token, form, platform=platform, auth=auth)
