"""The real client address behind the TLS proxies named in ``ELSHI_TRUSTED_PROXIES``.

Walking ``X-Forwarded-For`` from the right, each hop is believed only while the hop that
reported it is a trusted proxy: the answer is the nearest address that is not one of ours.
Anything further left was written by the client and may be forged, and a header that arrives
from an untrusted peer is ignored entirely. One function decides this for waitress
(``trusted_proxies_wsgi``), for django-axes (``axes_client_ip``) and for the public pages'
rate limits (``client_address``), so a lockout and a limit always count the same address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["axes_client_ip", "client_address", "parse_networks", "real_client", "trusted_proxies_wsgi"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_FORWARDED")


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``["10.0.0.1", "192.168.0.0/16", "::1"]`` as networks; a bad entry names itself."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"ELSHI_TRUSTED_PROXIES: {value!r} is not an IP address or CIDR network ({exc})"
            ) from exc
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:8080"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def real_client(peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The address of the nearest hop that is not a trusted proxy (``peer`` itself if it is not)."""
    current = _address(peer)
    if current is None:
        return peer
    hops = [h for h in (forwarded_for or "").split(",") if h.strip()]
    while any(current in network for network in trusted) and hops:
        reported = _address(hops.pop())
        if reported is None:  # a garbled hop: stop at the last address we could believe
            break
        current = reported
    return str(current)


@lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def _configured() -> tuple[Network, ...]:
    return _trusted(tuple(getattr(settings, "ELSHI_TRUSTED_PROXIES", ())))


def client_address(request: Any) -> str:
    meta = request.META
    return real_client(meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), _configured())


def axes_client_ip(request: Any) -> str:
    """``AXES_CLIENT_IP_CALLABLE``: lockouts count the real client, not the proxy."""
    return client_address(request)


def trusted_proxies_wsgi(app: Callable[..., Any], trusted: Sequence[Network]) -> Callable[..., Any]:
    """Set ``REMOTE_ADDR`` (and the scheme) from trusted proxies; drop forwarded headers otherwise.

    Waitress's own ``trusted_proxy`` takes one address, not a list of networks, so waitress is
    told to pass the headers through and this layer applies the same rule as ``real_client``.
    ``X-Forwarded-For`` is removed once used, so Django does not walk it a second time.
    """

    def with_real_client(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        peer_address = _address(peer)
        if peer_address is not None and any(peer_address in network for network in trusted):
            environ["REMOTE_ADDR"] = real_client(peer, environ.get("HTTP_X_FORWARDED_FOR", ""), trusted)
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        else:
            environ.pop("HTTP_X_FORWARDED_PROTO", None)
        for header in _FORWARDED:
            if header != "HTTP_X_FORWARDED_PROTO":
                environ.pop(header, None)
        return app(environ, start_response)

    return with_real_client
