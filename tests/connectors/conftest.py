"""A fake platform for connector tests: queued responses per (method, URL), every request recorded."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> Any:
    """A recorded payload from ``fixtures/<name>.json``."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@dataclass
class Route:
    method: str
    url: str
    respond: Callable[[httpx.Request], httpx.Response]


@dataclass
class FakePlatform:
    """Answers each request with the first queued route matching its method and URL (without query
    unless the route has one); an unexpected request fails the test."""

    routes: list[Route] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def add(
        self,
        method: str,
        url: str,
        *,
        status: int = 200,
        json_body: Any = None,
        fixture: str | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        raises: Exception | None = None,
    ) -> None:
        def respond(request: httpx.Request) -> httpx.Response:
            if raises is not None:
                raise raises
            body = load(fixture) if fixture else json_body
            if content is not None:
                return httpx.Response(status, content=content, headers=headers)
            if body is None:
                return httpx.Response(status, headers=headers)
            return httpx.Response(status, json=body, headers=headers)

        self.routes.append(Route(method, url, respond))

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        full = str(request.url)
        bare = full.split("?", 1)[0]
        for index, route in enumerate(self.routes):
            if route.method == request.method and route.url in (full, bare):
                del self.routes[index]
                return route.respond(request)
        raise AssertionError(f"unexpected request {request.method} {full}")

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))

    def json(self, index: int) -> Any:
        return json.loads(self.requests[index].content)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real transport may reach only this machine (the local PDS): never the internet."""
    real = httpx.HTTPTransport.handle_request

    def guarded(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        if request.url.host not in ("127.0.0.1", "localhost", "::1"):
            raise AssertionError(f"test tried to reach {request.url.host}")
        return real(self, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", guarded)


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    platform = FakePlatform()
    yield platform
    assert not platform.routes, (
        f"queued responses never requested: {[(r.method, r.url) for r in platform.routes]}"
    )


def tiny_png(width: int = 48, height: int = 32) -> bytes:
    """A valid RGB PNG made here, so that no binary file sits in the fixtures."""
    import struct
    import zlib

    rows = b"".join(
        b"\x00" + b"".join(bytes([(x * 9) % 256, (y * 7) % 256, 140]) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def offline_client() -> httpx.Client:
    """A client for tests that must send nothing: any request fails the test."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request expected, got {request.method} {request.url}")

    return httpx.Client(transport=httpx.MockTransport(refuse))
