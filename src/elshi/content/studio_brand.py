"""Brand kits: the ministry's (kept at headquarters) and each mission's overrides, edited and audited.

Who edits: the ministry's kit, whoever may clear posts at a headquarters mission (an HQ approver,
a ministry administrator); a mission's kit, whoever may clear that mission's posts (its
approvers and administrators). Clearing decides what goes out under the mission's name, so
the look of it sits with the same people (``Perm.APPROVE``). Editors use the kit; they do not
change it.

A mission stores only what differs from the ministry's kit, so a later change at HQ reaches
every mission that did not override that field. Colour pairs that carry text must pass WCAG 2.1
AA (4.5:1); a kit that fails is not saved and the form keeps what was typed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elshi.content import studio, studio_uploads
from elshi.content.models import Brand
from elshi.content.studio_views import LANGUAGES
from elshi.creative import BrandKit, contrast_ratio, parse_colour
from elshi.creative.fonts import FontFace, _system_files
from elshi.missions.models import Mission, MissionKind
from elshi.missions.permissions import Perm, has_perm, missions_with

MINISTRY = "ministry"
COLOURS = [
    ("accent", gettext_lazy("Accent (bars and rules)")),
    ("accent_text", gettext_lazy("Accent for text (figures)")),
    ("highlight", gettext_lazy("Highlight")),
    ("background", gettext_lazy("Background")),
    ("surface", gettext_lazy("Surface")),
    ("text", gettext_lazy("Text")),
    ("muted_text", gettext_lazy("Secondary text")),
]
# Pairs that carry text on cards: (foreground, background) must reach 4.5:1.
TEXT_PAIRS = [("text", "background"), ("muted_text", "background"), ("accent_text", "background")]
FONT_FILE = re.compile(
    r"^(NotoSans|NotoSerif|NotoSansDisplay|NotoSerifDisplay|DejaVuSans|DejaVuSerif)"
    r"(Condensed)?-(Regular|Bold)\.(ttf|otf)$"
)
KAZAKH_SAMPLE = "AaZz Қазақстан Әә Ұұ Үү Іі Ңң Ғғ Өө Һһ"


@lru_cache(maxsize=1)
def installed_fonts() -> tuple[tuple[str, str], ...]:
    """Installed and bundled fonts that cover Latin and Kazakh Cyrillic, as (path, file name)."""
    out = []
    for name, path in sorted(_system_files().items()):
        bundled = Path(path).parent.name == "fonts" and "creative" in Path(path).parts
        if (FONT_FILE.match(name) or bundled) and FontFace(path, 0).covers(KAZAKH_SAMPLE):
            out.append((path, name.rsplit(".", 1)[0]))
    return tuple(out)


def may_edit(user: Any, scope: str) -> bool:
    if scope == MINISTRY:
        return any(has_perm(user, Perm.APPROVE, m) for m in Mission.objects.filter(kind=MissionKind.HQ))
    mission = Mission.objects.filter(slug=scope, is_active=True).first()
    return mission is not None and has_perm(user, Perm.APPROVE, mission)


class BrandForm(forms.Form):
    name = forms.CharField(max_length=120, label=gettext_lazy("Name on the cards"))
    handle = forms.CharField(
        max_length=80, required=False, label=gettext_lazy("Handle shown instead of the name (optional)")
    )
    default_language = forms.ChoiceField(choices=LANGUAGES, label=gettext_lazy("Default language"))
    safe_margin = forms.IntegerField(
        min_value=2,
        max_value=20,
        label=gettext_lazy("Safe margin (percent of the shorter side)"),
        help_text=gettext_lazy(
            "Text and logo keep this far from the edges (platforms crop and overlay there)."
        ),
    )
    font_regular = forms.ChoiceField(required=False, label=gettext_lazy("Font for text"))
    font_bold = forms.ChoiceField(required=False, label=gettext_lazy("Font for figures and headlines"))
    logo = forms.FileField(
        required=False,
        label=gettext_lazy("Logo (PNG, JPEG or WebP, up to 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(required=False, label=gettext_lazy("Remove the logo"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fonts = [("", _("Automatic (Noto, chosen by script)")), *installed_fonts()]
        self.fields["font_regular"].choices = fonts  # type: ignore[attr-defined]
        self.fields["font_bold"].choices = fonts  # type: ignore[attr-defined]
        for key, label in COLOURS:
            self.fields[key] = forms.RegexField(
                regex=r"^#[0-9a-fA-F]{6}$",
                label=label,
                widget=forms.TextInput(attrs={"type": "color"}),
                error_messages={"invalid": _("Give a colour as #RRGGBB.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        labels = dict(COLOURS)
        for fg, bg in TEXT_PAIRS:
            if data.get(fg) and data.get(bg):
                ratio = contrast_ratio(parse_colour(data[fg]), parse_colour(data[bg]))
                if ratio < 4.5:
                    self.add_error(
                        fg,
                        _("%(fg)s on %(bg)s has a contrast of %(ratio).2f:1; text needs at least 4.5:1.")
                        % {"fg": labels[fg], "bg": labels[bg], "ratio": ratio},
                    )
        return data

    def kit_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {k: data[k].upper() for k, _label in COLOURS}
        out.update(name=data["name"], handle=data["handle"], default_language=data["default_language"])
        out["safe_margin"] = round(data["safe_margin"] / 100, 3)
        out["font_regular"] = data["font_regular"] or None
        out["font_bold"] = data["font_bold"] or None
        return out


def _initial(kit: Any) -> dict[str, Any]:
    data = kit.to_dict()
    data["safe_margin"] = round(kit.safe_margin * 100)
    data["font_regular"] = data["font_regular"] or ""
    data["font_bold"] = data["font_bold"] or ""
    return data


def _ministry_kit() -> Any:
    ministry = Brand.objects.filter(mission__isnull=True).first()
    return (
        BrandKit.from_dict(studio._stored_files(ministry.data)) if ministry and ministry.data else BrandKit()
    )


@login_required
def brand_kits(request: HttpRequest) -> HttpResponse:
    missions = [m for m in missions_with(request.user, Perm.APPROVE).order_by("name")]
    ministry = may_edit(request.user, MINISTRY)
    if not missions and not ministry:
        raise PermissionDenied("brand")
    base = _ministry_kit()  # read once: every mission's kit is the ministry's with its overrides
    stored = {b.mission_id: b for b in Brand.objects.filter(mission__in=missions)}
    kits = []
    for m in missions:
        own = stored.get(m.pk)
        kit = base.merged(studio._stored_files(own.data)) if own and own.data else base
        kits.append((m, kit, own))
    return render(
        request,
        "content/studio/brand_list.html",
        {"kits": kits, "ministry": base if ministry else None, "active": "tell"},
    )


@login_required
def edit_brand(request: HttpRequest, scope: str) -> HttpResponse:
    if scope != MINISTRY and not Mission.objects.filter(slug=scope).exists():
        raise Http404(scope)
    if not may_edit(request.user, scope):
        raise PermissionDenied("brand")
    mission = None if scope == MINISTRY else Mission.objects.get(slug=scope)
    base = _ministry_kit()
    kit = base if mission is None else studio.brand_for(mission)
    stored = Brand.objects.filter(mission=mission).first()
    form = BrandForm(request.POST or None, request.FILES or None, initial=_initial(kit))
    if request.method == "POST" and form.is_valid():
        data = form.kit_data()
        logo = (stored.data.get("logo") if stored else None) or None
        try:
            if form.cleaned_data.get("logo"):
                logo = studio_uploads.save_logo(form.cleaned_data["logo"])
        except studio_uploads.UploadRefused as exc:
            form.add_error("logo", str(exc))
        else:
            if form.cleaned_data.get("remove_logo"):
                logo = None
            data["logo"] = logo
            if mission is not None:  # keep only what differs from the ministry's kit
                reference = base.to_dict()
                data = {k: v for k, v in data.items() if reference.get(k) != v or (k == "logo" and v)}
            else:
                data = {k: v for k, v in data.items() if v is not None}
            try:
                (base if mission is None else _ministry_kit()).merged(studio._stored_files(data))
            except Exception as exc:  # noqa: BLE001 - a kit the renderer refuses is not saved
                form.add_error(None, str(exc))
            else:
                studio.do_save_brand(mission, data, acting_user=request.user)
                messages.success(request, _("The brand kit is saved; new cards and videos use it."))
                return redirect("studio_brand_edit", scope)
    return render(
        request,
        "content/studio/brand_edit.html",
        {
            "form": form,
            "mission": mission,
            "scope": scope,
            "kit": kit,
            "logo": (stored.data.get("logo") if stored else None),
            "overrides": sorted(stored.data) if stored and mission is not None else [],
            "active": "tell",
        },
    )
