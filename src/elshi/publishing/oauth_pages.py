"""Facebook Login's second half: the channel keeps one Page's token (Instagram: the Page linked to
its professional account). The channel's own Page, the only suitable one, or the person's choice;
the fetched Page tokens wait for that choice only encrypted in the session, for 15 minutes.
Also where every consent flow ends: :func:`connected` stores the token and audits the connection.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from elshi.audit.log import record
from elshi.common.crypto import decrypt_json, encrypt_json
from elshi.connectors import Token
from elshi.connectors.meta import connect as meta
from elshi.missions.models import Channel, ChannelStatus
from elshi.missions.permissions import Perm, require
from elshi.publishing.accounts import store_token

PAGES_KEY = "elshi_oauth_pages"
MAX_AGE_S = 15 * 60


def connected(
    request: HttpRequest, channel: Channel, token: Token, page: meta.Page | None = None
) -> HttpResponse:
    """Store the token (and the Page it speaks for), mark the channel connected, audit it."""
    reconnect = bool(channel.token_encrypted)
    store_token(channel, token)
    changes: dict[str, Any] = {
        "platform": channel.platform,
        "reconnect": reconnect,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "refresh_token": token.refresh_token is not None,
    }
    if channel.platform == "threads":
        changes["threads_user_id"] = channel.settings.get("threads_user_id")
    if page is not None:
        changes |= {"page_id": page.page_id, "page": page.name}
        if channel.platform == "instagram":
            # A Page token speaks to Facebook Login's host, not Instagram Login's.
            channel.settings = {k: v for k, v in channel.settings.items() if k != "api_base"} | {
                "ig_user_id": page.instagram_user_id
            }
            changes["ig_user_id"] = page.instagram_user_id
        else:
            channel.settings = {**channel.settings, "page_id": page.page_id}
    channel.status = ChannelStatus.OK
    channel.connected_at = timezone.now()
    channel.last_error = ""
    channel.save()
    record(request.user, "channel.oauth_connect", channel, mission_slug=channel.mission.slug, changes=changes)
    if page is None:
        messages.success(request, _("Connected. elshi can now post to this account."))
    else:
        messages.success(
            request, _("Connected to %(page)s. elshi can now post to this account.") % {"page": page.name}
        )
    return redirect("channel_detail", channel.pk)


def _named(channel: Channel, page: meta.Page) -> str | None:
    """What the channel's settings call this Page: its id (Facebook) or its Instagram account's."""
    return page.instagram_user_id if channel.platform == "instagram" else page.page_id


def pick_page(request: HttpRequest, channel: Channel, pages: list[meta.Page]) -> HttpResponse:
    """The channel's own Page if it names one, the only Page there is, or the person's choice."""
    instagram = channel.platform == "instagram"
    suitable = [page for page in pages if page.instagram_user_id] if instagram else pages
    named = str(channel.settings.get("ig_user_id" if instagram else "page_id", "")).strip()
    chosen = [page for page in suitable if _named(channel, page) == named] if named else suitable
    if len(chosen) == 1:
        return connected(request, channel, chosen[0].token, chosen[0])
    if named:
        message = (
            _(
                "No Page that this Facebook account manages is linked to the Instagram account "
                "%(account)s that this channel posts to. Nothing was changed: sign in with an account "
                "that manages the Page linked to it."
            )
            if instagram
            else _(
                "This Facebook account does not manage the Page %(page)s that this channel posts to. "
                "Nothing was changed: sign in with an account that manages it."
            )
        )
        messages.error(request, message % {"account": named, "page": named})
    elif not chosen:
        messages.error(
            request,
            _(
                "None of the Pages that this Facebook account manages has an Instagram professional "
                "account linked. Nothing was changed: link the mission's Instagram account to its "
                "Facebook Page, then connect again."
            )
            if instagram
            else _(
                "This Facebook account manages no Page, or did not let elshi see them. Nothing was "
                "changed: sign in with an account that manages the mission's Page and allow access to it."
            ),
        )
    else:
        _remember_pages(request, channel, chosen)
        return redirect("channel_oauth_page", channel.pk)
    return redirect("channel_detail", channel.pk)


def _remember_pages(request: HttpRequest, channel: Channel, pages: list[meta.Page]) -> None:
    now = time.time()
    kept = {
        key: entry
        for key, entry in request.session.get(PAGES_KEY, {}).items()
        if now - entry.get("at", 0) < MAX_AGE_S
    }
    offered = [
        {"id": p.page_id, "name": p.name, "token": p.token.access_token, "ig": p.instagram_user_id}
        for p in pages
    ]
    kept[str(channel.pk)] = {"at": now, "pages": encrypt_json(offered)}
    request.session[PAGES_KEY] = kept


def _offered_pages(request: HttpRequest, channel: Channel) -> list[meta.Page] | None:
    entry = request.session.get(PAGES_KEY, {}).get(str(channel.pk))
    if not entry or time.time() - entry.get("at", 0) > MAX_AGE_S:
        return None
    return [
        meta.Page(str(p["id"]), str(p["name"]), Token(str(p["token"])), p.get("ig") or None)
        for p in decrypt_json(entry["pages"])
    ]


def _forget_pages(request: HttpRequest, channel: Channel) -> None:
    kept = dict(request.session.get(PAGES_KEY, {}))
    kept.pop(str(channel.pk), None)
    request.session[PAGES_KEY] = kept


class PageChoiceForm(forms.Form):
    page = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, pages: list[meta.Page], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page"].label = _("Facebook Page")
        self.fields["page"].choices = [(page.page_id, page.name) for page in pages]  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def oauth_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose which of the fetched Pages the channel posts to (or, for Instagram, whose account)."""
    channel = get_object_or_404(Channel.objects.select_related("mission"), pk=pk)
    require(request.user, Perm.PUBLISH, channel.mission)
    pages = _offered_pages(request, channel)
    if pages is None:
        messages.error(
            request,
            _("The list of Pages is no longer available (it is kept for 15 minutes). Connect again."),
        )
        return redirect("channel_detail", pk)
    form = PageChoiceForm(request.POST if request.method == "POST" else None, pages=pages)
    if request.method == "POST" and form.is_valid():
        page = next(page for page in pages if page.page_id == form.cleaned_data["page"])
        _forget_pages(request, channel)
        return connected(request, channel, page.token, page)
    return render(
        request,
        "publishing/oauth_pages.html",
        {"channel": channel, "form": form, "pages": pages, "active": "publish"},
        status=400 if request.method == "POST" else 200,
    )
