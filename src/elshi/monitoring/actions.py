"""Writes to listening sources: ``check_*`` authorises, ``do_*`` changes, audits and enqueues after commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from elshi.audit.log import record
from elshi.missions.permissions import Perm, has_perm
from elshi.monitoring.kinds import upload_dir
from elshi.monitoring.models import Source, SourceKind
from elshi.monitoring.tasks import run_source_task


def check_configure_sources(user: Any) -> None:
    """Sources are ministry-wide: analysts (Perm.ANALYSE) configure them; others only look."""
    if not has_perm(user, Perm.ANALYSE, None):
        raise PermissionDenied("configuring sources needs the analyst role")


def _summary(source: Source) -> dict[str, Any]:
    options = {k: v for k, v in source.options.items() if k != "file"}
    return {
        "name": source.name,
        "kind": source.kind,
        "url": source.url,
        "every_minutes": source.every_minutes,
        "enabled": source.enabled,
        "options": options,
    }


def _enqueue(source: Source) -> None:
    pk = source.pk
    transaction.on_commit(lambda: run_source_task(pk, manual=True))


def do_create_source(source: Source, *, acting_user: Any) -> Source:
    with transaction.atomic():
        source.save()
        record(acting_user, "source.create", source, changes=_summary(source))
        if source.kind == SourceKind.UPLOAD:
            Source.objects.filter(pk=source.pk).update(state={"status": "starting", "processed": 0})
            _enqueue(source)  # imported once, now, not on a schedule
    return source


def do_update_source(source: Source, before: dict[str, Any], *, acting_user: Any) -> Source:
    """Save an edited source; the audit entry lists what changed, field by field."""
    with transaction.atomic():
        source.save()
        after = _summary(source)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        record(acting_user, "source.update", source, changes=changes)
    return source


def snapshot(source: Source) -> dict[str, Any]:
    return _summary(source)


def do_set_enabled(source: Source, enabled: bool, *, acting_user: Any) -> Source:
    if source.enabled != enabled:
        with transaction.atomic():
            Source.objects.filter(pk=source.pk).update(enabled=enabled)
            source.enabled = enabled
            record(
                acting_user,
                "source.resume" if enabled else "source.pause",
                source,
                changes={"enabled": [not enabled, enabled]},
            )
    return source


def do_poll_now(source: Source, *, acting_user: Any) -> bool:
    """Queue one poll now (a paused source too); an upload already imported is not imported again."""
    if source.kind == SourceKind.UPLOAD and source.state.get("status") in ("done", "starting", "running"):
        return False
    with transaction.atomic():
        record(acting_user, "source.poll", source)
        if source.kind == SourceKind.UPLOAD:
            Source.objects.filter(pk=source.pk).update(state={"status": "starting", "processed": 0})
        _enqueue(source)
    return True


def do_delete_source(source: Source, *, acting_user: Any) -> None:
    """The source goes; what it stored stays (documents are shared by every view of listening)."""
    stored = source.options.get("file") if source.kind == SourceKind.UPLOAD else None
    with transaction.atomic():
        record(acting_user, "source.delete", source, changes=_summary(source))
        source.delete()
    if stored:
        path: Path = upload_dir() / str(stored)
        path.unlink(missing_ok=True)
