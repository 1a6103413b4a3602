"""The storyboard builder (cards and images of the library, in order, each with its seconds and caption,
plus optional music and a spoken voice-over) and the library picker the composer uses.

The storyboard is checked the way the renderer checks it (3 to 90 seconds, transitions that fit)
before anything is queued, so an impossible video is refused on the form, not in the worker.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from elshi.audit.log import record
from elshi.content import studio, studio_uploads
from elshi.content.models import Asset, AssetKind, AssetState
from elshi.content.studio_views import LANGUAGES
from elshi.creative import voice
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, has_perm, missions_with, require

MAX_ROWS = 10
TRANSITIONS = [
    ("fade", gettext_lazy("Fade")),
    ("slideleft", gettext_lazy("Slide left")),
    ("slideup", gettext_lazy("Slide up")),
    ("dissolve", gettext_lazy("Dissolve")),
    ("cut", gettext_lazy("Cut (no transition)")),
]


def library(missions: QuerySet[Mission]) -> QuerySet[Asset]:
    """Stills a video can show: ready cards and images of these missions."""
    return Asset.objects.filter(
        mission__in=missions, kind__in=[AssetKind.CARD, AssetKind.IMAGE], state=AssetState.READY
    ).exclude(file="")


class StoryboardForm(forms.Form):
    mission = forms.ModelChoiceField(queryset=Mission.objects.none(), label=gettext_lazy("Mission"))
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    language = forms.ChoiceField(choices=LANGUAGES, label=gettext_lazy("Caption language"))
    transition = forms.ChoiceField(choices=TRANSITIONS, label=gettext_lazy("Transition between scenes"))
    music = forms.FileField(
        required=False,
        label=gettext_lazy("Music (optional: MP3, M4A, OGG or WAV, up to 20 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
    )
    voiceover = forms.BooleanField(required=False, label=gettext_lazy("Speak the captions (voice-over)"))

    def __init__(self, missions: QuerySet[Mission], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = missions  # type: ignore[attr-defined]
        stills = library(missions).select_related("mission")
        for n in range(1, MAX_ROWS + 1):
            self.fields[f"scene{n}_asset"] = forms.ModelChoiceField(
                queryset=stills, required=False, label=_("Scene %(n)s: card or image") % {"n": n}
            )
            self.fields[f"scene{n}_seconds"] = forms.FloatField(
                min_value=1.5, max_value=30, initial=4, required=False, label=_("Seconds")
            )
            self.fields[f"scene{n}_caption"] = forms.CharField(
                max_length=300, required=False, label=_("Caption")
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"scene{n}_asset"], self[f"scene{n}_seconds"], self[f"scene{n}_caption"])
            for n in range(1, MAX_ROWS + 1)
        ]

    def scenes(self) -> list[tuple[Asset, float, str]]:
        data = self.cleaned_data
        return [
            (
                data[f"scene{n}_asset"],
                float(data.get(f"scene{n}_seconds") or 4),
                data.get(f"scene{n}_caption", ""),
            )
            for n in range(1, MAX_ROWS + 1)
            if data.get(f"scene{n}_asset") is not None
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        scenes = self.scenes()
        if not scenes:
            raise forms.ValidationError(_("Choose at least one card or image for the first scene."))
        if any(a.mission_id != data["mission"].pk for a, _s, _c in scenes):
            raise forms.ValidationError(_("Every scene must come from the chosen mission's library."))
        if data.get("voiceover"):
            if not voice.available():
                self.add_error(
                    "voiceover", _("Voice-over needs espeak-ng, which is not installed on this server.")
                )
        spec = {
            "scenes": [{"asset": a.pk, "caption": c, "duration": d} for a, d, c in scenes],
            "language": data["language"],
            "transition": data["transition"],
        }
        try:
            studio.storyboard_for(spec)
        except Exception as exc:  # noqa: BLE001 - the renderer's rule, said on the form
            raise forms.ValidationError(str(exc)) from exc
        return data


@login_required
def storyboard(request: HttpRequest) -> HttpResponse:
    composers = missions_with(request.user, Perm.COMPOSE)
    if not composers.exists():
        raise PermissionDenied("studio")
    asked = request.POST.get("mission", "")
    if asked.isdigit() and not composers.filter(pk=int(asked)).exists():
        raise PermissionDenied("mission")
    initial = {"mission": getattr(request, "mission", None)}
    form = StoryboardForm(composers, request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        music = None
        try:
            if form.cleaned_data.get("music"):
                music = studio_uploads.save_music(form.cleaned_data["music"])
        except studio_uploads.UploadRefused as exc:
            form.add_error("music", str(exc))
        else:
            asset = studio.do_queue_storyboard(
                form.cleaned_data["mission"],
                form.scenes(),
                form.cleaned_data["language"],
                acting_user=request.user,
                title=form.cleaned_data["title"],
                transition=form.cleaned_data["transition"],
                music=music,
                voiceover=form.cleaned_data["voiceover"],
            )
            messages.success(
                request, _("The video is rendering in the background; this page shows its progress.")
            )
            return redirect("asset_detail", asset.pk)
    return render(
        request,
        "content/studio/storyboard.html",
        {"form": form, "has_stills": library(composers).exists(), "active": "tell"},
    )


@login_required
def picker(request: HttpRequest) -> HttpResponse:
    """htmx (composer): ready assets of the post's mission, alt text shown; attaching needs alt text."""
    composers = missions_with(request.user, Perm.COMPOSE)
    if not composers.exists():
        raise PermissionDenied("compose")
    assets = Asset.objects.filter(mission__in=composers, state=AssetState.READY).exclude(file="")
    mission_id = request.GET.get("mission", "")
    if mission_id.isdigit():
        mission = get_object_or_404(Mission, pk=int(mission_id))
        require(request.user, Perm.COMPOSE, mission)
        assets = assets.filter(mission=mission)
    query = request.GET.get("q", "").strip()
    if query:
        assets = assets.filter(title__icontains=query) | assets.filter(alt_text__icontains=query)
    shown = list(assets.select_related("mission")[:30])
    for asset in shown:  # the composer's media line: "URL | alt text", one line
        asset.line = f"{asset.media_url} | {' '.join(asset.alt_text.split())}"  # type: ignore[attr-defined]
    return render(
        request,
        "content/studio/_picker.html",
        {"assets": shown, "target": request.GET.get("target", "")[:80]},
    )


class AltTextForm(forms.Form):
    alt_text = forms.CharField(
        max_length=1000, label=gettext_lazy("Alt text"), widget=forms.Textarea(attrs={"rows": 3})
    )


@login_required
@require_POST
def edit_alt_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafted alt text, corrected by a person who may compose for the asset's mission; audited."""
    asset = get_object_or_404(Asset.objects.select_related("mission"), pk=pk)
    if not has_perm(request.user, Perm.COMPOSE, asset.mission):
        raise PermissionDenied("asset")
    form = AltTextForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["alt_text"].strip():
        messages.error(request, _("Alt text cannot be empty: describe what the image or video shows."))
        return redirect("asset_detail", pk)
    before, asset.alt_text = asset.alt_text, form.cleaned_data["alt_text"].strip()
    asset.save(update_fields=["alt_text"])
    record(
        request.user,
        "asset.alt_text",
        asset,
        mission_slug=asset.mission.slug,
        changes={"alt_text": [before, asset.alt_text]},
    )
    messages.success(request, _("Alt text saved."))
    return redirect("asset_detail", pk)
