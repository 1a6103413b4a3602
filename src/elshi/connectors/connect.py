"""Connecting a channel: two calls, the same for every platform that uses the plain authorization-code
flow (Bluesky uses an app password; Mastodon registers an app per instance first, see :mod:`.mastodon`;
Meta adds token exchanges, see :mod:`.meta.connect`). Each platform's endpoints and scopes are the
``oauth`` of its publisher's :class:`~elshi.connectors.facts.PlatformFacts`.

    url = authorize_url("linkedin", client_id=..., redirect_uri=..., state=state, pkce=pkce)
    token = exchange_code(client, "linkedin", code, client_id=..., client_secret=..., redirect_uri=...)
"""

from __future__ import annotations

import httpx

from ._builtin import BUILTIN
from .errors import ConfigurationError
from .facts import OAuthProvider
from .oauth import Pkce, authorization_url, client_credentials, request_token
from .types import Token

__all__ = ["PROVIDERS", "OAuthProvider", "authorize_url", "exchange_code"]

PROVIDERS: dict[str, OAuthProvider] = {
    publisher.platform: publisher.facts.oauth
    for publisher in BUILTIN
    if publisher.facts.oauth is not None and publisher.facts.connect == "oauth2"
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
    credentials, auth = client_credentials(provider, client_id, client_secret)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, **credentials}
    if pkce is not None:
        form["code_verifier"] = pkce.verifier
    return request_token(client, provider.token, form, platform=platform, auth=auth)
