from __future__ import annotations

import httpx
import pytest

from elshi.sources.errors import FetchRefused
from elshi.sources.fetch import FetchPolicy, SafeFetcher
from elshi.sources.transport import GuardedTransport

from .conftest import LocalServer


def test_dns_rebinding_is_caught_at_connect_time(local_server: LocalServer) -> None:
    """The fetcher's check sees a public address; the connection would go to 127.0.0.1."""
    local_server.routes["/secret"] = (200, {}, b"internal")
    port = local_server.base.rsplit(":", 1)[1]
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # first for the check, then for the connection

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    transport = GuardedTransport(resolver=rebinding)
    fetcher = SafeFetcher(httpx.Client(transport=transport), FetchPolicy(), resolver=rebinding)
    with pytest.raises(FetchRefused, match="at connect time"):
        fetcher.get(f"http://rebind.example:{port}/secret")
    assert local_server.requests == []


def test_allowed_names_connect_to_their_checked_address(local_server: LocalServer) -> None:
    local_server.routes["/ok"] = (200, {}, b"fine")
    port = local_server.base.rsplit(":", 1)[1]
    transport = GuardedTransport(allowed_hosts={"127.0.0.1"}, resolver=lambda h, p: ["127.0.0.1"])
    fetcher = SafeFetcher(
        httpx.Client(transport=transport),
        FetchPolicy(allowed_hosts=frozenset({"127.0.0.1"})),
        resolver=lambda h, p: ["127.0.0.1"],
    )
    assert fetcher.get(f"http://news.local:{port}/ok").content == b"fine"
    assert local_server.requests[0][1]["host"] == f"news.local:{port}"


def test_literal_private_address_refused_by_the_transport_alone(local_server: LocalServer) -> None:
    with httpx.Client(transport=GuardedTransport()) as client, pytest.raises(FetchRefused):
        client.get(local_server.base + "/x")
