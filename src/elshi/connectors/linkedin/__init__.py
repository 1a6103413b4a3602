"""LinkedIn Posts API connector."""

from .publisher import API, DEFAULT_VERSION, TOKEN_URL, LinkedInPublisher

__all__ = ["API", "DEFAULT_VERSION", "TOKEN_URL", "LinkedInPublisher"]
