"""When sending a delivery again cannot publish it twice, read from the platform's declared facts.

An attempt is *ambiguous* when the request may have created the post: no answer after it was
written (``OutcomeUnknown``), or a server error answering the write itself. Such a delivery is sent
again only where the platform deduplicates on the delivery's key (``PlatformFacts.idempotent``),
and only while it still remembers the key (``idempotency_window``, counted from when the first
ambiguous attempt began, minus :data:`MARGIN` for the re-send to arrive). Anything else becomes
``unconfirmed``: a person checks the channel.
"""

from __future__ import annotations

import datetime as dt

from elshi.connectors import REGISTRY, NotSent, OutcomeUnknown
from elshi.connectors.facts import PlatformFacts
from elshi.missions.models import Channel
from elshi.publishing.accounts import connector_name

__all__ = ["MARGIN", "ambiguous", "facts_of", "resend_safe"]

# A re-send must reach the platform this long before it forgets the key: the attempt may wait for
# its backoff, its lease and an upload before the request that carries the key goes out.
MARGIN = dt.timedelta(minutes=5)

# Server errors that say the request was not processed (RFC 9110 §15.6: not implemented, service
# unavailable, version not supported); every other 5xx may come after the post was written (a 500
# from the application, a 502 from a proxy whose upstream did answer).
_NOT_PROCESSED = (501, 503, 505)


def ambiguous(exc: Exception) -> bool:
    """Whether the failed attempt may have created the post."""
    if isinstance(exc, OutcomeUnknown):
        return True
    if isinstance(exc, NotSent) and not exc.before_post and exc.status_code is not None:
        return exc.status_code >= 500 and exc.status_code not in _NOT_PROCESSED
    return False


def facts_of(channel: Channel) -> PlatformFacts | None:
    factory = REGISTRY.get(connector_name(channel))
    facts = getattr(factory, "facts", None)
    return facts if isinstance(facts, PlatformFacts) else None


def resend_safe(facts: PlatformFacts | None, unsure_since: dt.datetime, at: dt.datetime) -> bool:
    """Whether a re-send at ``at`` is deduplicated against an attempt that began at ``unsure_since``."""
    if facts is None or not facts.idempotent:
        return False
    if facts.idempotency_window is None:
        return True
    return at + MARGIN < unsure_since + dt.timedelta(seconds=facts.idempotency_window)
