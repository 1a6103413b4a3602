"""The one place an ``httpx.Client`` that leaves the machine is built.

Every client elshi uses for the network comes from :func:`guarded_client`:

- its transport is :class:`~elshi.sources.transport.GuardedTransport`: the host is resolved once,
  every address is checked (:func:`elshi.sources.netguard.is_public_address`) and the socket goes to
  the checked address, so DNS rebinding cannot reach an internal service; a redirect that opens a
  connection to another host is checked the same way;
- ``trust_env=False``: ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY`` and ``~/.netrc`` are ignored, so a
  variable left in a worker's environment cannot route replies (and tokens) through a proxy, nor
  add credentials nobody configured. The CA bundle (``SSL_CERT_FILE``) is part of ``verify``;
- redirects are not followed unless asked for.

``transport`` replaces the guarded one; it is the test seam (``httpx.MockTransport``) and nothing
else. ``tests/foundation/test_outbound_clients.py`` fails when ``httpx.Client(`` is called anywhere
in ``src/elshi`` but here.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Collection, Mapping
from typing import Any

import httpx

from elshi.sources.netguard import Resolver, system_resolver
from elshi.sources.transport import AddressRefused, GuardedTransport

__all__ = ["AddressRefused", "guarded_client"]

Hooks = Mapping[str, list[Callable[..., Any]]]


def guarded_client(
    *,
    allowed_hosts: Collection[str] = (),
    resolver: Resolver = system_resolver,
    verify: ssl.SSLContext | bool = True,
    limits: httpx.Limits | None = None,
    timeout: httpx.Timeout | float = 30.0,
    follow_redirects: bool = False,
    headers: Mapping[str, str] | None = None,
    event_hooks: Hooks | None = None,
    hint: str = "",
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` that reaches public addresses (and ``allowed_hosts``) only.

    ``hint`` ends the refusal message, e.g. the setting that allow-lists a host.
    """
    if transport is None:
        transport = GuardedTransport(
            allowed_hosts=allowed_hosts, resolver=resolver, verify=verify, limits=limits, hint=hint
        )
    return httpx.Client(
        transport=transport,
        trust_env=False,
        timeout=timeout,
        follow_redirects=follow_redirects,
        headers=dict(headers or {}),
        event_hooks={k: list(v) for k, v in (event_hooks or {}).items()},
    )
