"""Shared fixtures: the real GDELT files, a local HTTP server on 127.0.0.1, mock transports."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from elshi.sources.domains import DomainCountryLookup
from elshi.sources.fetch import FetchPolicy, SafeFetcher

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
GDELT = SHARED_DATA / "gdelt"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def gdelt_dir() -> Path:
    if not GDELT.is_dir():
        pytest.skip(f"real GDELT files not present at {GDELT} (a fresh clone has no ../shared)")
    return GDELT


def public_resolver(host: str, port: int) -> list[str]:
    """Pretend every name is a public address, so MockTransport tests never touch DNS."""
    return ["93.184.216.34"]


def mock_fetcher(handler: Callable[[httpx.Request], httpx.Response], **policy: object) -> SafeFetcher:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return SafeFetcher(client, FetchPolicy(**policy), resolver=public_resolver)  # type: ignore[arg-type]


Route = tuple[int, dict[str, str], bytes]


@dataclass
class LocalServer:
    base: str
    routes: dict[str, Route | Callable[[dict[str, str]], Route]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def fetcher(self, **policy: object) -> SafeFetcher:
        policy.setdefault("allowed_hosts", frozenset({"127.0.0.1"}))
        return SafeFetcher(httpx.Client(), FetchPolicy(**policy))  # type: ignore[arg-type]


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    state = LocalServer(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.requests.append((self.path, headers))
            route = state.routes.get(self.path) or state.routes.get(self.path.split("?")[0])
            if route is None:
                status, extra, body = 404, {}, b"not found"
            else:
                status, extra, body = route(headers) if callable(route) else route
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            if "Content-Length" not in extra:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def domain_lookup() -> DomainCountryLookup:
    """GDELT's real domain-country lookup, read once per test session (1-2 s)."""
    path = GDELT / "lookups" / "domain-country.csv.zip"
    if not path.is_file():
        pytest.skip(f"real GDELT lookup not present at {path} (a fresh clone has no ../shared)")
    return DomainCountryLookup.from_file(path)
