"""Tell → Studio pages: assets of the missions one may see; cards made at once, videos in the worker."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elshi.content import studio
from elshi.content.models import Asset, AssetKind, AssetState, Claim
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, has_perm, missions_with, require

LANGUAGES = [
    ("kk", "Қазақша"),
    ("ru", "Русский"),
    ("en", "English"),
    ("de", "Deutsch"),
    ("zh", "中文"),
    ("ar", "العربية"),
    ("tr", "Türkçe"),
]


class CardForm(forms.Form):
    mission = forms.ModelChoiceField(queryset=Mission.objects.none(), label=gettext_lazy("Mission"))
    template = forms.ChoiceField(
        label=gettext_lazy("Card"),
        choices=[("number", gettext_lazy("Number card from a claim")), ("quote", gettext_lazy("Quote card"))],
    )
    claim = forms.ModelChoiceField(queryset=Claim.objects.all(), required=False, label=gettext_lazy("Claim"))
    quote = forms.CharField(
        required=False, label=gettext_lazy("Quote"), widget=forms.Textarea(attrs={"rows": 3})
    )
    attribution = forms.CharField(required=False, label=gettext_lazy("Attribution"))
    language = forms.ChoiceField(choices=LANGUAGES, label=gettext_lazy("Language"))
    size = forms.ChoiceField(choices=[(s, s) for s in studio.SIZES], label=gettext_lazy("Size"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("template") == "number":
            claim = data.get("claim")
            if claim is None:
                self.add_error("claim", _("Choose the claim the card shows."))
            elif claim.status != "verified":
                self.add_error("claim", _("Only a verified, unexpired claim can be made into a card."))
        elif not data.get("quote") or not data.get("attribution"):
            self.add_error("quote", _("A quote card needs the quote and who said it."))
        return data


class VideoForm(forms.Form):
    mission = forms.ModelChoiceField(queryset=Mission.objects.none(), label=gettext_lazy("Mission"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    cards = forms.ModelMultipleChoiceField(
        queryset=Asset.objects.none(),
        label=gettext_lazy("Cards, in order"),
        widget=forms.CheckboxSelectMultiple,
    )
    captions = forms.CharField(
        label=gettext_lazy("Captions, one line per card"), widget=forms.Textarea(attrs={"rows": 4})
    )
    seconds = forms.FloatField(label=gettext_lazy("Seconds per card"), min_value=1.5, max_value=15, initial=4)
    language = forms.ChoiceField(choices=LANGUAGES, label=gettext_lazy("Caption language"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        cards, captions = list(data.get("cards") or []), str(data.get("captions") or "").splitlines()
        if cards and len([c for c in captions if c.strip()]) != len(cards):
            self.add_error("captions", _("Write exactly one caption line per chosen card."))
        return data


@login_required
def studio_home(request: HttpRequest) -> HttpResponse:
    return _home(request)


def _home(request: HttpRequest, refused: forms.Form | None = None) -> HttpResponse:
    """The studio page; ``refused`` is a form posted from it that failed, shown again as typed (400)."""
    visible = missions_with(request.user, Perm.VIEW)
    assets = Asset.objects.filter(mission__in=visible).select_related("mission")
    kind = request.GET.get("kind", "")
    if kind in AssetKind.values:
        assets = assets.filter(kind=kind)
    query = request.GET.get("q", "").strip()
    if query:
        assets = assets.filter(title__icontains=query) | assets.filter(alt_text__icontains=query)
    composers = missions_with(request.user, Perm.COMPOSE)
    card_form = video_form = image_form = None
    if composers.exists():
        card_form = CardForm(initial={"mission": getattr(request, "mission", None)})
        card_form.fields["mission"].queryset = composers  # type: ignore[attr-defined]
        video_form = VideoForm()
        video_form.fields["mission"].queryset = composers  # type: ignore[attr-defined]
        video_form.fields["cards"].queryset = Asset.objects.filter(  # type: ignore[attr-defined]
            mission__in=composers, kind=AssetKind.CARD, state=AssetState.READY
        )
        if settings.ELSHI_IMAGE_BACKEND != "none":
            image_form = ImageForm()
            image_form.fields["mission"].queryset = composers  # type: ignore[attr-defined]
        if isinstance(refused, CardForm):
            card_form = refused
        elif isinstance(refused, VideoForm):
            video_form = refused
        elif isinstance(refused, ImageForm):
            image_form = refused
    return render(
        request,
        "content/studio.html",
        {
            "assets": assets[:60],
            "kind": kind,
            "kinds": AssetKind.choices,
            "q": query,
            "image_form": image_form,
            "card_form": card_form,
            "video_form": video_form,
            "can_brand": missions_with(request.user, Perm.APPROVE).exists(),
            "active": "tell",
        },
        status=400 if refused is not None else 200,
    )


@login_required
def new_card(request: HttpRequest) -> HttpResponse:
    composers = missions_with(request.user, Perm.COMPOSE)
    if request.method != "POST" or not composers.exists():
        raise PermissionDenied("studio")
    form = CardForm(request.POST)
    form.fields["mission"].queryset = composers  # type: ignore[attr-defined]
    if not form.is_valid():
        return _home(request, refused=form)
    data = form.cleaned_data
    if data["template"] == "number":
        spec, title = studio.claim_card_spec(data["claim"], data["language"]), str(data["claim"])
    else:
        spec = {
            "template": "quote",
            "quote": data["quote"],
            "attribution": data["attribution"],
            "language": data["language"],
        }
        title = data["quote"][:80]
    try:
        asset = studio.do_render_card(
            data["mission"],
            spec,
            data["size"],
            acting_user=request.user,
            title=title,
            claim=data.get("claim"),
        )
    except Exception as exc:  # noqa: BLE001 - the renderer's error (text too long, font missing) is the user's to fix
        messages.error(request, _("The card could not be made: %(error)s") % {"error": exc})
        return redirect("studio")
    return redirect("asset_detail", asset.pk)


@login_required
def new_video(request: HttpRequest) -> HttpResponse:
    composers = missions_with(request.user, Perm.COMPOSE)
    if request.method != "POST" or not composers.exists():
        raise PermissionDenied("studio")
    form = VideoForm(request.POST)
    form.fields["mission"].queryset = composers  # type: ignore[attr-defined]
    form.fields["cards"].queryset = Asset.objects.filter(  # type: ignore[attr-defined]
        mission__in=composers,
        kind=AssetKind.CARD,
        state=AssetState.READY,
    )
    if not form.is_valid():
        return _home(request, refused=form)
    data = form.cleaned_data
    captions = [c.strip() for c in data["captions"].splitlines() if c.strip()]
    asset = studio.do_queue_video(
        data["mission"],
        list(data["cards"]),
        captions,
        data["seconds"],
        data["language"],
        acting_user=request.user,
        title=data["title"],
    )
    messages.success(request, _("The video is rendering in the background; this page shows its progress."))
    return redirect("asset_detail", asset.pk)


@login_required
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset.objects.select_related("mission", "created_by"), pk=pk)
    require(request.user, Perm.VIEW, asset.mission)
    template = "content/_asset_progress.html" if request.htmx else "content/asset.html"  # type: ignore[attr-defined]
    can_waive = (
        asset.ai_generated
        and asset.kind == AssetKind.IMAGE
        and not asset.spec.get("label_waiver")
        and asset.created_by_id != request.user.pk
        and has_perm(request.user, Perm.APPROVE, asset.mission)
    )
    return render(
        request,
        template,
        {
            "asset": asset,
            "can_waive": can_waive,
            "can_compose": has_perm(request.user, Perm.COMPOSE, asset.mission),
            "active": "tell",
        },
    )


@login_required
def media(request: HttpRequest, path: str) -> FileResponse:
    """Stored media, for people who may see the asset's mission (assets are internal until published)."""
    relative = path.lstrip("/")
    stem = relative.rsplit(".", 1)[0]
    asset = (
        Asset.objects.filter(file=relative).first()
        or Asset.objects.filter(file__startswith=stem + ".").first()
    )
    if asset is None:
        raise Http404(path)
    require(request.user, Perm.VIEW, asset.mission)
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404(path)
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target.open("rb"), content_type=content_type)


class ImageForm(forms.Form):
    mission = forms.ModelChoiceField(queryset=Mission.objects.none(), label=gettext_lazy("Mission"))
    prompt = forms.CharField(
        label=gettext_lazy("What to draw"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    language = forms.ChoiceField(choices=LANGUAGES, label=gettext_lazy("Language of the label"))
    alt_text = forms.CharField(
        label=gettext_lazy("Alt text"),
        max_length=1000,
        help_text=gettext_lazy("Describe the image for people who cannot see it."),
    )


@login_required
def new_image(request: HttpRequest) -> HttpResponse:
    composers = missions_with(request.user, Perm.COMPOSE)
    if request.method != "POST" or not composers.exists() or settings.ELSHI_IMAGE_BACKEND == "none":
        raise PermissionDenied("studio")
    form = ImageForm(request.POST)
    form.fields["mission"].queryset = composers  # type: ignore[attr-defined]
    if not form.is_valid():
        return _home(request, refused=form)
    data = form.cleaned_data
    try:
        asset = studio.do_generate_image(
            data["mission"], data["prompt"], data["language"], data["alt_text"], acting_user=request.user
        )
    except Exception as exc:  # noqa: BLE001 - the endpoint's refusal or failure is shown, nothing is saved
        messages.error(request, _("No image was made: %(error)s") % {"error": exc})
        return redirect("studio")
    return redirect("asset_detail", asset.pk)


@login_required
def waive_label(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset.objects.select_related("mission"), pk=pk)
    require(request.user, Perm.APPROVE, asset.mission)
    if request.method != "POST" or not asset.ai_generated or asset.kind != AssetKind.IMAGE:
        raise PermissionDenied("label")
    if asset.created_by_id == request.user.pk:
        messages.error(
            request, _("Four eyes: someone else must decide to remove the label of an image you made.")
        )
        return redirect("asset_detail", pk)
    reason = request.POST.get("reason", "").strip()
    if len(reason) < 10:
        messages.error(request, _("Write the reason for removing the label (at least 10 characters)."))
        return redirect("asset_detail", pk)
    studio.do_waive_label(asset, reason, acting_user=request.user)
    messages.success(
        request, _("The visible label was removed; the file's metadata still says it is AI-made.")
    )
    return redirect("asset_detail", pk)
