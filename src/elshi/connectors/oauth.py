"""OAuth 2.0 pieces shared by connectors: PKCE, authorization URLs, token answers, refresh."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx

from ._http import check_status, json_object, send
from .errors import AuthError, NotSent, OutcomeUnknown
from .types import Token

__all__ = ["REFRESH_MARGIN", "Pkce", "authorization_url", "new_pkce", "parse_token", "request_token"]

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

    A refused grant (400/401) is an :class:`AuthError`: the user must connect the channel again.
    """
    headers = {"Accept": "application/json"}
    if auth is not None:
        raw = f"{auth[0]}:{auth[1]}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
    request = client.build_request("POST", url, data=dict(form), headers=headers)
    try:
        response = send(client, request, platform=platform)
    except OutcomeUnknown as exc:
        # Nothing was published, so the delivery may be retried; a rotated refresh token lost this
        # way shows up on the next attempt as a refused grant.
        raise NotSent(exc.message) from None
    body = json_object(response, platform=platform)
    if response.status_code in (400, 401, 403):
        reason = body.get("error_description") or body.get("error") or "grant refused"
        raise AuthError(f"{platform}: token request refused: {reason}", status_code=response.status_code)
    check_status(response, platform=platform)
    return parse_token(body, now=now, previous=previous)
