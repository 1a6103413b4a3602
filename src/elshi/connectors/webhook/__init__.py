"""Generic webhook connector (HMAC-signed JSON)."""

from .publisher import WebhookPublisher, payload
from .signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "WebhookPublisher", "payload", "sign", "verify"]
