"""Claims whose validity ends soon, for the home page: a figure past ``valid_until`` may no longer be
posted (``content.claimcheck``), so the person who curates claims hears of it a month ahead."""

from __future__ import annotations

import datetime as dt

from elshi.content.models import Claim

__all__ = ["EXPIRY_NOTICE_DAYS", "expiring_claims"]

# A month: long enough to find the new edition of an index or survey and verify it before posts stop.
EXPIRY_NOTICE_DAYS = 30


def expiring_claims(
    today: dt.date, *, days: int = EXPIRY_NOTICE_DAYS, limit: int = 8
) -> tuple[list[Claim], int]:
    """Claims valid today whose ``valid_until`` falls within ``days``, soonest first, and how many in all."""
    soon = Claim.objects.filter(valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=days))
    soon = soon.order_by("valid_until", "subject")
    rows = list(soon[: limit + 1])
    total = len(rows) if len(rows) <= limit else soon.count()
    return rows[:limit], total
