"""Listen: the dashboard (index and share of voice), the mention explorer, quarantine, methodology."""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import record
from elshi.audit.models import AuditEvent
from elshi.missions.permissions import Perm, has_perm
from elshi.monitoring.index import country_rows, daily_mentions
from elshi.monitoring.models import Alert, AlertState, Document, Mention, QuarantinedItem, Source


def _require_listen(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.LISTEN, None):
        raise PermissionDenied("listen")


def _profile() -> Any:
    from elshi.analysis import load_profile

    return load_profile("kz")


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, int]:
    try:
        days = max(1, min(int(request.GET.get("days", "30")), 3650))
    except ValueError:
        days = 30
    latest = Mention.objects.order_by("-day").values_list("day", flat=True).first() or timezone.now().date()
    end = dt.date.fromisoformat(request.GET["end"]) if request.GET.get("end") else latest
    return end - dt.timedelta(days=days - 1), end, days


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_listen(request)
    profile = _profile()
    countries = [profile.target, *profile.peers]
    start, end, days = _period(request)
    rows = country_rows(start, end, countries)
    if request.GET.get("format") == "csv":
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
    target = next(r for r in rows if r.country == profile.target)
    series = daily_mentions(start, end, countries)
    chart = [
        {
            "x": [d.isoformat() for d, _n in points],
            "y": [n for _d, n in points],
            "name": code,
            "type": "scatter",
            "mode": "lines+markers",
        }
        for code, points in series.items()
        if points
    ]
    finding = _("%(country)s had %(share)s%% of the peers' share of voice; image score %(score)s.") % {
        "country": profile.target,
        "share": round(target.share_of_voice * 100, 1),
        "score": target.image_score if target.image_score is not None else "—",
    }
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "rows": rows,
            "target": profile.target,
            "start": start,
            "end": end,
            "days": days,
            "finding": finding,
            "chart_json": json.dumps(chart),
            "has_data": Mention.objects.exists(),
            "synthetic": Document.objects.filter(source_id="demo:synthetic").exists(),
            "active": "listen",
        },
    )


@login_required
def explorer(request: HttpRequest) -> HttpResponse:
    _require_listen(request)
    mentions = Mention.objects.select_related("document")
    chosen = {
        k: request.GET.get(k, "").strip()
        for k in ("country", "language", "tone", "outlet_country", "q", "narrative", "from", "to")
    }
    if chosen["country"]:
        mentions = mentions.filter(country=chosen["country"].upper())
    if chosen["language"]:
        mentions = mentions.filter(document__language=chosen["language"])
    if chosen["tone"] in ("positive", "negative", "neutral"):
        mentions = mentions.filter(tone_label=chosen["tone"])
    if chosen["outlet_country"]:
        mentions = mentions.filter(document__outlet_country=chosen["outlet_country"].upper())
    if chosen["q"]:
        mentions = mentions.filter(document__title__icontains=chosen["q"])
    if chosen["narrative"]:
        mentions = mentions.filter(document__narratives__icontains=f'"{chosen["narrative"]}"')
    for key, lookup in (("from", "day__gte"), ("to", "day__lte")):
        if chosen[key]:
            try:
                mentions = mentions.filter(**{lookup: dt.date.fromisoformat(chosen[key])})
            except ValueError:
                pass
    page = Paginator(mentions.order_by("-day", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "monitoring/explorer.html", {"page": page, "chosen": chosen, "active": "listen"})


@login_required
def quarantine(request: HttpRequest) -> HttpResponse:
    _require_listen(request)
    page = Paginator(QuarantinedItem.objects.all(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/quarantine.html",
        {"page": page, "documents": Document.objects.count(), "active": "listen"},
    )


@login_required
def methodology(request: HttpRequest) -> HttpResponse:
    _require_listen(request)
    from elshi.monitoring import index

    return render(request, "monitoring/methodology.html", {"doc": index.__doc__, "active": "listen"})


def plotly_js(request: HttpRequest) -> FileResponse:
    """plotly.min.js from the installed plotly package: charts work offline, with no CDN."""
    from pathlib import Path

    import plotly
    from django.utils.cache import patch_cache_control

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    response = FileResponse(path.open("rb"), content_type="text/javascript")
    patch_cache_control(response, public=True, max_age=86400)
    return response


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["name", "kind", "url", "every_minutes", "enabled"]


@login_required
def sources(request: HttpRequest) -> HttpResponse:
    _require_listen(request)
    can_configure = has_perm(request.user, Perm.ANALYSE, None)
    form = SourceForm(request.POST or None) if can_configure else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("sources")
        if "run" in request.POST:
            from elshi.monitoring.tasks import run_source_task

            source = Source.objects.filter(pk=int(request.POST.get("run") or 0)).first()
            if source is not None:
                run_source_task(source.pk)
                messages.success(request, _("%(name)s will be polled in a moment.") % {"name": source.name})
            return redirect("listen_sources")
        if form.is_valid():
            source = form.save()
            record(request.user, "source.create", source, changes={"url": source.url, "kind": source.kind})
            messages.success(
                request, _("Source added; it is polled every %(n)s minutes.") % {"n": source.every_minutes}
            )
            return redirect("listen_sources")
    rows = [(s, QuarantinedItem.objects.filter(source_id=s.source_id).count()) for s in Source.objects.all()]
    return render(request, "monitoring/sources.html", {"rows": rows, "form": form, "active": "listen"})


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
    explore = f"?country={alert.country}&from={alert.day}&to={alert.day}" + (
        "&tone=negative" if alert.kind == "negativity" else ""
    )
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
