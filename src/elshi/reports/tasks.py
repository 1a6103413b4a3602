"""Huey tasks: the weekly briefs, checked every morning and sent once per week and subscription."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from elshi.reports.mailing import send_due_briefs


@db_periodic_task(crontab(minute="0", hour="6"))
def send_weekly_briefs() -> None:
    send_due_briefs()
