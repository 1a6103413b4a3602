"""YouTube Data API v3 connector."""

from .publisher import API, TOKEN_URL, UPLOAD_URL, YouTubePublisher, is_short

__all__ = ["API", "TOKEN_URL", "UPLOAD_URL", "YouTubePublisher", "is_short"]
