"""The one place connectors turn transport failures and HTTP statuses into :mod:`.errors`, and the
one base for JSON calls (:class:`JsonApi`) that every publisher uses.

Transport failures are split by whether the request can have reached the platform: a refused
connection or a pool timeout cannot (``NotSent``); a read timeout or a connection dropped after the
request was written can (``OutcomeUnknown``). Error messages carry the platform's own words but never
the request URL or headers, which may hold tokens (Telegram puts the bot token in the path).
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx

from .errors import AuthError, ConnectorError, NotSent, OutcomeUnknown, RateLimited, Rejected

__all__ = [
    "ErrorMap",
    "JSONObject",
    "JsonApi",
    "as_object",
    "check_status",
    "error_field",
    "json_object",
    "preliminary",
    "retry_after_seconds",
    "send",
    "status_error",
]

JSONObject = dict[str, Any]

ErrorMap = Callable[[str, httpx.Response, JSONObject], ConnectorError | None]
"""What an answer means, as ``(platform, response, body) -> error or None``: platforms whose errors say
more than their status (Graph codes, TikTok's ``error.code`` beside a 200, XRPC names) bring their own."""

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def send(client: httpx.Client, request: httpx.Request, *, platform: str) -> httpx.Response:
    """Send ``request``; map transport failures to ``NotSent`` or ``OutcomeUnknown``. A read (GET or
    HEAD) publishes nothing, so its failures are always ``NotSent``."""
    try:
        return client.send(request)
    except _NOT_SENT as exc:
        raise NotSent(f"{platform}: could not connect ({type(exc).__name__})") from None
    except httpx.TransportError as exc:
        if request.method in ("GET", "HEAD"):
            raise NotSent(f"{platform}: no answer to a read ({type(exc).__name__})") from None
        raise OutcomeUnknown(
            f"{platform}: no answer after sending ({type(exc).__name__}); the post may have gone out"
        ) from None


@contextmanager
def preliminary() -> Iterator[None]:
    """Steps before the one that creates the post (media uploads, containers, look-ups): whatever
    became of them, no post exists yet, so an unknown outcome there is only ``NotSent``."""
    try:
        yield
    except OutcomeUnknown as exc:
        error = NotSent(f"{exc.message.split('; the post may')[0]}; before the post was sent")
        error.before_post = True
        raise error from None
    except ConnectorError as exc:
        exc.before_post = True
        raise


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Read ``Retry-After`` (seconds or HTTP date) or an epoch ``x-rate-limit-reset`` style header."""
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value)
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return max(0.0, (parsed - (now or datetime.now(UTC))).total_seconds())
    for name in ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"):
        reset = headers.get(name)
        if reset and reset.isdigit():
            epoch = int(reset)
            current = (now or datetime.now(UTC)).timestamp()
            # Some platforms send an epoch, others a delay: an epoch is far larger than any delay.
            return max(0.0, epoch - current) if epoch > 1_000_000_000 else float(epoch)
        if reset:
            try:
                parsed_dt = datetime.fromisoformat(reset.replace("Z", "+00:00"))
            except ValueError:
                continue
            return max(0.0, (parsed_dt - (now or datetime.now(UTC))).total_seconds())
    return None


def status_error(response: httpx.Response, *, platform: str, detail: str = "") -> ConnectorError | None:
    """The error a non-2xx status means (None for success); ``detail`` is the platform's own message."""
    status = response.status_code
    if status < 400:
        return None
    text = f"{platform}: HTTP {status}" + (f": {detail}" if detail else "")
    if status == 429:
        return RateLimited(text, retry_after=retry_after_seconds(response.headers))
    if status == 401:
        return AuthError(text, status_code=status)
    if status in (408, 425):
        # The server gave up before reading the request (or refused to process it yet).
        return NotSent(text, status_code=status)
    if status == 504:
        # A gateway timeout means the platform behind it may still have written the post.
        return OutcomeUnknown(text)
    if status >= 500:
        return NotSent(text, status_code=status)
    return Rejected(text, status_code=status)


def check_status(response: httpx.Response, *, platform: str, detail: str = "") -> None:
    """Raise the error a non-2xx status means; ``detail`` is the platform's own message."""
    error = status_error(response, platform=platform, detail=detail)
    if error is not None:
        raise error


def error_field(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    """The plain :data:`ErrorMap`: the status decides and the body's ``error`` says why (Mastodon, webhook
    receivers)."""
    return status_error(response, platform=platform, detail=str(body.get("error", "")))


def json_object(response: httpx.Response, *, platform: str) -> JSONObject:
    """The response body as a JSON object; a malformed body after a 2xx is an unknown outcome (an empty
    one is simply no object)."""
    if not response.content:
        return {}
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        if response.status_code < 300:
            raise OutcomeUnknown(f"{platform}: unreadable answer (HTTP {response.status_code})") from None
        return {}
    return as_object(data)


def as_object(value: object) -> JSONObject:
    """Untrusted JSON narrowed to an object (an empty one when it is anything else)."""
    return value if isinstance(value, dict) else {}


class JsonApi:
    """One platform's JSON API as one account sees it (healthchecks' ``HttpTransport`` is the model).

    Every call goes through :func:`send` (transport failures mapped), has its body read by
    :func:`json_object` and its failure mapped by the platform's :data:`ErrorMap`, so that a connector
    only says where and what. ``headers`` is called on every request, because a token may be renewed
    between two calls; a ``path`` that is already an absolute URL (an upload session, another host of
    the same platform) is used as it is.
    """

    def __init__(
        self,
        client: httpx.Client,
        platform: str,
        *,
        base: str = "",
        headers: Callable[[], Mapping[str, str]] | None = None,
        errors: ErrorMap = error_field,
    ) -> None:
        self.client, self.platform, self.base = client, platform, base.rstrip("/")
        self.headers = headers
        self.errors = errors

    def url(self, path: str) -> str:
        if not self.base or path.startswith(("https://", "http://")):
            return path
        return f"{self.base}/{path.lstrip('/')}"

    def send(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """The raw answer, for calls whose status or headers matter more than their body."""
        merged = {**(self.headers() if self.headers else {}), **(headers or {})}
        request = self.client.build_request(method, self.url(path), headers=merged, **kwargs)
        return send(self.client, request, platform=self.platform)

    def read(self, response: httpx.Response) -> JSONObject:
        """The answer's JSON object, or the error it means."""
        body = json_object(response, platform=self.platform)
        error = self.errors(self.platform, response, body)
        if error is not None:
            raise error
        return body

    def call(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None, **kwargs: Any
    ) -> JSONObject:
        return self.read(self.send(method, path, headers=headers, **kwargs))
