"""The audit chain's nightly self-check and daily anchor, run by the task worker."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from elshi.audit.anchors import write_anchor
from elshi.audit.log import verify_chain

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="17", hour="3"))
def verify_audit_chain() -> bool:
    """Nightly walk of the audit chain; a broken chain is logged as an error for the operators."""
    report = verify_chain()
    if not report.ok:
        log.error("audit chain broken at event %s: %s", report.broken_at, report.reason)
    return report.ok


@db_periodic_task(crontab(minute="27", hour="3"))
def anchor_audit_head() -> int | None:
    """Daily: the head's position and hash to the anchors file, the log and the anchor e-mail. After
    the nightly check, so that a head already broken is not anchored unnoticed."""
    anchor = write_anchor()
    return anchor.seq if anchor is not None else None
