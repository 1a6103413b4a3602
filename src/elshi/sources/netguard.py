"""The SSRF guard: which hosts an outbound request may reach.

A URL is allowed when its scheme is http or https and every address its host resolves to is a
public unicast address. Loopback, private (RFC 1918, unique-local), link-local (including the
cloud metadata address 169.254.169.254), multicast, reserved, unspecified and shared (CGNAT)
addresses are refused, also when written as IPv4-mapped IPv6, unless an administrator lists the
host (by name or address) in ``allowed_hosts``.

The check runs before the request and again on every redirect. Names are resolved here, so a
name pointing at a private address is refused like the address itself.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Collection
from urllib.parse import urlsplit

from elshi.sources.errors import FetchRefused

__all__ = ["Resolver", "check_url", "is_public_address", "system_resolver"]

Resolver = Callable[[str, int], list[str]]

_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, through the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return False
    return not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified or not ip.is_global
    )


def check_url(url: str, *, allowed_hosts: Collection[str] = (), resolver: Resolver = system_resolver) -> None:
    """Raise :class:`FetchRefused` unless ``url`` may be fetched."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"malformed URL: {exc}", url=url) from exc
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"scheme {parts.scheme!r} is not allowed (http and https only)", url=url)
    host = (parts.hostname or "").lower()
    if not host:
        raise FetchRefused("URL has no host", url=url)
    if parts.username or parts.password:
        raise FetchRefused("URLs with credentials are not fetched", url=url)
    allowed = {h.lower() for h in allowed_hosts}
    if host in allowed:
        return
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = resolver(host, port or (443 if parts.scheme == "https" else 80))
        except OSError as exc:
            raise FetchRefused(f"cannot resolve {host}: {exc}", url=url) from exc
    if not addresses:
        raise FetchRefused(f"{host} resolves to no address", url=url)
    for address in addresses:
        if address in allowed:
            continue
        if not is_public_address(address):
            raise FetchRefused(
                f"{host} resolves to non-public address {address}; allow-list the host to fetch it",
                url=url,
            )
