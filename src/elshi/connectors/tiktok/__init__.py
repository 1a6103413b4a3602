"""TikTok Content Posting API connector."""

from .publisher import API, CHUNK_BYTES, TikTokPublisher, chunk_spans

__all__ = ["API", "CHUNK_BYTES", "TikTokPublisher", "chunk_spans"]
