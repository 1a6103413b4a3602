"""OAuth 2.0 pieces shared by connectors: PKCE, authorization URLs, token answers, and the one
refresh-token grant every OAuth platform uses (:func:`refresh_token`)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx

from ._http import JsonApi, JSONObject, status_error
from .errors import AuthError, ConnectorError, NotSent, OutcomeUnknown
from .facts import OAuthProvider
from .types import Token

__all__ = [
    "REFRESH_MARGIN",
    "Pkce",
    "authorization_url",
    "client_credentials",
    "new_pkce",
    "parse_token",
    "refresh_token",
    "request_token",
]

# Refresh when less than this is left, so that a token never expires between claim and send.
REFRESH_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Pkce:
    """A PKCE pair (RFC 7636, S256): keep ``verifier`` server-side until the callback."""

    verifier: str = field(repr=False)
    challenge: str
    method: str = "S256"


def new_pkce() -> Pkce:
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return Pkce(verifier=verifier, challenge=challenge)


def authorization_url(endpoint: str, params: Mapping[str, str], pkce: Pkce | None = None) -> str:
    """``endpoint`` with the query a user's browser is sent to."""
    query = dict(params)
    if pkce is not None:
        query.update(code_challenge=pkce.challenge, code_challenge_method=pkce.method)
    return f"{endpoint}?{urlencode(query)}"


def parse_token(
    data: Mapping[str, object], *, now: datetime | None = None, previous: Token | None = None
) -> Token:
    """A token endpoint's JSON answer as a :class:`Token` (``expires_in`` made absolute, in UTC)."""
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        raise AuthError("token endpoint answered without an access token")
    expires_in = data.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
        expires_at = (now or datetime.now(UTC)) + timedelta(seconds=float(expires_in))
    refresh = data.get("refresh_token")
    scope = data.get("scope")
    return Token(
        access_token=access,
        # Some platforms only send a refresh token the first time; keep the one we had.
        refresh_token=refresh if isinstance(refresh, str) else (previous.refresh_token if previous else None),
        expires_at=expires_at,
        scope=scope if isinstance(scope, str) else (previous.scope if previous else None),
    )


def _grant_error(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    if response.status_code in (400, 401, 403):
        reason = body.get("error_description") or body.get("error") or "grant refused"
        return AuthError(f"{platform}: token request refused: {reason}", status_code=response.status_code)
    return status_error(response, platform=platform)


def request_token(
    client: httpx.Client,
    url: str,
    form: Mapping[str, str],
    *,
    platform: str,
    auth: tuple[str, str] | None = None,
    previous: Token | None = None,
    now: datetime | None = None,
) -> Token:
    """POST a form to a token endpoint (code exchange or refresh) and parse the answer.

    A refused grant (400/401/403) is an :class:`AuthError`: the user must connect the channel again.
    """
    headers = {"Accept": "application/json"}
    if auth is not None:
        raw = f"{auth[0]}:{auth[1]}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
    api = JsonApi(client, platform, errors=_grant_error)
    try:
        response = api.send("POST", url, data=dict(form), headers=headers)
    except OutcomeUnknown as exc:
        # Nothing was published, so the delivery may be retried; a rotated refresh token lost this
        # way shows up on the next attempt as a refused grant.
        raise NotSent(exc.message) from None
    return parse_token(api.read(response), now=now, previous=previous)


def client_credentials(
    provider: OAuthProvider, client_id: str, client_secret: str | None
) -> tuple[dict[str, str], tuple[str, str] | None]:
    """How the client identifies itself to ``provider``'s token endpoint: the form fields, and the
    Basic auth pair for providers that want confidential clients there instead (X)."""
    form = {provider.client_id_name: client_id}
    if client_secret and not provider.basic_auth:
        form["client_secret"] = client_secret
    auth = (client_id, client_secret) if provider.basic_auth and client_secret else None
    return form, auth


def refresh_token(
    client: httpx.Client,
    provider: OAuthProvider,
    token: Token,
    *,
    platform: str,
    client_id: str,
    client_secret: str | None,
    now: datetime | None = None,
) -> Token:
    """The refresh-token grant; a rotated refresh token replaces the old one, a missing one keeps it. A
    token without a refresh token is refused by the platform (an :class:`AuthError`)."""
    credentials, auth = client_credentials(provider, client_id, client_secret)
    form = {"grant_type": "refresh_token", "refresh_token": token.refresh_token or "", **credentials}
    return request_token(client, provider.token, form, platform=platform, auth=auth, previous=token, now=now)
