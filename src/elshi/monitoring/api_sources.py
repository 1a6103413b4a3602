"""Sources over JSON (on the monitoring router): read with Perm.LISTEN, configure with Perm.ANALYSE.

Writes go through the same forms as the pages (so the same checks and error texts) and the same actions
(so the same audit entries). Files are uploaded in the app; the API reads upload sources and re-imports
a failed one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Schema, Status

from elshi.common.api_errors import ApiRefusal
from elshi.missions.permissions import Perm, has_perm
from elshi.monitoring import actions
from elshi.monitoring.actions import check_configure_sources
from elshi.monitoring.api import router
from elshi.monitoring.forms import FORMS, UploadEditForm
from elshi.monitoring.models import QuarantinedItem, Source, SourceKind
from elshi.monitoring.views import _quarantine_counts


class SourceOut(Schema):
    id: int
    name: str
    kind: str
    url: str
    every_minutes: int
    enabled: bool
    options: dict[str, Any]
    last_run_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_error: str
    last_error_at: dt.datetime | None
    consecutive_failures: int
    documents_stored: int
    quarantined: int
    import_status: str | None


class SourceIn(Schema):
    name: str
    kind: str
    url: str = ""
    every_minutes: int = 30
    enabled: bool = True
    options: dict[str, Any] = {}


class SourcePatch(Schema):
    name: str | None = None
    url: str | None = None
    every_minutes: int | None = None
    enabled: bool | None = None
    options: dict[str, Any] | None = None


def _listen(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.LISTEN, None):
        raise PermissionDenied("listen")


def _analyse(request: HttpRequest) -> None:
    check_configure_sources(request.user)


def _out(source: Source, quarantined: int | None = None) -> dict[str, Any]:
    if quarantined is None:
        quarantined = QuarantinedItem.objects.filter(source_id=source.source_id).count()
    return {
        "id": source.pk,
        "name": source.name,
        "kind": source.kind,
        "url": source.url,
        "every_minutes": source.every_minutes,
        "enabled": source.enabled,
        "options": {k: v for k, v in source.options.items() if k != "file"},
        "last_run_at": source.last_run_at,
        "last_success_at": source.last_success_at,
        "last_error": source.last_error,
        "last_error_at": source.last_error_at,
        "consecutive_failures": source.consecutive_failures,
        "documents_stored": source.documents_stored,
        "quarantined": quarantined,
        "import_status": source.state.get("status") if source.kind == SourceKind.UPLOAD else None,
    }


def _form_data(name: str, url: str, every: int, enabled: bool, options: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "url": url, "every_minutes": str(every)}
    if enabled:
        data["enabled"] = "on"
    for key, value in options.items():
        if key == "countries" and isinstance(value, list):
            data[key] = ", ".join(str(v) for v in value)
        else:
            data[key] = value
    return data


def _validated(form: Any) -> Source:
    if not form.is_valid():
        problems = {field: [str(e) for e in errors] for field, errors in form.errors.items()}
        raise ApiRefusal(422, "The source is not valid.", {"errors": problems})
    source: Source = form.save(commit=False)
    return source


@router.get("/sources", response=list[SourceOut], summary="Listening sources with their health")
def list_sources(request: HttpRequest) -> Any:
    _listen(request)

    counts = _quarantine_counts()
    return [_out(s, counts.get(s.source_id, 0)) for s in Source.objects.all()]


@router.get("/sources/{source_id}", response=SourceOut, summary="One source with its health")
def get_source(request: HttpRequest, source_id: int) -> Any:
    _listen(request)
    return _out(get_object_or_404(Source, pk=source_id))


@router.post("/sources", response={201: SourceOut}, summary="Add a feed, sitemap or GDELT source")
def create_source(request: HttpRequest, payload: SourceIn) -> Any:
    _analyse(request)

    if payload.kind == SourceKind.UPLOAD:
        raise ApiRefusal(422, "Files are uploaded in the app (Listen, Sources, file upload).")
    if payload.kind not in FORMS:
        raise ApiRefusal(
            422, f"Unknown kind; one of {', '.join(k for k in FORMS if k != SourceKind.UPLOAD)}."
        )
    data = _form_data(payload.name, payload.url, payload.every_minutes, payload.enabled, payload.options)
    source = actions.do_create_source(_validated(FORMS[payload.kind](data)), acting_user=request.user)
    return Status(201, _out(source, 0))


@router.patch("/sources/{source_id}", response=SourceOut, summary="Change a source (the fields given)")
def update_source(request: HttpRequest, source_id: int, payload: SourcePatch) -> Any:
    _analyse(request)

    source = get_object_or_404(Source, pk=source_id)
    before = actions.snapshot(source)
    options = {**source.options, **(payload.options or {})}
    data = _form_data(
        payload.name if payload.name is not None else source.name,
        payload.url if payload.url is not None else source.url,
        payload.every_minutes if payload.every_minutes is not None else source.every_minutes,
        payload.enabled if payload.enabled is not None else source.enabled,
        {k: v for k, v in options.items() if k not in ("file", "filename", "size")},
    )
    form_class = UploadEditForm if source.kind == SourceKind.UPLOAD else FORMS[source.kind]
    changed = actions.do_update_source(
        _validated(form_class(data, instance=source)), before, acting_user=request.user
    )
    return _out(changed)


@router.post("/sources/{source_id}/pause", response=SourceOut, summary="Pause a source")
def pause_source(request: HttpRequest, source_id: int) -> Any:
    _analyse(request)

    source = get_object_or_404(Source, pk=source_id)
    return _out(actions.do_set_enabled(source, False, acting_user=request.user))


@router.post("/sources/{source_id}/resume", response=SourceOut, summary="Resume a paused source")
def resume_source(request: HttpRequest, source_id: int) -> Any:
    _analyse(request)

    source = get_object_or_404(Source, pk=source_id)
    return _out(actions.do_set_enabled(source, True, acting_user=request.user))


@router.post("/sources/{source_id}/poll", response={202: SourceOut}, summary="Poll a source now (queued)")
def poll_source(request: HttpRequest, source_id: int) -> Any:
    _analyse(request)

    source = get_object_or_404(Source, pk=source_id)
    if not actions.do_poll_now(source, acting_user=request.user):
        raise ApiRefusal(409, "This upload is already imported or being imported.")
    source.refresh_from_db()
    return Status(202, _out(source))
