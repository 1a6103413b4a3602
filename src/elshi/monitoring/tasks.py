"""Huey tasks: poll each enabled source when it is due."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_source_task(source_id: int) -> None:
    from elshi.monitoring.models import Source
    from elshi.monitoring.polling import run_source

    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is not None:
        run_source(source)


@db_periodic_task(crontab(minute="*"))
def poll_due_sources() -> None:
    from elshi.monitoring.polling import due_sources

    for source in due_sources():
        run_source_task(source.pk)


@db_periodic_task(crontab(minute="20", hour="*"))
def check_alerts() -> None:
    """Hourly: spikes of yesterday and today so far (UTC), for the target and its peers."""
    import datetime as dt

    from django.utils import timezone

    from elshi.monitoring.alerting import check_day
    from elshi.monitoring.polling import analyzer

    profile = analyzer().profile
    today = timezone.now().date()
    for day in (today - dt.timedelta(days=1), today):
        check_day(day, [profile.target, *profile.peers])
