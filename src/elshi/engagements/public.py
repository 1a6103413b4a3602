"""The public virtual embassy: no login; only published sites, public engagements and published posts."""

from __future__ import annotations

import mimetypes
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from elshi.engagements import actions
from elshi.engagements import site as sitedata
from elshi.engagements.forms import RegistrationForm, default_consent
from elshi.engagements.invites import CANCEL_SALT
from elshi.engagements.models import Engagement, MissionSite, Registration, RegistrationStatus, Visibility
from elshi.missions import ratelimit
from elshi.missions.client_address import client_address

TEMPLATES = {
    "": "engagements/site/home.html",
    "news/": "engagements/site/news.html",
    "engagements/": "engagements/site/engagements.html",
    "numbers/": "engagements/site/numbers.html",
    "stories/": "engagements/site/stories.html",
    "contacts/": "engagements/site/contacts.html",
}
RATE_LIMIT = 10  # registration attempts per address per hour
ENGAGEMENT_RATE_LIMIT = 500  # registrations per engagement per hour, from all addresses together
LIMIT_WINDOW = timedelta(hours=1)


def published_site(slug: str, lang: str | None = None) -> MissionSite:
    site = (
        MissionSite.objects.select_related("mission")
        .filter(mission__slug=slug, mission__is_active=True, is_published=True)
        .first()
    )
    if site is None or (lang is not None and lang not in site.languages):
        raise Http404("site")
    return site


def page_context(site: MissionSite, lang: str, page: str, links: sitedata.Links) -> dict[str, Any]:
    links.current = page
    data = sitedata.context(site, lang, links)
    mission = site.mission
    if page in ("", "news/"):
        data["news"] = sitedata.news(mission, lang, limit=5 if page == "" else 50)
    if page == "numbers/":
        data["claims"] = [(c, c.statement(lang)) for c in sitedata.numbers()]
    if page == "stories/":
        data["stories"] = [(a, links.media(a)) for a in sitedata.stories(mission)]
    return data


def render_page(template: str, data: dict[str, Any], lang: str, request: HttpRequest | None = None) -> str:
    with translation.override(lang):
        return render_to_string(template, data, request=request)


def _links(request: HttpRequest, site: MissionSite, lang: str) -> sitedata.Links:
    return sitedata.Links(site.mission.slug, lang, base_url=request.build_absolute_uri("/").rstrip("/"))


def site_root(request: HttpRequest, slug: str) -> HttpResponse:
    site = published_site(slug)
    preferred = translation.get_language_from_request(request)
    lang = preferred if preferred in site.languages else "en"
    return redirect(f"/m/{slug}/{lang}/")


def site_page(request: HttpRequest, slug: str, lang: str, page: str = "") -> HttpResponse:
    site = published_site(slug, lang)
    links = _links(request, site, lang)
    data = page_context(site, lang, page, links)
    return HttpResponse(render_page(TEMPLATES[page], data, lang, request))


def site_feed(request: HttpRequest, slug: str, lang: str) -> HttpResponse:
    site = published_site(slug, lang)
    return HttpResponse(
        sitedata.feed_xml(site, lang, _links(request, site, lang)),
        content_type="application/atom+xml; charset=utf-8",
    )


def _limited(request: HttpRequest) -> bool:
    """Every POST counts against the visitor's real address (behind the trusted proxies)."""
    return not ratelimit.take(f"register.addr.{client_address(request)}", RATE_LIMIT, LIMIT_WINDOW)


def _engagement_full_of_requests(engagement: Engagement) -> bool:
    """Valid registrations per engagement: many addresses together cannot flood one waiting list."""
    return not ratelimit.take(f"register.engagement.{engagement.pk}", ENGAGEMENT_RATE_LIMIT, LIMIT_WINDOW)


@csrf_protect
@never_cache
def engagement_page(request: HttpRequest, slug: str, lang: str, pk: int) -> HttpResponse:
    site = published_site(slug, lang)
    engagement = get_object_or_404(Engagement, pk=pk, mission=site.mission, visibility=Visibility.PUBLIC)
    links = _links(request, site, lang)
    consent = engagement.consent_text
    with translation.override(lang):
        consent = consent or default_consent()
        form = RegistrationForm(
            request.POST or None, engagement=engagement, languages=site.languages, initial={"language": lang}
        )
        if request.method == "POST":
            if _limited(request):
                form.add_error(None, _("Too many registrations from your address. Try again in an hour."))
            elif form.is_valid() and _engagement_full_of_requests(engagement):
                form.add_error(
                    None, _("This engagement is receiving too many registrations. Try again in an hour.")
                )
            elif form.is_valid():
                try:
                    registration = actions.do_register(
                        engagement,
                        {**form.cleaned_data, "consent_text": consent},
                        base_url=links.base_url,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    return redirect(f"{links.engagement(engagement)}?registered={registration.status}")
    links.current = f"engagements/{engagement.pk}/"
    data = sitedata.context(site, lang, links)
    data |= {
        "e": engagement,
        "title": engagement.title(lang),
        "description": engagement.description(lang),
        "form": form,
        "consent": consent,
        "registered": request.GET.get("registered", ""),
        "open": engagement.ends_at > _now() and engagement.purged_at is None,
    }
    status = 400 if request.method == "POST" else 200
    return HttpResponse(render_page("engagements/site/engagement.html", data, lang, request), status=status)


def _now() -> Any:
    return timezone.now()


@csrf_protect
def cancel(request: HttpRequest, slug: str, lang: str, token: str) -> HttpResponse:
    """The link in the confirmation e-mail: a page that asks, then a POST that cancels."""
    site = published_site(slug, lang)
    try:
        data = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature as exc:
        raise Http404("token") from exc
    registration = (
        Registration.objects.filter(
            pk=data.get("r"), engagement_id=data.get("e"), engagement__mission=site.mission
        )
        .select_related("engagement", "engagement__mission")
        .first()
    )
    links = _links(request, site, lang)
    links.current = ""
    context = sitedata.context(site, lang, links)
    done = registration is None or registration.status == RegistrationStatus.CANCELLED
    if request.method == "POST" and not done and registration is not None:
        actions.do_cancel_registration(registration, base_url=links.base_url)
        done = True
    context |= {
        "registration": registration,
        "done": done,
        "title": registration.engagement.title(lang) if registration else "",
    }
    return HttpResponse(render_page("engagements/site/cancel.html", context, lang, request))


def media(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A story card or video, only once it went out with a published post of this mission."""
    site = published_site(slug)
    asset = sitedata.public_story(site.mission, pk)
    if asset is None:
        raise Http404("asset")
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / asset.file).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404("asset")
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target.open("rb"), content_type=content_type)
