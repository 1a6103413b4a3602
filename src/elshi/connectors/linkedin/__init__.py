"""LinkedIn Posts API connector."""

from .publisher import API, DEFAULT_VERSION, SCOPES, TOKEN_URL, VERSIONS, LinkedInPublisher

__all__ = ["API", "DEFAULT_VERSION", "SCOPES", "TOKEN_URL", "VERSIONS", "LinkedInPublisher"]
