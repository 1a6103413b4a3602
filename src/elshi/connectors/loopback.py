"""A platform on 127.0.0.1 for benchmarks and crash tests: it speaks enough of Mastodon's API (with
``Idempotency-Key`` honoured as Mastodon does) and of elshi's webhook to take real deliveries, adds a
fixed latency to every answer, and counts what it received, so that duplicates and losses can be
proved rather than assumed. It also plays Mastodon's OAuth side (``POST /api/v1/apps``,
``GET /oauth/authorize`` approving at once for its one account, ``POST /oauth/token`` checking the
client, the code, the redirect URI and the PKCE verifier), so a channel can be connected end to end.

Every post is recorded *before* the latency is served, as a real platform commits before it answers:
a worker killed during that wait has sent a post whose confirmation it never read.

    with LoopbackPlatform(latency_s=0.1) as platform:
        account = Account(settings={"base_url": platform.url}, token=Token("channel-17"))
        ...
        platform.received_keys()   # Counter of Idempotency-Key / X-Elshi-Delivery values
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

__all__ = ["LoopbackPlatform", "Received"]


@dataclass(frozen=True, slots=True)
class Received:
    """One post the platform accepted: which token (channel) sent it, its key and text."""

    token: str
    key: str | None
    text: str
    status_id: str
    at: float


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every answer, which no real platform does.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        return  # quiet: a benchmark sends thousands

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            # Status line, headers and body in one write: a benchmark's server shares the machine's
            # cores with the worker it measures, so it should spend as little of them as it can.
            head = (
                f"{self.protocol_version} {status} {self.responses[status][0]}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
            )
            self.wfile.write(head.encode("ascii") + data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client is gone (killed, or it gave up): what it sent is already recorded

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        platform = self.server.platform
        if self.path.startswith("/oauth/authorize?"):
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            outcome = platform.authorize(query)
            if outcome.startswith("error:"):
                self._reply(400, {"error": outcome.removeprefix("error:")})
            else:
                self._redirect(outcome)
        elif self.path == "/api/v2/instance":
            self._reply(
                200,
                {
                    "domain": "loopback.test",
                    "configuration": {
                        "statuses": {
                            "max_characters": 500,
                            "max_media_attachments": 4,
                            "characters_reserved_per_url": 23,
                        }
                    },
                },
            )
        elif self.path.startswith("/api/v1/statuses/"):
            status_id = self.path.rsplit("/", 1)[1]
            found = platform.status(status_id)
            if found is None:
                self._reply(404, {"error": "Record not found"})
            else:
                self._reply(
                    200,
                    {
                        "id": found.status_id,
                        "content": found.text,
                        "favourites_count": 0,
                        "reblogs_count": 0,
                        "replies_count": 0,
                    },
                )
        else:
            self._reply(404, {"error": "Not found"})

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        platform = self.server.platform
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if (self.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            body: dict[str, Any] = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        else:
            body = json.loads(raw or b"{}")
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        if self.path == "/api/v1/apps":
            self._reply(200, platform.register_app(body))
            return
        if self.path == "/oauth/token":
            status, answer = platform.token(body)
            self._reply(status, answer)
            return
        if self.path == "/api/v1/statuses":
            if not token:
                self._reply(401, {"error": "The access token is invalid"})
                return
            received = platform.accept(
                token, self.headers.get("Idempotency-Key"), str(body.get("status", ""))
            )
        elif self.path.startswith("/hooks/"):
            received = platform.accept(
                self.path, self.headers.get("X-Elshi-Delivery"), str(body.get("text", ""))
            )
        else:
            self._reply(404, {"error": "Not found"})
            return
        time.sleep(platform.latency_s)
        self._reply(
            200,
            {
                "id": received.status_id,
                "url": f"{platform.url}/@loopback/{received.status_id}",
                "content": received.text,
            },
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # a benchmark opens hundreds of connections at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that close or die mid-connection are part of the tests; anything else is shown."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)

    platform: LoopbackPlatform


class LoopbackPlatform:
    """Starts on a free port of 127.0.0.1; ``url`` is its base URL."""

    def __init__(self, *, latency_s: float = 0.0) -> None:
        self.latency_s = latency_s
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._by_key: dict[tuple[str, str], Received] = {}
        self.received: list[Received] = []  # every request that created a post
        self.apps: dict[str, dict[str, str]] = {}  # client_id -> registration
        self.tokens: list[str] = []  # access tokens issued through OAuth
        self._codes: dict[str, dict[str, str]] = {}  # authorization code -> what it was issued for
        self.requests = 0  # every posting request, duplicates refused included
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.platform = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="loopback-platform", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def accept(self, token: str, key: str | None, text: str) -> Received:
        """Record a post; the same key from the same token returns the first post (Mastodon's rule)."""
        with self._lock:
            self.requests += 1
            if key is not None and (token, key) in self._by_key:
                return self._by_key[(token, key)]
            received = Received(token, key, text, str(next(self._ids)), time.time())
            self.received.append(received)
            if key is not None:
                self._by_key[(token, key)] = received
            return received

    def register_app(self, form: dict[str, Any]) -> dict[str, str]:
        with self._lock:
            client_id = f"loopback-client-{len(self.apps) + 1}"
            app = {
                "client_id": client_id,
                "client_secret": secrets.token_urlsafe(16),
                "redirect_uri": str(form.get("redirect_uris", "")),
                "name": str(form.get("client_name", "")),
            }
            self.apps[client_id] = app
            return {"id": str(len(self.apps)), **app}

    def authorize(self, query: dict[str, str]) -> str:
        """The account owner approves at once: the redirect back with a code, or ``error:why``."""
        with self._lock:
            app = self.apps.get(query.get("client_id", ""))
            if app is None:
                return "error:unknown client"
            if query.get("redirect_uri") != app["redirect_uri"]:
                return "error:redirect_uri does not match the registered one"
            code = secrets.token_urlsafe(12)
            self._codes[code] = {
                "client_id": app["client_id"],
                "redirect_uri": app["redirect_uri"],
                "challenge": query.get("code_challenge", ""),
            }
        separator = "&" if "?" in app["redirect_uri"] else "?"
        return f"{app['redirect_uri']}{separator}{urlencode({'code': code, 'state': query.get('state', '')})}"

    def token(self, form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            issued = self._codes.pop(str(form.get("code", "")), None)
            app = self.apps.get(str(form.get("client_id", "")))
            if issued is None or app is None or app["client_secret"] != form.get("client_secret"):
                return 400, {"error": "invalid_grant", "error_description": "unknown code or client"}
            if form.get("redirect_uri") != issued["redirect_uri"] or app["client_id"] != issued["client_id"]:
                return 400, {"error": "invalid_grant", "error_description": "redirect_uri or client mismatch"}
            if issued["challenge"]:
                digest = hashlib.sha256(str(form.get("code_verifier", "")).encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != issued["challenge"]:
                    return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
            access = f"loopback-token-{len(self.tokens) + 1}-{secrets.token_urlsafe(8)}"
            self.tokens.append(access)
            return 200, {"access_token": access, "token_type": "Bearer", "scope": form.get("scope", "")}

    def status(self, status_id: str) -> Received | None:
        with self._lock:
            return next((r for r in self.received if r.status_id == status_id), None)

    def received_keys(self) -> Counter[str | None]:
        with self._lock:
            return Counter(r.key for r in self.received)

    def start(self) -> LoopbackPlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackPlatform:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
