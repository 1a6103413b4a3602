"""Listen: the dashboard (index and share of voice), the mention explorer, quarantine, methodology."""

from __future__ import annotations

import csv
import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import plotly
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from openpyxl import Workbook

from elshi.audit.log import record
from elshi.audit.models import AuditEvent
from elshi.common.profile import current_profile
from elshi.common.spreadsheet import safe_cell
from elshi.missions.permissions import Perm, has_perm
from elshi.monitoring import actions, explore, index
from elshi.monitoring import dashboard as board
from elshi.monitoring.dashboard import latest_day
from elshi.monitoring.forms import FORMS, UploadEditForm
from elshi.monitoring.index import country_rows
from elshi.monitoring.models import (
    Alert,
    AlertState,
    DailyIndex,
    Document,
    Mention,
    QuarantinedItem,
    RelationEvent,
    Source,
    SourceKind,
)


def _require_listen(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.LISTEN, None):
        raise PermissionDenied("listen")


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, int]:
    try:
        days = max(1, min(int(request.GET.get("days", "30")), 3650))
    except ValueError:
        days = 30

    end = latest_day() or timezone.now().date()
    if request.GET.get("end"):
        try:
            end = dt.date.fromisoformat(request.GET["end"])
        except ValueError:
            messages.error(request, _("The end date must be a date (YYYY-MM-DD); the latest day is shown."))
    return end - dt.timedelta(days=days - 1), end, days


def _peers(request: HttpRequest, profile: Any) -> list[str]:
    """The peers chosen in the URL (``peers=UZ&peers=KG``), among the profile's; all of them by default."""
    offered = [*profile.peers, *getattr(profile, "optional_peers", ())]
    chosen = [p.upper() for p in request.GET.getlist("peers") if p.upper() in offered]
    return chosen or list(profile.peers)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_listen(request)

    profile = current_profile()
    peers = _peers(request, profile)
    countries = [profile.target, *peers]
    start, end, days = _period(request)
    if request.GET.get("format") == "csv":
        rows = country_rows(start, end, countries)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="elshi-index-{start}-{end}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "country",
                "mentions",
                "documents",
                "stories",
                "mean_tone",
                "positive_share",
                "negative_share",
                "share_of_voice",
                "image_score",
                "gdelt_tone",
            ]
        )
        for r in rows:
            writer.writerow(
                [
                    r.country,
                    r.mentions,
                    r.documents,
                    r.stories,
                    r.mean_tone,
                    r.positive_share,
                    r.negative_share,
                    r.share_of_voice,
                    r.image_score,
                    r.gdelt_tone,
                ]
            )
        return response
    has_data = DailyIndex.objects.exists() or RelationEvent.objects.exists()
    data = board.context(profile.target, peers, start, end) if has_data else {}
    labels = {
        "day": _("day (UTC)"),
        "week": _("week starting (UTC)"),
        "mentions": _("mentions"),
        "tone": _("mean tone (-1 to 1)"),
        "share": _("share of voice (%)"),
        "narrative_share": _("share of documents (%)"),
        "documents": _("documents"),
        "language": _("language"),
    }
    offered = [*profile.peers, *getattr(profile, "optional_peers", ())]
    return render(
        request,
        "monitoring/dashboard.html",
        {
            **data,
            "target": profile.target,
            "peers": peers,
            "offered_peers": offered,
            "peer_query": "".join(f"&peers={p}" for p in peers),
            "start": start,
            "end": end,
            "days": days,
            "chart_data": {"charts": data.get("charts", {}), "labels": labels},
            "has_data": has_data,
            "synthetic": Document.objects.filter(source_id="demo:synthetic").exists() if has_data else False,
            "has_relations": bool(data.get("relations")),
            "active": "listen",
        },
    )


PAGE = 50


@login_required
def explorer(request: HttpRequest) -> HttpResponse:
    _require_listen(request)

    picked = explore.chosen(request.GET)
    mentions, problems = explore.filtered(picked)
    for key in problems:
        messages.error(
            request,
            _("“%(value)s” is not a date (YYYY-MM-DD); that filter was left out.") % {"value": picked[key]},
        )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _export(mentions, fmt)
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    # No COUNT over the whole match (it would scan every matching row at millions of mentions): one row more
    # than a page says whether there is a next page.
    window = list(mentions.order_by("-day", "-pk")[(number - 1) * PAGE : number * PAGE + 1])
    page, more = window[:PAGE], len(window) > PAGE
    grouped = request.GET.get("group", "stories") != "none"
    rows = (
        explore.group_stories(page, mentions)
        if grouped
        else [{"mention": m, "copies": [], "sentence": explore.highlight(m)} for m in page]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/explorer.html",
        {
            "rows": rows,
            "chosen": picked,
            "grouped": grouped,
            "number": number,
            "more": more,
            "query": query.urlencode(),
            "shown": len(page),
            "active": "listen",
        },
    )


def _export(mentions: Any, fmt: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="elshi-mentions-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(explore.HEADER)
        for row in explore.export_rows(mentions):
            writer.writerow([safe_cell(v) for v in row])
        return response

    book = Workbook(write_only=True)
    sheet = book.create_sheet("mentions")
    sheet.append(explore.HEADER)
    for row in explore.export_rows(mentions):
        sheet.append([safe_cell(v) for v in row])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="elshi-mentions-{stamp}.xlsx"'
    return response


@login_required
def quarantine(request: HttpRequest) -> HttpResponse:
    _require_listen(request)
    items = QuarantinedItem.objects.all()
    chosen = request.GET.get("source", "")
    if chosen:
        items = items.filter(source_id=chosen)
    if request.GET.get("item"):
        item = get_object_or_404(QuarantinedItem, pk=_int(request.GET.get("item")))
        return render(request, "monitoring/quarantined_item.html", {"item": item, "active": "listen"})
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/quarantine.html",
        {
            "page": page,
            "documents": Document.objects.count(),
            "chosen": chosen,
            "query": urlencode({"source": chosen}) if chosen else "",
            "active": "listen",
        },
    )


@login_required
def methodology(request: HttpRequest) -> HttpResponse:
    _require_listen(request)

    return render(request, "monitoring/methodology.html", {"doc": index.__doc__, "active": "listen"})


def plotly_js(request: HttpRequest) -> FileResponse:
    """plotly.min.js from the installed plotly package: charts work offline, with no CDN."""
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    response = FileResponse(path.open("rb"), content_type="text/javascript")
    patch_cache_control(response, public=True, max_age=86400)
    return response


def _quarantine_counts() -> dict[str, int]:
    rows = QuarantinedItem.objects.filter(source_id__startswith="source:").values("source_id")
    return {r["source_id"]: r["n"] for r in rows.annotate(n=Count("id"))}


@login_required
def sources(request: HttpRequest) -> HttpResponse:
    """The sources list and the add form (``?kind=``); one source's page at ``?source=ID``."""
    _require_listen(request)

    can_configure = has_perm(request.user, Perm.ANALYSE, None)
    if request.GET.get("source"):
        return _source_page(request, can_configure)
    if request.method == "POST":
        if not can_configure:
            raise PermissionDenied("sources")
        if "run" in request.POST:
            source = Source.objects.filter(pk=_int(request.POST.get("run"))).first()
            if source is not None and actions.do_poll_now(source, acting_user=request.user):
                messages.success(request, _("%(name)s will be polled in a moment.") % {"name": source.name})
            return redirect("listen_sources")
    kind = request.POST.get("kind") or request.GET.get("kind") or SourceKind.FEED
    if kind not in FORMS:
        kind = SourceKind.FEED
    form = None
    if can_configure:
        form = FORMS[kind](request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            source = actions.do_create_source(form.save(commit=False), acting_user=request.user)
            if source.kind == SourceKind.UPLOAD:
                messages.success(request, _("File received; it is being imported. Progress is shown below."))
                return redirect(f"{reverse('listen_sources')}?source={source.pk}")
            messages.success(
                request, _("Source added; it is polled every %(n)s minutes.") % {"n": source.every_minutes}
            )
            return redirect("listen_sources")
    counts = _quarantine_counts()
    rows = [(s, counts.get(s.source_id, 0)) for s in Source.objects.all()]
    return render(
        request,
        "monitoring/sources.html",
        {
            "rows": rows,
            "form": form,
            "kind": kind,
            "kinds": SourceKind.choices,
            "active": "listen",
        },
    )


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _source_page(request: HttpRequest, can_configure: bool) -> HttpResponse:
    source = get_object_or_404(Source, pk=_int(request.GET.get("source")))
    here = f"{reverse('listen_sources')}?source={source.pk}"
    form_class = UploadEditForm if source.kind == SourceKind.UPLOAD else FORMS[source.kind]
    form = form_class(instance=source) if can_configure else None
    if request.method == "POST":
        if not can_configure:
            raise PermissionDenied("sources")
        action = request.POST.get("action", "")
        if action in ("pause", "resume"):
            actions.do_set_enabled(source, action == "resume", acting_user=request.user)
            messages.success(request, _("Source paused.") if action == "pause" else _("Source resumed."))
            return redirect(here)
        if action == "run":
            if actions.do_poll_now(source, acting_user=request.user):
                messages.success(request, _("%(name)s will be polled in a moment.") % {"name": source.name})
            return redirect(here)
        if action == "delete":
            actions.do_delete_source(source, acting_user=request.user)
            messages.success(request, _("Source deleted; the documents it stored are kept."))
            return redirect("listen_sources")
        if action == "edit":
            before = actions.snapshot(source)
            form = form_class(request.POST, instance=source)
            if form.is_valid():
                actions.do_update_source(form.save(commit=False), before, acting_user=request.user)
                messages.success(request, _("Source saved."))
                return redirect(here)
    quarantined = QuarantinedItem.objects.filter(source_id=source.source_id)
    history = AuditEvent.objects.filter(object_type="monitoring.source", object_id=str(source.pk))
    return render(
        request,
        "monitoring/source.html",
        {
            "source": source,
            "form": form,
            "quarantined": quarantined[:20],
            "quarantined_count": quarantined.count(),
            "history": history[:20],
            "working": source.kind == SourceKind.UPLOAD
            and source.state.get("status") in ("queued", "starting", "running"),
            "active": "listen",
        },
    )


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    _require_listen(request)
    state = request.GET.get("state", "open")
    rows = Alert.objects.all()
    if state in AlertState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/alerts.html",
        {"page": page, "state": state, "states": AlertState.choices, "active": "listen"},
    )


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_listen(request)
    alert = get_object_or_404(Alert, pk=pk)
    can_act = has_perm(request.user, Perm.ANALYSE, None)
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied("alerts")
        new = {"acknowledge": AlertState.ACKNOWLEDGED, "resolve": AlertState.RESOLVED}.get(
            request.POST.get("action", "")
        )
        if new is not None and alert.state != new:
            old = alert.state
            alert.state = new
            alert.save(update_fields=["state"])
            record(
                request.user,
                f"alert.{new}",
                alert,
                changes={"state": [old, new], "note": request.POST.get("note", "")},
            )
            messages.success(request, _("Alert %(state)s.") % {"state": alert.get_state_display()})
        return redirect("listen_alert", pk)
    drivers = Mention.objects.filter(country=alert.country, day=alert.day).select_related("document")
    if alert.kind == "negativity":
        drivers = drivers.filter(tone_label="negative")
    if alert.narrative:
        drivers = drivers.filter(document__narratives__icontains=f'"{alert.narrative}"')
    explore = f"?country={alert.country}&from={alert.day}&to={alert.day}" + (
        "&tone=negative" if alert.kind == "negativity" else ""
    )
    if alert.narrative:
        explore += "&" + urlencode({"narrative": alert.narrative})
    history = AuditEvent.objects.filter(object_type="monitoring.alert", object_id=str(alert.pk))
    return render(
        request,
        "monitoring/alert.html",
        {
            "alert": alert,
            "drivers": drivers[:20],
            "explore": explore,
            "can_act": can_act,
            "history": history,
            "active": "listen",
        },
    )
