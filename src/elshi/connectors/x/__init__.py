"""X (Twitter) API v2 connector."""

from .oauth import AUTHORIZE_URL, SCOPES, TOKEN_URL, authorize_url, exchange_code, refresh
from .publisher import API, XPublisher

__all__ = [
    "API",
    "AUTHORIZE_URL",
    "SCOPES",
    "TOKEN_URL",
    "XPublisher",
    "authorize_url",
    "exchange_code",
    "refresh",
]
