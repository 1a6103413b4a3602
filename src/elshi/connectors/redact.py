"""Keeps tokens out of logs: httpx logs every request URL at INFO, and some platforms put secrets in
URLs (Telegram's bot token in the path, Meta's ``access_token`` in refresh queries)."""

from __future__ import annotations

import logging
import re

__all__ = ["RedactSecrets", "install", "redact"]

_PATTERNS = (
    (re.compile(r"/bot\d+:[A-Za-z0-9_-]+"), "/bot[REDACTED]"),
    (
        re.compile(
            r"((?:access_token|refresh_token|client_secret|fb_exchange_token|upload_token|key)=)[^&\s\"']+"
        ),
        r"\1[REDACTED]",
    ),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """Attach the filter to the loggers of httpx and httpcore (idempotent)."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
