"""An httpx transport that applies the SSRF guard at connect time, closing DNS rebinding.

:class:`~elshi.sources.fetch.SafeFetcher` checks a URL's addresses before sending, but httpx
resolves the name again when it connects; a name that answers a public address to the check
and a private one to the connection would slip through. This transport's network backend
resolves the name once, refuses non-public addresses (unless allow-listed) and connects to the
address it checked. TLS still verifies the certificate against the host name.

Use it for production clients::

    client = httpx.Client(transport=GuardedTransport(allowed_hosts=policy.allowed_hosts))
    fetcher = SafeFetcher(client, policy)
"""

from __future__ import annotations

import ipaddress
import typing
from collections.abc import Collection

import httpcore
import httpx

from elshi.sources.errors import FetchRefused
from elshi.sources.netguard import Resolver, is_public_address, system_resolver

__all__ = ["GuardedTransport"]


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, allowed_hosts: Collection[str], resolver: Resolver) -> None:
        self.allowed = {h.lower() for h in allowed_hosts}
        self.resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        name = host.strip("[]").lower()
        if name in self.allowed:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            addresses = [str(ipaddress.ip_address(name))]
        except ValueError:
            try:
                addresses = self.resolver(name, port)
            except OSError as exc:
                raise FetchRefused(f"cannot resolve {name}: {exc}") from exc
        usable = [a for a in addresses if a in self.allowed or is_public_address(a)]
        if not addresses or len(usable) != len(addresses):
            listed = ", ".join(addresses)
            raise FetchRefused(f"{name} resolves to a non-public address at connect time ({listed})")
        last_error: Exception | None = None
        for address in usable:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        assert last_error is not None  # noqa: S101 - usable is not empty here
        raise last_error


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connections go only to checked public addresses."""

    def __init__(
        self,
        *,
        allowed_hosts: Collection[str] = (),
        resolver: Resolver = system_resolver,
        verify: bool = True,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=20, max_keepalive_connections=10)
        super().__init__(verify=verify, limits=limits)
        # httpx builds its connection pool without a way to pass a network backend: rebuild it
        # with the same limits and ours. tests/sources/test_transport.py fails if this stops working.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(allowed_hosts, resolver),
        )
