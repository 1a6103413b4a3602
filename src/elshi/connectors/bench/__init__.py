"""Code for benchmarks and crash tests, kept out of the production connectors: nothing in
:mod:`elshi.connectors` imports it, and it imports nothing from Django.

:mod:`.loopback` is a platform on 127.0.0.1 (Mastodon's API and elshi's webhook) that counts what it
receives, so that duplicates and losses can be proved rather than assumed.
"""

from .loopback import LoopbackPlatform, Received

__all__ = ["LoopbackPlatform", "Received"]
