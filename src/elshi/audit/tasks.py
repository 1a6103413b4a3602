"""The audit chain's nightly self-check, run by the task worker."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from elshi.audit.log import verify_chain

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="17", hour="3"))
def verify_audit_chain() -> bool:
    """Nightly walk of the audit chain; a broken chain is logged as an error for the operators."""
    report = verify_chain()
    if not report.ok:
        log.error("audit chain broken at event %s: %s", report.broken_at, report.reason)
    return report.ok
