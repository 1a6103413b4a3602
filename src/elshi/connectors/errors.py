"""Errors raised by connectors.

The hierarchy, drawn once (the delivery state machine keys on it)::

    ConnectorError(message, permanent=...)
    ├── NotSent                  the platform certainly did not accept the post: retry with backoff
    │   └── RateLimited          429 or a platform quota; ``retry_after`` seconds when the platform says
    ├── OutcomeUnknown           the request may have reached the platform (timeout or broken connection
    │                            after sending): never re-send automatically, a person checks ("unconfirmed")
    ├── AuthError                the token is missing, expired or revoked: the channel needs reconnecting
    ├── Rejected                 the platform refused this content (too long, media rejected, duplicate)
    ├── InvalidMessage           our own validation refused it before anything was sent
    ├── ConfigurationError       the channel's settings are incomplete or wrong
    └── NotSupported             the platform or connector cannot do this (e.g. metrics)

``permanent`` is the one bit a caller needs for retry decisions: ``False`` only for :class:`NotSent`
and its subclasses. Messages never contain tokens or secrets.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "ConfigurationError",
    "ConnectorError",
    "InvalidMessage",
    "NotSent",
    "NotSupported",
    "OutcomeUnknown",
    "RateLimited",
    "Rejected",
]


class ConnectorError(Exception):
    """Base class: ``permanent`` says whether trying again later can help; ``before_post`` is set
    on errors from the steps before the one that creates the post (see ``_http.preliminary``), so
    a server error there is known not to have published anything."""

    before_post: bool = False

    def __init__(self, message: str, *, permanent: bool = True, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.status_code = status_code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, permanent={self.permanent})"


class NotSent(ConnectorError):
    """The platform certainly did not accept the request: safe to retry with backoff."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message, permanent=False, status_code=status_code)


class RateLimited(NotSent):
    """Refused for rate or quota; ``retry_after`` is in seconds when the platform gives it."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, status_code: int | None = 429
    ) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after


class OutcomeUnknown(ConnectorError):
    """The request may have been accepted: the delivery becomes ``unconfirmed``."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class AuthError(ConnectorError):
    """Credentials refused: reconnect the channel."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message, permanent=True, status_code=status_code)


class Rejected(ConnectorError):
    """The platform refused the content itself."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message, permanent=True, status_code=status_code)


class InvalidMessage(ConnectorError):
    """The message breaks the platform's rules; ``problems`` lists them for the composer."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems) or "invalid message", permanent=True)
        self.problems = problems


class ConfigurationError(ConnectorError):
    """The channel lacks a setting or secret the connector needs."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class NotSupported(ConnectorError):
    """The connector does not offer this operation."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
