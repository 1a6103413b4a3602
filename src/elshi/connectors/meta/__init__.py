"""Meta connectors: Facebook Page, Instagram and Threads over the Graph APIs."""

from .facebook import FacebookPagePublisher
from .graph import FACEBOOK, THREADS, GraphClient, graph_error
from .instagram import InstagramPublisher
from .threads import ThreadsPublisher

__all__ = [
    "FACEBOOK",
    "THREADS",
    "FacebookPagePublisher",
    "GraphClient",
    "InstagramPublisher",
    "ThreadsPublisher",
    "graph_error",
]
