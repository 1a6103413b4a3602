"""Publish: the deliveries board, decisions on unconfirmed or failed deliveries, channel health."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from elshi.audit.log import record
from elshi.common.redirects import safe_next
from elshi.connectors import Token
from elshi.connectors.catalog import CATALOG
from elshi.connectors.versions import version_status
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel, ChannelStatus
from elshi.missions.permissions import Perm, has_perm, missions_with, require
from elshi.publishing import actions, oauth_views
from elshi.publishing.accounts import account_of, set_credentials
from elshi.publishing.consent_csp import allow_consent_redirect
from elshi.publishing.forms import ChannelForm, ConnectForm
from elshi.publishing.models import NEEDS_A_PERSON, Delivery, DeliveryState


@login_required
def board(request: HttpRequest) -> HttpResponse:
    visible = missions_with(request.user, Perm.VIEW)
    deliveries = Delivery.objects.filter(post__mission__in=visible).select_related("post__mission", "channel")
    counts = dict(deliveries.values_list("state").annotate(n=Count("pk")))
    state = request.GET.get("state", "")
    if state in DeliveryState.values:
        deliveries = deliveries.filter(state=state)
    mission = request.GET.get("mission", "")
    if mission:
        deliveries = deliveries.filter(post__mission__slug=mission)
    page = Paginator(deliveries.order_by("-due_at"), 50).get_page(request.GET.get("page"))
    columns = [(value, label, counts.get(value, 0)) for value, label in DeliveryState.choices]
    return render(
        request,
        "publishing/board.html",
        {
            "page": page,
            "columns": columns,
            "state": state,
            "mission": mission,
            "missions": visible,
            "needs_person": NEEDS_A_PERSON,
            "active": "publish",
        },
    )


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery.objects.select_related("post__mission", "channel"), pk=pk)
    try:
        actions.check_resolve(request.user, delivery, request.POST.get("seen"))
        if request.POST.get("decision") == "published":
            url = forms.URLField(assume_scheme="https").clean(request.POST.get("url", ""))
            actions.do_mark_published(delivery, url, acting_user=request.user)
            messages.success(request, _("Recorded as published. It will not be sent again."))
        elif request.POST.get("decision") == "send_again":
            actions.do_send_again(delivery, acting_user=request.user)
            messages.success(request, _("Sending again now."))
        else:
            messages.error(request, _("Choose 'mark published' or 'send again'."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied as exc:
        if not has_perm(request.user, Perm.VIEW, delivery.post.mission):
            raise
        messages.error(request, str(exc))
    return redirect(safe_next(request, reverse("deliveries")))


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    visible = missions_with(request.user, Perm.VIEW)
    managed = missions_with(request.user, Perm.MANAGE)
    form = None
    if managed.exists():
        form = ChannelForm(request.POST or None)
        form.fields["mission"].queryset = managed  # type: ignore[attr-defined]
        if request.method == "POST" and form.is_valid():
            mission_actions.do_save_channel(form.save(commit=False), acting_user=request.user)
            messages.success(request, _("Channel added."))
            return redirect("channel_list")
    elif request.method == "POST":
        raise PermissionDenied("channels")
    channels = Channel.objects.filter(mission__in=visible).select_related("mission")
    mission = request.GET.get("mission", "")
    if mission:
        channels = channels.filter(mission__slug=mission)
    return render(
        request,
        "missions/channels.html",
        {"channels": channels, "missions": visible, "mission": mission, "form": form, "active": "publish"},
    )


@login_required
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel.objects.select_related("mission"), pk=pk)
    require(request.user, Perm.VIEW, channel.mission)
    can_connect = has_perm(request.user, Perm.PUBLISH, channel.mission)
    form = ConnectForm(request.POST or None, channel=channel) if can_connect else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("connect")
        if form.is_valid():
            _save_connection(request, channel, form)
            messages.success(request, _("Channel connection saved."))
            return redirect("channel_detail", pk)
    account = account_of(channel)
    stored = {"secrets": sorted(account.secrets), "token": account.token is not None}
    recent = channel.deliveries.select_related("post").order_by("-due_at")[:20]
    info = CATALOG.get(channel.platform)
    page = render(
        request,
        "publishing/channel.html",
        {
            "channel": channel,
            "form": form,
            "stored": stored,
            "recent": recent,
            "info": info,
            "api_version": version_status(info.api if info else None, channel.settings),
            "oauth": {"callback": oauth_views.callback_uri(request)}
            if channel.platform in oauth_views.OAUTH_PLATFORMS
            else None,
            "now": timezone.now(),
            "active": "publish",
        },
    )
    return allow_consent_redirect(page, channel)  # the Connect form's redirect to the platform


def _save_connection(request: HttpRequest, channel: Channel, form: ConnectForm) -> None:
    data = form.cleaned_data
    secrets = dict(account_of(channel).secrets)
    secrets |= {n: data[f"secret_{n}"] for n in form.secret_names if data.get(f"secret_{n}")}
    channel.settings = {
        **channel.settings,
        **{n: data[f"setting_{n}"] for n in form.setting_names if data.get(f"setting_{n}")},
    }
    channel.settings = form.settings_with_version(channel.settings)
    channel.sandbox = data["sandbox"]
    set_credentials(
        channel,
        secrets=secrets,
        token=Token(access_token=data["access_token"]) if data["access_token"] else None,
    )
    missing = [n for n in form.setting_names if not channel.settings.get(n)] + [
        n for n in form.required_secrets if not secrets.get(n)
    ]
    channel.status = ChannelStatus.OK if channel.sandbox or not missing else ChannelStatus.NOT_CONNECTED
    channel.connected_at = timezone.now()
    channel.save()
    record(
        request.user,
        "channel.connect",
        channel,
        mission_slug=channel.mission.slug,
        changes={
            "sandbox": channel.sandbox,
            "settings": sorted(channel.settings),
            "secrets_set": sorted(secrets),
            "missing": missing,
        },
    )
