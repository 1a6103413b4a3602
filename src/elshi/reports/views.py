"""Measure pages: briefs (archive, on-demand generation, subscriptions), scorecards, campaign reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from elshi.common.profile import current_profile
from elshi.content.models import Campaign
from elshi.missions.permissions import Perm, has_perm, missions_with
from elshi.reports import actions
from elshi.reports.campaigns import campaign_report
from elshi.reports.exports import brief_tables, campaign_tables, export, scorecard_tables
from elshi.reports.models import Brief, BriefLanguage, BriefSubscription
from elshi.reports.render import charts_for, context_for
from elshi.reports.scorecards import scorecards as build_scorecards


def last_week(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the last complete week before ``today``."""
    today = today or timezone.now().date()
    end = today - dt.timedelta(days=today.weekday() + 1)
    return end - dt.timedelta(days=6), end


def _target() -> str:
    """The configured profile's target: the country a brief is about unless the analyst picks another."""
    return current_profile().target


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.replace(";", ",").split(",") if c.strip()]


class CountryCodes(forms.CharField):
    def clean(self, value: Any) -> list[str]:
        codes = _codes(super().clean(value) or "")
        bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
        if bad:
            raise forms.ValidationError(
                _("Not a two-letter country code: %(codes)s") % {"codes": ", ".join(bad)}
            )
        return codes


class BriefForm(forms.Form):
    country = forms.CharField(
        label=gettext_lazy("Country"), max_length=2, min_length=2, initial=_target  # called per form
    )
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    peers = CountryCodes(
        label=gettext_lazy("Peers (comma-separated codes; empty: the profile's peers)"), required=False
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=BriefLanguage.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        if start and end and (end - start).days > 366:
            raise forms.ValidationError(_("A brief covers at most a year."))
        return data


class SubscriptionForm(forms.ModelForm):
    peers = CountryCodes(label=gettext_lazy("Peers (empty: the profile's peers)"), required=False)
    recipients = forms.CharField(
        label=gettext_lazy("Recipients (e-mail addresses, comma-separated)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = BriefSubscription
        fields = ["name", "country", "peers", "language", "recipients"]

    def clean_recipients(self) -> list[str]:
        addresses = [
            a.strip() for a in self.cleaned_data["recipients"].replace(";", ",").split(",") if a.strip()
        ]
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError as exc:
                raise forms.ValidationError(_("Not an e-mail address: %(a)s") % {"a": address}) from exc
        if not addresses:
            raise forms.ValidationError(_("Give at least one recipient."))
        return addresses

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()


@login_required
def brief_list(request: HttpRequest) -> HttpResponse:
    actions.check_read_briefs(request.user)
    start, end = last_week()
    form = BriefForm(initial={"start": start, "end": end, "language": request.LANGUAGE_CODE[:2]})
    if request.method == "POST":
        actions.check_generate_brief(request.user)
        form = BriefForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            brief = actions.do_generate_brief(
                d["country"].upper(),
                d["start"],
                d["end"],
                d["peers"] or None,
                d["language"],
                acting_user=request.user,
            )
            messages.success(request, _("The brief is ready."))
            return redirect("brief_detail", pk=brief.pk)
    return _brief_page(request, form)


def _brief_page(
    request: HttpRequest,
    form: BriefForm,
    subscription_form: SubscriptionForm | None = None,
) -> HttpResponse:
    can_generate = has_perm(request.user, Perm.ANALYSE, None)
    page = Paginator(Brief.objects.select_related("created_by", "subscription"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reports/brief_list.html",
        {
            "page": page,
            "form": form,
            "can_generate": can_generate,
            "subscriptions": [
                (s, actions.may_see_recipients(request.user, s))
                for s in (BriefSubscription.objects.select_related("created_by") if can_generate else [])
            ],
            "subscription_form": subscription_form
            or SubscriptionForm(initial={"country": _target(), "language": "en"}),
            "active": "measure",
        },
    )


@login_required
def brief_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actions.check_read_briefs(request.user)
    brief = get_object_or_404(Brief, pk=pk)
    fmt = request.GET.get("format", "")
    if fmt:
        response = export(
            brief_tables(brief.data), request.GET.get("table", ""), fmt, f"elshi-brief-{brief.pk}"
        )
        if response is None:
            raise Http404(fmt)
        return response
    context = context_for(brief.data, charts_for(brief.data), link_base="")
    return render(
        request,
        "reports/brief_detail.html",
        {
            **context,
            "brief": brief,
            "tables": brief_tables(brief.data),
            "active": "measure",
            "active_page": "brief_list",
        },
    )


@login_required
def brief_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    actions.check_read_briefs(request.user)
    brief = get_object_or_404(Brief, pk=pk)
    relative = {"pdf": brief.pdf_file, "html": brief.html_file}.get(kind) or ""
    path = actions.brief_file(relative) if relative else None
    if path is None or not path.is_file():
        raise Http404(kind)
    name = f"elshi-brief-{brief.country}-{brief.start}-{brief.end}-{brief.language}.{kind}"
    content_type = "application/pdf" if kind == "pdf" else "text/html; charset=utf-8"
    return FileResponse(path.open("rb"), content_type=content_type, as_attachment=True, filename=name)


@login_required
@require_POST
def subscription_add(request: HttpRequest) -> HttpResponse:
    actions.check_generate_brief(request.user)
    form = SubscriptionForm(request.POST)
    if not form.is_valid():  # shown again as typed, with its errors
        start, end = last_week()
        brief_form = BriefForm(initial={"start": start, "end": end, "language": request.LANGUAGE_CODE[:2]})
        return _brief_page(request, brief_form, form)
    actions.do_save_subscription(form.save(commit=False), acting_user=request.user)
    messages.success(request, _("The weekly brief will be e-mailed every Monday."))
    return redirect("brief_list")


@login_required
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actions.check_generate_brief(request.user)
    subscription = get_object_or_404(BriefSubscription, pk=pk)
    actions.check_delete_subscription(request.user, subscription)
    actions.do_delete_subscription(subscription, acting_user=request.user)
    messages.success(request, _("Subscription removed."))
    return redirect("brief_list")


def _period(request: HttpRequest, default_days: int = 28) -> tuple[dt.date, dt.date, str]:
    today = timezone.now().date()
    error = ""
    try:
        end = dt.date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today
        start = (
            dt.date.fromisoformat(request.GET["from"])
            if request.GET.get("from")
            else end - dt.timedelta(days=default_days - 1)
        )
        if end < start:
            raise ValueError
    except ValueError:
        error = _("Use dates as YYYY-MM-DD, the first not after the second; showing the last four weeks.")
        end, start = today, today - dt.timedelta(days=default_days - 1)
    return start, end, error


def _listen_missions(request: HttpRequest) -> list[Any]:
    missions = list(missions_with(request.user, Perm.LISTEN).order_by("name"))
    if not missions:
        raise PermissionDenied("listen")
    return missions


@login_required
def scorecards(request: HttpRequest) -> HttpResponse:
    missions = _listen_missions(request)
    start, end, error = _period(request)
    cards = build_scorecards(missions, start, end)
    fmt = request.GET.get("format", "")
    if fmt:
        response = export(
            scorecard_tables(cards),
            request.GET.get("table", "missions"),
            fmt,
            f"elshi-scorecards-{start}-{end}",
        )
        if response is None:
            raise Http404(fmt)
        return response
    return render(
        request,
        "reports/scorecards.html",
        {"cards": cards, "start": start, "end": end, "error": error, "active": "measure"},
    )


def _visible_campaigns(request: HttpRequest) -> Any:
    """The campaigns Tell → Campaigns shows this person: all for curators, else their missions' ones."""
    campaigns = Campaign.objects.all()
    if has_perm(request.user, Perm.CURATE, None):
        return campaigns
    return campaigns.filter(missions__in=missions_with(request.user, Perm.VIEW)).distinct()


@login_required
def campaign_reports(request: HttpRequest) -> HttpResponse:
    _listen_missions(request)
    return render(
        request, "reports/campaigns.html", {"campaigns": _visible_campaigns(request), "active": "measure"}
    )


@login_required
def campaign_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    missions = _listen_missions(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    if not _visible_campaigns(request).filter(pk=campaign.pk).exists():
        raise PermissionDenied("campaign")
    report = campaign_report(campaign, missions)
    fmt = request.GET.get("format", "")
    if fmt:
        response = export(
            campaign_tables(report), request.GET.get("table", "kpis"), fmt, f"elshi-campaign-{campaign.pk}"
        )
        if response is None:
            raise Http404(fmt)
        return response
    return render(
        request,
        "reports/campaign_report.html",
        {
            "report": report,
            "campaign": campaign,
            "missions": missions,
            "active": "measure",
            "active_page": "campaign_reports",
        },
    )
