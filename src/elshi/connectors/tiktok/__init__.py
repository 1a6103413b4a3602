"""TikTok Content Posting API connector."""

from .choices import PRIVACY_LEVELS, CreatorInfo, choice_problems
from .publisher import API, CHUNK_BYTES, TikTokPublisher, chunk_spans, post_id_of

__all__ = [
    "API",
    "CHUNK_BYTES",
    "PRIVACY_LEVELS",
    "CreatorInfo",
    "TikTokPublisher",
    "choice_problems",
    "chunk_spans",
    "post_id_of",
]
