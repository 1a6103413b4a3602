"""An httpx transport that applies the SSRF guard at connect time, closing DNS rebinding.

:class:`~elshi.sources.fetch.SafeFetcher` checks a URL's addresses before sending, but httpx
resolves the name again when it connects; a name that answers a public address to the check
and a private one to the connection would slip through. This transport's network backend
resolves the name once, refuses non-public addresses (unless allow-listed) and connects to the
address it checked. TLS still verifies the certificate against the host name: httpcore passes the
request's host as SNI and for verification, whatever address the socket went to. Every new
connection goes through the backend, so a redirect to another host is checked too.

Build clients with :func:`elshi.sources.http.guarded_client`, not with this class directly.
"""

from __future__ import annotations

import ipaddress
import ssl
import typing
from collections.abc import Collection

import httpcore
import httpx

from elshi.sources.errors import FetchRefused
from elshi.sources.netguard import Resolver, is_public_address, system_resolver

__all__ = ["AddressRefused", "GuardedTransport"]


class AddressRefused(FetchRefused, httpx.ConnectError):
    """A connection refused by the guard; nothing was sent.

    Also an ``httpx.ConnectError``, so that every caller already handling "could not connect"
    (connectors map it to ``NotSent``, the alert sender logs it) treats a refusal the same way
    instead of crashing on an exception type it never heard of.
    """


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, allowed_hosts: Collection[str], resolver: Resolver, hint: str) -> None:
        self.allowed = {h.lower().strip("[]") for h in allowed_hosts}
        self.resolver = resolver
        self.hint = hint or "allow-list the host to reach it"

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
                raise AddressRefused(f"refused: cannot resolve {name}: {exc}") from exc
        usable = [a for a in addresses if a in self.allowed or is_public_address(a)]
        if not addresses or len(usable) != len(addresses):
            listed = ", ".join(addresses) or "no address"
            raise AddressRefused(
                f"refused: {name} resolves to a non-public address at connect time ({listed}); {self.hint}"
            )
        last_error: Exception | None = None
        for address in usable:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        assert last_error is not None  # noqa: S101 - usable is not empty here
        raise last_error


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connections go only to checked public addresses.

    ``verify`` may be a shared ``ssl.SSLContext``: building one loads the CA bundle, which a
    process with hundreds of sender threads must pay once, not once per client.
    """

    def __init__(
        self,
        *,
        allowed_hosts: Collection[str] = (),
        resolver: Resolver = system_resolver,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits | None = None,
        hint: str = "",
    ) -> None:
        limits = limits or httpx.Limits()
        context = httpx.create_ssl_context(verify=verify)
        super().__init__(verify=context, limits=limits)
        # httpx builds its connection pool without a way to pass a network backend: rebuild it
        # with the same limits and ours. tests/sources/test_transport.py fails if this stops working.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(allowed_hosts, resolver, hint),
        )
