"""Mastodon connector."""

from .oauth import SCOPES, AppRegistration, authorize_url, exchange_code, register_app
from .publisher import MastodonPublisher, clear_instance_cache, fetch_instance

__all__ = [
    "SCOPES",
    "AppRegistration",
    "MastodonPublisher",
    "clear_instance_cache",
    "authorize_url",
    "exchange_code",
    "fetch_instance",
    "register_app",
]
