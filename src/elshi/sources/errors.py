"""Errors raised by ``elshi.sources``.

The hierarchy::

    SourceError                 anything a source could not do
    ├── BadInput                unusable input: missing file, unknown format, bad argument
    │   └── ArchiveRefused      a zip member that would inflate past the caps (a zip bomb)
    └── FetchError              an outbound request failed (``permanent`` says whether to retry)
        ├── FetchRefused        refused before sending: private address, robots.txt, bad scheme
        ├── ResponseTooLarge    the body (or its decompressed form) passed the size limit
        └── TooManyRedirects    the redirect chain passed the limit

A malformed *item* inside otherwise usable input is never an exception: it becomes a
:class:`elshi.documents.Quarantined` and the rest goes on.
"""

from __future__ import annotations

__all__ = [
    "ArchiveRefused",
    "BadInput",
    "FetchError",
    "FetchRefused",
    "ResponseTooLarge",
    "SourceError",
    "TooManyRedirects",
]


class SourceError(Exception):
    """Base class of every error raised by ``elshi.sources``."""


class BadInput(SourceError):
    """The input as a whole is unusable (missing, unreadable, wrong kind)."""


class ArchiveRefused(BadInput):
    """A zip member refused before reading: too large once inflated, or compressed too well."""


class FetchError(SourceError):
    """An outbound request failed; ``permanent`` is False when a later retry may succeed."""

    def __init__(
        self, message: str, *, url: str = "", permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.url = url
        self.permanent = permanent
        self.retry_after = retry_after  # seconds, from the server's Retry-After when it sent one


class FetchRefused(FetchError):
    """The request was refused before anything was sent (SSRF guard, robots.txt, scheme)."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message, url=url, permanent=True)


class ResponseTooLarge(FetchError):
    """The response body, or its decompressed form, passed the configured limit."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message, url=url, permanent=True)


class TooManyRedirects(FetchError):
    """More redirects than the configured limit."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message, url=url, permanent=True)
