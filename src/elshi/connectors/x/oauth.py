"""X OAuth 2.0 authorization code flow with PKCE, and refresh (access tokens last two hours)."""

from __future__ import annotations

from datetime import datetime

import httpx

from ..oauth import Pkce, authorization_url, request_token
from ..types import Token

__all__ = ["AUTHORIZE_URL", "SCOPES", "TOKEN_URL", "authorize_url", "exchange_code", "refresh"]

AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
TOKEN_URL = "https://api.x.com/2/oauth2/token"  # noqa: S105 - a URL, not a secret
# offline.access gives the refresh token; media.write the v2 media upload.
SCOPES = "tweet.read tweet.write users.read media.write offline.access"


def authorize_url(client_id: str, redirect_uri: str, *, state: str, pkce: Pkce) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
        "state": state,
    }
    return authorization_url(AUTHORIZE_URL, params, pkce)


def _client_auth(client_id: str, client_secret: str | None) -> tuple[str, str] | None:
    # Confidential clients authenticate with Basic auth; public clients send client_id in the form.
    return (client_id, client_secret) if client_secret else None


def exchange_code(
    client: httpx.Client,
    code: str,
    *,
    client_id: str,
    client_secret: str | None,
    redirect_uri: str,
    pkce: Pkce,
) -> Token:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": pkce.verifier,
        "client_id": client_id,
    }
    return request_token(client, TOKEN_URL, form, platform="x", auth=_client_auth(client_id, client_secret))


def refresh(
    client: httpx.Client,
    token: Token,
    *,
    client_id: str,
    client_secret: str | None,
    now: datetime | None = None,
) -> Token:
    form = {"grant_type": "refresh_token", "refresh_token": token.refresh_token or "", "client_id": client_id}
    return request_token(
        client,
        TOKEN_URL,
        form,
        platform="x",
        auth=_client_auth(client_id, client_secret),
        previous=token,
        now=now,
    )
