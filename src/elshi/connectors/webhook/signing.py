"""HMAC signatures for webhook deliveries, for senders and receivers alike.

The signature covers the timestamp and the exact body bytes: ``sha256=`` + hex HMAC-SHA256 of
``"<timestamp>.<body>"`` keyed with the channel's secret. Receivers reject old timestamps (replay).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "sign", "verify"]

SIGNATURE_HEADER = "X-Elshi-Signature"
TIMESTAMP_HEADER = "X-Elshi-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance_s: int = 300,
    now: datetime | None = None,
) -> bool:
    """True when ``signature`` is valid for ``body`` and ``timestamp`` is within ``tolerance_s``."""
    if not timestamp.isdigit():
        return False
    current = (now or datetime.now(UTC)).timestamp()
    if abs(current - int(timestamp)) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)
