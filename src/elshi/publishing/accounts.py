"""Between a stored channel and a connector: decrypting its account, storing refreshed tokens."""

from __future__ import annotations

import ssl
import threading
from typing import Any

import httpx
from django.conf import settings

from elshi import connectors
from elshi.common.crypto import decrypt_json_cached, encrypt_json
from elshi.common.http import outbound_client
from elshi.connectors import Account, Token
from elshi.missions.models import Channel

__all__ = [
    "account_of",
    "connector_name",
    "http_client",
    "publisher_for",
    "set_credentials",
    "store_token",
    "tls_context",
]


def connector_name(channel: Channel) -> str:
    return "sandbox" if channel.sandbox else channel.platform


def account_of(channel: Channel) -> Account:
    token = decrypt_json_cached(channel.token_encrypted)
    settings_ = dict(channel.settings)
    if channel.sandbox:
        settings_ = {"rules": channel.platform, "name": f"{channel.platform}:{channel.handle}", **settings_}
    return Account(
        settings=settings_,
        secrets=decrypt_json_cached(channel.secrets_encrypted) or {},
        token=Token.from_json(token) if token else None,
    )


def set_credentials(
    channel: Channel, *, secrets: dict[str, str] | None = None, token: Token | None = None
) -> None:
    """Encrypt and set; the caller saves the channel."""
    if secrets is not None:
        channel.secrets_encrypted = encrypt_json(secrets)
    if token is not None:
        store_token(channel, token)


def store_token(channel: Channel, token: Token) -> None:
    channel.token_encrypted = encrypt_json(token.to_json())
    channel.token_expires_at = token.expires_at


_tls_lock = threading.Lock()
_tls: ssl.SSLContext | None = None


def tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: building one loads the CA bundle (~20 ms of CPU), which
    hundreds of sender threads would otherwise each pay."""
    global _tls
    with _tls_lock:
        if _tls is None:
            _tls = httpx.create_ssl_context()
        return _tls


def http_client(**kwargs: Any) -> httpx.Client:
    """Generous timeouts, since a timeout after sending means 'unconfirmed'; certificates verified.

    Guarded (``elshi.common.http.outbound_client``): a channel's ``api_base`` or Mastodon base url is
    typed by a user, so it must not reach the machine's own or the ministry's internal services; a
    refused address is an ``httpx.ConnectError``, which connectors report as not sent."""
    timeout = httpx.Timeout(getattr(settings, "ELSHI_PUBLISH_TIMEOUT", 30.0), connect=10.0)
    kwargs.setdefault("verify", tls_context())
    return outbound_client(timeout=timeout, follow_redirects=False, headers={"User-Agent": "elshi"}, **kwargs)


def publisher_for(channel: Channel, client: httpx.Client) -> Any:
    return connectors.create(connector_name(channel), client, account_of(channel))
