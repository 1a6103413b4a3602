"""Bluesky connector (AT Protocol, app password session)."""

from .publisher import POST_COLLECTION, BlueskyPublisher
from .tid import delivery_rkey, tid, tid_timestamp
from .xrpc import XrpcError, create_session, refresh_session

__all__ = [
    "POST_COLLECTION",
    "BlueskyPublisher",
    "XrpcError",
    "create_session",
    "delivery_rkey",
    "refresh_session",
    "tid",
    "tid_timestamp",
]
