"""The card editor: choose a template, size, language and words; a small preview re-renders as one types.

The preview renders in the request (tens of milliseconds), downscaled, and stores nothing. Saving
renders the full card and stores it as an asset. Photos are uploaded first (checked with Pillow)
and named by a token that only the uploader's session can use. A carousel re-renders up to ten
saved cards at one size, each slide marked with its place.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from elshi.content import studio, studio_uploads
from elshi.content.models import Asset, AssetKind, AssetState, Claim
from elshi.content.studio_views import LANGUAGES
from elshi.creative import render_carousel
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, missions_with

TEMPLATES = [
    ("number", gettext_lazy("Number card from a claim")),
    ("quote", gettext_lazy("Quote card")),
    ("photo", gettext_lazy("Photo with headline")),
]


def verified_claims() -> QuerySet[Claim]:
    today = timezone.now().date()
    return Claim.objects.filter(verified_at__isnull=False).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


class EditorForm(forms.Form):
    mission = forms.ModelChoiceField(queryset=Mission.objects.none(), label=gettext_lazy("Mission"))
    template = forms.ChoiceField(choices=TEMPLATES, label=gettext_lazy("Template"))
    size = forms.ChoiceField(
        choices=[(s, s.replace("x", " × ")) for s in studio.SIZES], label=gettext_lazy("Size (pixels)")
    )
    language = forms.ChoiceField(choices=LANGUAGES, label=gettext_lazy("Language"))
    claim = forms.ModelChoiceField(queryset=Claim.objects.none(), required=False, label=gettext_lazy("Claim"))
    quote = forms.CharField(
        required=False, max_length=600, label=gettext_lazy("Quote"), widget=forms.Textarea(attrs={"rows": 3})
    )
    attribution = forms.CharField(required=False, max_length=200, label=gettext_lazy("Who said it"))
    headline = forms.CharField(required=False, max_length=300, label=gettext_lazy("Headline"))
    credit = forms.CharField(required=False, max_length=200, label=gettext_lazy("Photo credit"))
    photo = forms.CharField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(required=False, max_length=200, label=gettext_lazy("Title in the library"))
    alt_text = forms.CharField(
        required=False,
        max_length=1000,
        label=gettext_lazy("Alt text"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Leave empty to use the text drafted from the card (shown under the preview)."
        ),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["mission"].queryset = missions_with(request.user, Perm.COMPOSE)  # type: ignore[attr-defined]
        self.fields["claim"].queryset = verified_claims()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template = data.get("template")
        if template == "number" and data.get("claim") is None:
            self.add_error("claim", _("Choose the verified claim the card shows."))
        elif template == "quote" and not (
            data.get("quote", "").strip() and data.get("attribution", "").strip()
        ):
            self.add_error("quote", _("A quote card needs the quote and who said it."))
        elif template == "photo":
            if not data.get("headline", "").strip():
                self.add_error("headline", _("A photo card needs a headline."))
            if not studio_uploads.photo_path(self.request, data.get("photo", "")):
                self.add_error("photo", _("Upload the photo first."))
        return data

    def spec(self) -> tuple[dict[str, Any], str]:
        """The card's stored spec and a title for the library."""
        data = self.cleaned_data
        language = data["language"]
        if data["template"] == "number":
            spec, title = studio.claim_card_spec(data["claim"], language), str(data["claim"])
        elif data["template"] == "quote":
            spec = {"template": "quote", "quote": data["quote"], "attribution": data["attribution"]}
            spec["language"], title = language, data["quote"][:80]
        else:
            spec = {
                "template": "photo",
                "photo": studio_uploads.photo_path(self.request, data["photo"]),
                "headline": data["headline"],
                "credit": data["credit"],
                "language": language,
            }
            title = data["headline"][:80]
        return spec, data.get("title") or title


def _composers(request: HttpRequest) -> QuerySet[Mission]:
    composers = missions_with(request.user, Perm.COMPOSE)
    if not composers.exists():
        raise PermissionDenied("studio")
    asked = request.POST.get("mission") or request.GET.get("mission")
    if asked and str(asked).isdigit() and not composers.filter(pk=int(asked)).exists():
        raise PermissionDenied("mission")
    return composers


def _initial(request: HttpRequest, composers: QuerySet[Mission]) -> dict[str, Any]:
    """Start from something that renders: the current mission, its first language, the newest claim."""
    mission = getattr(request, "mission", None)
    if mission is None or not composers.filter(pk=mission.pk).exists():
        mission = composers.order_by("name").first()
    language = (mission.languages or ["en"])[0] if mission else "en"
    claim = verified_claims().order_by("-period", "-pk").first()
    return {
        "mission": mission,
        "template": "number",
        "size": "1080x1350",
        "language": language,
        "claim": claim,
    }


@login_required
def editor(request: HttpRequest) -> HttpResponse:
    composers = _composers(request)
    form = EditorForm(request, request.POST or None, initial=_initial(request, composers))
    if request.method == "POST" and form.is_valid():
        spec, title = form.spec()
        try:
            asset = studio.do_render_card(
                form.cleaned_data["mission"],
                spec,
                form.cleaned_data["size"],
                acting_user=request.user,
                title=title,
                claim=form.cleaned_data.get("claim"),
                alt_text=form.cleaned_data.get("alt_text", ""),
            )
        except Exception as exc:  # noqa: BLE001 - the renderer's refusal (text too long, font missing) is shown
            form.add_error(None, _("The card could not be made: %(error)s") % {"error": exc})
        else:  # the asset page, showing the saved card, says it was saved
            return redirect("asset_detail", asset.pk)
    return render(
        request,
        "content/studio/editor.html",
        {
            "form": form,
            "carousel": CarouselForm(composers),
            "has_claims": verified_claims().exists(),
            "active": "tell",
        },
    )


def preview_of(request: HttpRequest, data: Any) -> tuple[bytes | None, str, EditorForm]:
    form = EditorForm(request, data)
    if not form.is_valid():
        return None, "", form
    spec, _title = form.spec()
    try:
        png, alt = studio.render_preview(form.cleaned_data["mission"], spec, form.cleaned_data["size"])
    except Exception as exc:  # noqa: BLE001 - text that does not fit, a missing font: said in the preview
        form.add_error(None, _("The card cannot be drawn: %(error)s") % {"error": exc})
        return None, "", form
    return png, alt, form


@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """POST (htmx): the preview fragment with the image inline. GET: the preview PNG itself."""
    _composers(request)
    if request.method == "POST":
        png, alt, form = preview_of(request, request.POST)
        image = f"data:image/png;base64,{base64.b64encode(png).decode()}" if png else ""
        return render(request, "content/studio/_preview.html", {"image": image, "alt": alt, "form": form})
    png, _alt, form = preview_of(request, request.GET)
    if png is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def upload_photo(request: HttpRequest) -> HttpResponse:
    _composers(request)
    upload = request.FILES.get("upload")
    context: dict[str, Any] = {}
    if upload is None:
        context["error"] = _("Choose a photo file to upload.")
    else:
        try:
            context["token"], context["size"] = studio_uploads.save_photo(request, upload)
        except studio_uploads.UploadRefused as exc:
            context["error"] = str(exc)
    response = render(request, "content/studio/_photo.html", context)
    if "token" in context:
        response["HX-Trigger-After-Swap"] = "photo-uploaded"
    return response


class CarouselForm(forms.Form):
    size = forms.ChoiceField(
        choices=[(s, s.replace("x", " × ")) for s in studio.SIZES], label=gettext_lazy("Size")
    )
    title = forms.CharField(max_length=180, label=gettext_lazy("Carousel title"))

    def __init__(self, composers: QuerySet[Mission], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cards = Asset.objects.filter(mission__in=composers, kind=AssetKind.CARD, state=AssetState.READY)
        self.has_cards = cards.exists()
        for n in range(1, 11):
            self.fields[f"slide{n}"] = forms.ModelChoiceField(
                queryset=cards, required=n <= 2, label=_("Slide %(n)s") % {"n": n}
            )

    def slides(self) -> list[Asset]:
        return [s for n in range(1, 11) if (s := self.cleaned_data.get(f"slide{n}")) is not None]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and len({s.mission_id for s in self.slides()}) > 1:
            raise forms.ValidationError(_("All slides of a carousel must belong to one mission."))
        return data


@login_required
@require_POST
def carousel(request: HttpRequest) -> HttpResponse:
    composers = _composers(request)
    form = CarouselForm(composers, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("studio_editor")
    slides = form.slides()
    mission, size = slides[0].mission, form.cleaned_data["size"]
    group = uuid.uuid4().hex[:12]
    try:
        rendered = render_carousel(
            [studio.card_from_spec(s.spec["card"]) for s in slides], size, studio.brand_for(mission)
        )
    except Exception as exc:  # noqa: BLE001 - shown, nothing stored
        messages.error(request, _("The carousel could not be made: %(error)s") % {"error": exc})
        return redirect("studio_editor")
    first = None
    for n, (slide, card) in enumerate(zip(slides, rendered, strict=True), 1):
        asset = studio.store_rendered_card(
            mission,
            card,
            {"card": slide.spec["card"], "size": size, "carousel": {"id": group, "n": n, "of": len(slides)}},
            acting_user=request.user,
            title=f"{form.cleaned_data['title']} ({n}/{len(slides)})",
            claim=slide.claim,
        )
        first = first or asset
    messages.success(request, _("The carousel of %(n)s slides is saved in the library.") % {"n": len(slides)})
    assert first is not None  # noqa: S101 - the form requires two slides
    return redirect("asset_detail", first.pk)
