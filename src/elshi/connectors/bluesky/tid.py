"""Record keys derived from a delivery, so that sending it twice cannot create two posts.

A post's record key must be a TID: 13 characters of base32-sortable encoding of a 64-bit integer
whose top bit is 0, then 53 bits of microseconds since the Unix epoch, then a 10-bit clock id. We take
the microseconds from the delivery's creation time and the clock id from a hash of its key: the same
delivery always gives the same rkey, and the PDS refuses a second record under it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

__all__ = ["delivery_rkey", "tid", "tid_timestamp"]

_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def tid(microseconds: int, clock_id: int) -> str:
    """Encode a TID from its two parts."""
    if not 0 <= microseconds < 2**53 or not 0 <= clock_id < 2**10:
        raise ValueError("TID parts out of range")
    value = (microseconds << 10) | clock_id
    chars = []
    for _ in range(13):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def tid_timestamp(key: str) -> datetime:
    """The creation time encoded in a TID (for checks and display)."""
    value = 0
    for char in key:
        value = value * 32 + _ALPHABET.index(char)
    delta_us = value >> 10
    return datetime.fromtimestamp(delta_us // 1_000_000, tz=UTC).replace(microsecond=delta_us % 1_000_000)


def delivery_rkey(delivery_key: str, created_at: datetime) -> str:
    """The rkey for a delivery: stable across retries, distinct for distinct deliveries."""
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    delta = created_at.astimezone(UTC) - _EPOCH
    microseconds = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    clock_id = int.from_bytes(hashlib.sha256(delivery_key.encode("utf-8")).digest()[:2], "big") & 0x3FF
    return tid(microseconds, clock_id)
