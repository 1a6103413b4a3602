from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from elshi.content.models import Campaign, Claim, Narrative, Post
from elshi.content.tiktok_form import TIKTOK_FIELDS, TikTokChoicesForm, tiktok_initial
from elshi.missions.models import Mission, Platform

LANG_CHOICES = [
    ("kk", "Қазақша"),
    ("ru", "Русский"),
    ("en", "English"),
    ("de", "Deutsch"),
    ("zh", "中文"),
    ("tr", "Türkçe"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("es", "Español"),
]


class JSONTextField(forms.CharField):
    """A JSON object or list edited as text, with a clear error when it does not parse."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value or {}, ensure_ascii=False, indent=1)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        try:
            return json.loads(text or "{}")
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(error)s"), params={"error": exc.msg}) from exc


class NarrativeForm(forms.ModelForm):
    titles = JSONTextField(label=_("Title per language"))
    summaries = JSONTextField(label=_("Summary per language"), required=False)
    key_messages = JSONTextField(label=_("Key messages per language"), required=False)

    class Meta:
        model = Narrative
        fields = ["key", "titles", "summaries", "key_messages", "is_risk"]


class ClaimForm(forms.ModelForm):
    statements = JSONTextField(label=_("Statement per language"))

    class Meta:
        model = Claim
        fields = [
            "subject",
            "statements",
            "value",
            "unit",
            "period",
            "source_title",
            "source_url",
            "source_date",
            "valid_until",
            "narratives",
        ]
        widgets = {
            "source_date": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "narratives": forms.CheckboxSelectMultiple,
        }


class CampaignForm(forms.ModelForm):
    kpis = JSONTextField(
        label=_("KPIs"), required=False, help_text=_('e.g. [{"metric": "reach", "target": 100000}]')
    )
    languages_text = forms.CharField(
        label=_("Languages"), required=False, help_text=_("Codes separated by commas")
    )

    class Meta:
        model = Campaign
        fields = ["name", "goal", "narratives", "starts_on", "ends_on", "missions", "audiences", "kpis"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "narratives": forms.CheckboxSelectMultiple,
            "missions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages_text"].initial = ", ".join(self.instance.languages or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The campaign must end after it starts."))
        if not isinstance(data.get("kpis", []), list):
            self.add_error("kpis", _("KPIs are a list of {metric, target} objects."))
        return data

    def save(self, commit: bool = True) -> Campaign:
        self.instance.languages = [
            c.strip() for c in self.cleaned_data.get("languages_text", "").split(",") if c.strip()
        ]
        return super().save(commit)


class PostForm(forms.ModelForm):
    """The post's frame; ``publish_at`` is entered in the mission's own time zone."""

    publish_at = forms.DateTimeField(
        label=_("Publish at (mission's local time)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = Post
        fields = ["mission", "title", "campaign", "narratives", "claims", "channels"]
        widgets = {
            "narratives": forms.CheckboxSelectMultiple,
            "channels": forms.CheckboxSelectMultiple,
            "claims": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, missions: Any, channels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["mission"]).queryset = missions
        cast(forms.ModelChoiceField, self.fields["channels"]).queryset = channels
        cast(forms.ModelChoiceField, self.fields["claims"]).queryset = Claim.objects.all()
        # Only campaigns of the missions one writes for: a campaign's name is not for other missions.
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = Campaign.objects.filter(
            missions__in=missions
        ).distinct()
        if self.instance.pk and self.instance.scheduled_at:
            local = self.instance.scheduled_at.astimezone(self.instance.mission.zone)
            self.initial["publish_at"] = local.replace(tzinfo=None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mission: Mission | None = data.get("mission")
        naive: dt.datetime | None = data.get("publish_at")
        data["scheduled_at"] = None
        if mission is not None and naive is not None:
            local = naive.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(mission.timezone))
            data["scheduled_at"] = local.astimezone(dt.UTC)
        for channel in data.get("channels") or []:
            if mission is not None and channel.mission_id != mission.pk:
                self.add_error(
                    "channels", _("%(channel)s belongs to another mission.") % {"channel": channel}
                )
        return data


class VariantForm(TikTokChoicesForm):
    """One variant; a TikTok variant also carries the choices TikTok leaves to the person
    (:class:`~elshi.content.tiktok_form.TikTokChoicesForm`)."""

    platform = forms.ChoiceField(label=_("Platform"), choices=[("", "—"), *Platform.choices], required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANG_CHOICES)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    attachments = forms.CharField(
        label=_("Media"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: URL | alt text"),
    )

    @property
    def general_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in TIKTOK_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["options"] = self.tiktok_options(data) if data.get("platform") == Platform.TIKTOK else {}
        return data

    def clean_attachments(self) -> list[dict[str, str]]:
        items = []
        for line in self.cleaned_data["attachments"].splitlines():
            if not line.strip():
                continue
            url, _sep, alt = line.partition("|")
            items.append({"url": url.strip(), "name": url.strip().rsplit("/", 1)[-1], "alt": alt.strip()})
        return items


VariantFormSet = forms.formset_factory(VariantForm, extra=1, max_num=30)


def variant_initial(post: Post) -> list[dict[str, Any]]:
    return (
        [
            {
                "platform": v.platform,
                "language": v.language,
                "text": v.text,
                "link": v.link,
                "attachments": "\n".join(f"{m.get('url', '')} | {m.get('alt', '')}" for m in v.media),
                **tiktok_initial(v.options or {}),
            }
            for v in post.variants.all()
        ]
        if post.pk
        else []
    )
