"""Mastodon app registration (one per instance) and the OAuth authorization-code flow."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from .._http import JsonApi
from ..errors import Rejected
from ..oauth import Pkce, authorization_url, request_token
from ..types import Token

__all__ = ["SCOPES", "AppRegistration", "authorize_url", "exchange_code", "register_app"]

SCOPES = "read:statuses write:statuses write:media"


@dataclass(frozen=True, slots=True)
class AppRegistration:
    """elshi's client on one instance; the secret is stored encrypted with the channel."""

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    scopes: str = SCOPES


def register_app(
    client: httpx.Client,
    base_url: str,
    *,
    client_name: str,
    redirect_uri: str,
    website: str | None = None,
    scopes: str = SCOPES,
) -> AppRegistration:
    """``POST /api/v1/apps``: register elshi on an instance (once per instance, reused by channels)."""
    base_url = base_url.rstrip("/")
    form = {"client_name": client_name, "redirect_uris": redirect_uri, "scopes": scopes}
    if website:
        form["website"] = website
    body = JsonApi(client, "mastodon", base=base_url).call("POST", "/api/v1/apps", data=form)
    client_id, client_secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(client_secret, str):
        raise Rejected("mastodon: app registration answered without client credentials")
    return AppRegistration(base_url, client_id, client_secret, redirect_uri, scopes)


def authorize_url(app: AppRegistration, *, state: str, pkce: Pkce | None = None) -> str:
    """Where to send the user's browser to let elshi post for the account."""
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "scope": app.scopes,
        "state": state,
    }
    return authorization_url(f"{app.base_url}/oauth/authorize", params, pkce)


def exchange_code(
    client: httpx.Client, app: AppRegistration, code: str, *, pkce: Pkce | None = None
) -> Token:
    """``POST /oauth/token`` with the callback's code. Mastodon tokens do not expire."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "redirect_uri": app.redirect_uri,
        "scope": app.scopes,
    }
    if pkce is not None:
        form["code_verifier"] = pkce.verifier
    return request_token(client, f"{app.base_url}/oauth/token", form, platform="mastodon")
