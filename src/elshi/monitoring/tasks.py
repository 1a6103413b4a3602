"""Huey tasks: poll each enabled source when it is due."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from elshi.monitoring.alerting import check_day
from elshi.monitoring.models import Source, SourceKind
from elshi.monitoring.polling import analyzer, due_sources, run_source


@db_task()
def run_source_task(source_id: int, manual: bool = False) -> None:
    """One poll of a source (any kind); ``manual`` (poll now) runs a paused source too."""
    source = Source.objects.filter(pk=source_id).first()
    if source is not None and (source.enabled or manual):
        run_source(source)


@db_periodic_task(crontab(minute="*"))
def poll_due_sources() -> None:
    """Every minute: each due source is claimed with one conditional UPDATE, then polled by a worker."""
    now = timezone.now()
    for source in due_sources():
        claim = Source.objects.filter(pk=source.pk, last_run_at=source.last_run_at)
        if source.kind == SourceKind.UPLOAD:
            won = claim.filter(state__status="queued").update(state={"status": "starting"})
        else:
            won = claim.update(last_run_at=now)  # a slow poll is not queued again a minute later
        if won:
            run_source_task(source.pk)


@db_periodic_task(crontab(minute="20", hour="*"))
def check_alerts() -> None:
    """Hourly: spikes of yesterday and today so far (UTC), for the target and its peers."""
    profile = analyzer().profile
    today = timezone.now().date()
    for day in (today - dt.timedelta(days=1), today):
        check_day(day, [profile.target, *profile.peers])
