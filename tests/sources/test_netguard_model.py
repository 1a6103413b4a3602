"""The address check against an independent reference: random IPv4 and IPv6 addresses, also written
as IPv4-mapped, NAT64, 6to4 and Teredo IPv6, must get the verdict a plain model gives.

The model is written from IANA's special-purpose registries with ``ipaddress`` networks listed here
and its own bit arithmetic to pull an IPv4 address out of an IPv6 one, not with the module's code.
"""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from elshi.sources.netguard import is_public_address

Net = ipaddress.IPv4Network | ipaddress.IPv6Network

V4_BLOCKED: list[Net] = [ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
)]
V6_UNICAST = ipaddress.ip_network("2000::/3")
V6_BLOCKED: list[Net] = [ipaddress.IPv6Network(n) for n in ("2001::/23", "2001:db8::/32", "3fff::/20")]


def reference(text: str) -> bool:
    value = int(ipaddress.ip_address(text))
    if ":" in text:
        top96, top16 = value >> 32, value >> 112
        if top96 == 0xFFFF or top96 == 0x0064FF9B << 64:  # ::ffff:a.b.c.d, 64:ff9b::a.b.c.d
            text = str(ipaddress.IPv4Address(value & 0xFFFFFFFF))
        elif top16 == 0x2002:  # 2002:AABB:CCDD::/48
            text = str(ipaddress.IPv4Address((value >> 80) & 0xFFFFFFFF))
        else:
            ip6 = ipaddress.IPv6Address(value)
            return ip6 in V6_UNICAST and not any(ip6 in n for n in V6_BLOCKED)
    ip4 = ipaddress.IPv4Address(text)
    return not any(ip4 in n for n in V4_BLOCKED)


def _inside(networks: list[Net]) -> st.SearchStrategy[int]:
    return st.sampled_from(networks).flatmap(
        lambda n: st.integers(int(n.network_address), int(n.broadcast_address))
    )


# Half the draws inside a blocked network, so both verdicts are exercised often.
V4 = st.one_of(st.integers(0, 2**32 - 1), _inside(V4_BLOCKED)).map(lambda i: ipaddress.IPv4Address(i))
MAPPED = V4.map(lambda a: f"::ffff:{a}")
NAT64 = V4.map(lambda a: f"64:ff9b::{a}")
SIX_TO_FOUR = st.tuples(V4, st.integers(0, 2**80 - 1)).map(
    lambda t: str(ipaddress.IPv6Address((0x2002 << 112) | (int(t[0]) << 80) | t[1]))
)
TEREDO = st.integers(0, 2**96 - 1).map(lambda low: str(ipaddress.IPv6Address((0x20010000 << 96) | low)))
V6 = st.one_of(
    st.integers(0, 2**128 - 1), st.integers(0x2 << 124, (0x4 << 124) - 1), _inside(V6_BLOCKED)
).map(lambda i: str(ipaddress.IPv6Address(i)))
ANY = st.one_of(V4.map(str), MAPPED, NAT64, SIX_TO_FOUR, TEREDO, V6)


@settings(max_examples=1500, deadline=None)
@given(ANY)
@example("2002:7f00:1::")  # 6to4 wrapping 127.0.0.1: counted as public before issue 17
@example("2002:a9fe:a9fe::1")  # 6to4 wrapping the metadata address
@example("64:ff9b::a9fe:a9fe")  # NAT64 wrapping it
@example("64:ff9b::8.8.8.8")
@example("2002:808:808::1")
@example("::ffff:100.64.0.1")  # CGNAT, mapped
@example("2001:0:4136:e378:8000:63bf:3fff:fdd2")  # Teredo
def test_verdict_equals_the_reference(address: str) -> None:
    assert is_public_address(address) == reference(address), address


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("2002:7f00:1::", False),
        ("2002:c0a8:101::1", False),
        ("2002:808:808::1", True),
        ("64:ff9b::127.0.0.1", False),
        ("64:ff9b::1.1.1.1", True),
        ("64:ff9b:1::1.1.1.1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
        ("100.127.255.255", False),
        ("::ffff:169.254.169.254", False),
        ("fe80::1%eth0", False),
        ("2606:4700:4700::1111", True),
        ("::", False),
    ],
)
def test_known_forms(address: str, public: bool) -> None:
    assert is_public_address(address) is public


@settings(max_examples=2000, deadline=None)
@given(st.one_of(V4.map(str), V6))
def test_never_looser_than_python_for_plain_addresses(address: str) -> None:
    """What Python itself calls non-global stays refused (embedded forms aside, which Python judges
    by the outer address and which the reference above covers)."""
    ip = ipaddress.ip_address(address)
    embedded = isinstance(ip, ipaddress.IPv6Address) and (
        ip.ipv4_mapped or ip.sixtofour or ip in ipaddress.ip_network("64:ff9b::/96")
    )
    if not ip.is_global and not embedded:
        assert not is_public_address(address)
