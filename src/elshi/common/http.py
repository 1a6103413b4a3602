"""Outbound HTTP clients for the apps: :func:`elshi.sources.http.guarded_client` with the allow-lists
from settings.

Two allow-lists, because two different people decide them: ``ELSHI_FETCH_ALLOWED_HOSTS`` opens
private hosts to listening (an intranet feed, polled on an analyst's say-so), and
``ELSHI_OUTBOUND_ALLOWED_HOSTS`` to everything else a user or a platform names the host of
(a channel's ``api_base`` or Mastodon base url, OAuth, alert webhooks, the image backend). An intranet
feed host allowed for listening is not thereby open to a channel's ``api_base``.
"""

from __future__ import annotations

import ssl
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from elshi.sources.http import guarded_client
from elshi.sources.netguard import system_resolver

__all__ = [
    "app_resolver",
    "configured_hosts",
    "fetch_allowed_hosts",
    "fetch_client",
    "outbound_client",
    "resolve",
]


def resolve(host: str, port: int) -> list[str]:
    """The resolver of every app client; tests replace this function to play DNS tricks on it."""
    return system_resolver(host, port)


def app_resolver(host: str, port: int) -> list[str]:
    """What the clients below, and a :class:`~elshi.sources.fetch.SafeFetcher` beside one, resolve
    with: ``resolve`` is looked up at call time, so the check before sending and the connection ask
    the same (replaceable) resolver."""
    return resolve(host, port)


def fetch_allowed_hosts() -> frozenset[str]:
    return frozenset(h.lower() for h in settings.ELSHI_FETCH_ALLOWED_HOSTS)


def fetch_client(*, verify: ssl.SSLContext | bool = True, **kwargs: Any) -> httpx.Client:
    """A client for listening sources (feeds, sitemaps, GDELT)."""
    return guarded_client(
        allowed_hosts=fetch_allowed_hosts(),
        resolver=app_resolver,
        verify=verify,
        hint="list the host in ELSHI_FETCH_ALLOWED_HOSTS to poll it",
        **kwargs,
    )


def configured_hosts(*urls: str) -> frozenset[str]:
    """The hosts of URLs an administrator wrote into the environment (``ELSHI_IMAGE_BASE_URL``,
    ``ELSHI_ALERT_WEBHOOKS``): as trusted as the allow-list itself, which the same person writes, so a
    local image server needs no second entry. Hosts users type into the app never come here."""
    return frozenset(h for h in ((urlsplit(u).hostname or "").lower() for u in urls if u) if h)


def outbound_client(
    *, verify: ssl.SSLContext | bool = True, also_allowed: Collection[str] = (), **kwargs: Any
) -> httpx.Client:
    """A client for publishing, OAuth, alert webhooks and the image backend."""
    allowed = {h.lower() for h in settings.ELSHI_OUTBOUND_ALLOWED_HOSTS} | set(also_allowed)
    return guarded_client(
        allowed_hosts=frozenset(allowed),
        resolver=app_resolver,
        verify=verify,
        hint="list the host in ELSHI_OUTBOUND_ALLOWED_HOSTS to reach it",
        **kwargs,
    )

