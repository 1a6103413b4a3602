"""XRPC calls to a PDS and the app-password session (createSession, refreshSession)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from .._http import JsonApi, JSONObject, status_error
from ..errors import AuthError, ConnectorError, Rejected
from ..types import Token

__all__ = [
    "XrpcError",
    "call",
    "create_session",
    "jwt_claims",
    "refresh_session",
    "session_token",
    "xrpc_error",
]

_AUTH_ERRORS = {
    "ExpiredToken",
    "InvalidToken",
    "AuthenticationRequired",
    "AccountTakedown",
    "AuthFactorTokenRequired",
}


class XrpcError(Rejected):
    """A refused XRPC call that is not about auth; ``error`` is the XRPC error name."""

    def __init__(self, message: str, *, error: str, status_code: int) -> None:
        super().__init__(message, status_code=status_code)
        self.error = error


def xrpc_error(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    """XRPC errors as :mod:`..errors`, with the error name kept: a refusal that is not about auth, rate
    or the server is an :class:`XrpcError`, so that callers can tell ``RecordNotFound`` apart."""
    if response.status_code < 400:
        return None
    error = str(body.get("error", ""))
    detail = f"{error}: {body.get('message', '')}".strip(": ")
    if error in _AUTH_ERRORS or response.status_code == 401:
        return AuthError(f"{platform}: {detail}", status_code=response.status_code)
    if response.status_code < 500 and response.status_code != 429:
        return XrpcError(f"{platform}: {detail}", error=error, status_code=response.status_code)
    return status_error(response, platform=platform, detail=detail)


def call(
    client: httpx.Client,
    service: str,
    method: str,
    nsid: str,
    *,
    token: str | None = None,
    params: dict[str, str] | None = None,
    json_body: JSONObject | None = None,
    content: bytes | None = None,
    content_type: str | None = None,
) -> JSONObject:
    """One XRPC request to ``service`` (a PDS or an AppView)."""
    headers: dict[str, str] = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if content_type:
        headers["Content-Type"] = content_type
    api = JsonApi(client, "bluesky", base=f"{service.rstrip('/')}/xrpc", errors=xrpc_error)
    return api.call(method, nsid, params=params, json=json_body, content=content, headers=headers)


def jwt_claims(jwt: str) -> dict[str, Any]:
    """The claims of a session JWT, read without verifying (we only need ``exp`` and ``sub``)."""
    try:
        payload = jwt.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def session_token(body: JSONObject) -> Token:
    """A createSession/refreshSession answer as a Token (expiry from the access JWT)."""
    access, refresh = body.get("accessJwt"), body.get("refreshJwt")
    if not isinstance(access, str) or not isinstance(refresh, str):
        raise AuthError("bluesky: session answer without tokens")
    exp = jwt_claims(access).get("exp")
    expires_at = datetime.fromtimestamp(exp, tz=UTC) if isinstance(exp, int) else None
    did = body.get("did")
    return Token(
        access_token=access,
        refresh_token=refresh,
        expires_at=expires_at,
        scope=did if isinstance(did, str) else None,
    )


def create_session(client: httpx.Client, service: str, identifier: str, password: str) -> Token:
    """Log in with a handle (or DID, or email) and an app password. The DID is kept in ``scope``."""
    try:
        body = call(
            client,
            service,
            "POST",
            "com.atproto.server.createSession",
            json_body={"identifier": identifier, "password": password},
        )
    except XrpcError as exc:
        raise AuthError(exc.message, status_code=exc.status_code) from None
    return session_token(body)


def refresh_session(client: httpx.Client, service: str, token: Token) -> Token:
    """Swap the refresh JWT for a new pair."""
    if not token.refresh_token:
        raise AuthError("bluesky: no refresh token")
    try:
        body = call(client, service, "POST", "com.atproto.server.refreshSession", token=token.refresh_token)
    except XrpcError as exc:
        raise AuthError(exc.message, status_code=exc.status_code) from None
    return session_token(body)
