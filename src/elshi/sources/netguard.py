"""The SSRF guard: which hosts an outbound request may reach.

A URL is allowed when its scheme is http or https and every address its host resolves to is a
public unicast address. The verdict comes from this module's own tables (IANA's special-purpose
registries), not from ``ipaddress``'s ``is_global``, whose lists change between Python patch
releases. Refused: loopback, private (RFC 1918, unique-local), link-local (including the cloud
metadata address 169.254.169.254), shared CGNAT space, benchmarking, documentation, multicast,
reserved and unspecified addresses, and every IPv6 address outside global unicast ``2000::/3``.
IPv6 forms that carry an IPv4 address are judged by that address: IPv4-mapped ``::ffff:0:0/96``,
NAT64 ``64:ff9b::/96`` and 6to4 ``2002::/16``, so ``2002:7f00:1::`` is loopback. Teredo
(``2001::/32``, inside the non-global ``2001::/23``) and local-use NAT64 ``64:ff9b:1::/48`` are
refused outright. An administrator may list a host (by name or address) in ``allowed_hosts``.

The check runs before the request and again on every redirect; :mod:`elshi.sources.transport`
runs it once more at connect time, on the address actually connected to (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Collection
from urllib.parse import urlsplit

from elshi.sources.errors import FetchRefused

__all__ = ["Resolver", "check_url", "embedded_ipv4", "is_public_address", "system_resolver"]

Resolver = Callable[[str, int], list[str]]

# Not globally reachable, or not unicast: IANA IPv4 special-purpose registry, multicast, class E.
# 192.0.0.9/32 and 192.0.0.10/32 are global in the registry but are anycast service addresses no
# source or platform lives on; refusing the whole /24 is simpler and errs on the safe side.
_NOT_PUBLIC_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    )
)
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
# Inside 2000::/3 but not public: IETF protocol assignments (Teredo, ORCHID, AMT ...), documentation.
_NOT_PUBLIC_V6 = tuple(
    ipaddress.IPv6Network(n) for n in ("2001::/23", "2001:db8::/32", "3fff::/20")
)
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, through the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, NAT64 (well-known prefix) or 6to4 address carries."""
    if ip in _MAPPED or ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF)
    return None


def is_public_address(address: str) -> bool:
    """True for a public unicast address; ``address`` may carry an IPv6 zone (``fe80::1%eth0``)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        carried = embedded_ipv4(ip)
        if carried is None:
            return ip in _GLOBAL_UNICAST_V6 and not any(ip in net for net in _NOT_PUBLIC_V6)
        ip = carried
    return not any(ip in net for net in _NOT_PUBLIC_V4)


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
