"""Forms: engagements (times in the mission's zone), public registration, and the virtual embassy site."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elshi.content.models import Campaign, Narrative
from elshi.engagements.links import validate_meeting_link
from elshi.engagements.models import (
    SITE_LANGUAGES,
    Attendance,
    Engagement,
    Kind,
    MissionSite,
)
from elshi.missions.models import Channel, Mission

LOCAL = "%Y-%m-%dT%H:%M"


def languages_of(mission: Mission) -> list[str]:
    return list(dict.fromkeys([*SITE_LANGUAGES, *mission.languages]))


def default_consent() -> str:
    return str(
        _(
            "I agree that the mission keeps my name, e-mail and organisation to organise this engagement, "
            "and deletes them after the retention period."
        )
    )


class EngagementForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts (mission's local time)"),
        input_formats=[LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends (mission's local time)"),
        input_formats=[LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    meeting_link = forms.CharField(
        label=_("Meeting link"),
        required=False,
        max_length=500,
        help_text=_(
            "https link of Zoom, Teams, Jitsi or Webex; stored encrypted, sent only to online guests."
        ),
    )
    plan_posts = forms.BooleanField(
        label=_("Draft the post plan (announcement, reminder, live coverage, recap)"), required=False
    )
    plan_channels = forms.ModelMultipleChoiceField(
        queryset=Channel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Channels for the post plan"),
    )

    class Meta:
        model = Engagement
        fields = [
            "kind",
            "visibility",
            "venue",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
            "partners",
            "narratives",
            "campaign",
            "consent_text",
            "retention_days",
        ]
        widgets = {
            "partners": forms.Textarea(attrs={"rows": 2}),
            "consent_text": forms.Textarea(attrs={"rows": 2}),
            "narratives": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, mission: Mission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.zone = mission.zone
        self.languages = languages_of(mission)
        cast(forms.ModelChoiceField, self.fields["narratives"]).queryset = Narrative.objects.all()
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = Campaign.objects.all()
        cast(forms.ModelChoiceField, self.fields["plan_channels"]).queryset = Channel.objects.filter(
            mission=mission, is_active=True
        )
        instance = self.instance
        for code in self.languages:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(lang)s)") % {"lang": code},
                required=False,
                max_length=200,
                initial=instance.titles.get(code, ""),
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description (%(lang)s)") % {"lang": code},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=instance.descriptions.get(code, ""),
            )
        if instance.pk:
            self.initial["starts_at"] = instance.starts_at.astimezone(self.zone).replace(tzinfo=None)
            self.initial["ends_at"] = instance.ends_at.astimezone(self.zone).replace(tzinfo=None)
            self.initial["meeting_link"] = instance.meeting_link
            del self.fields["plan_posts"]
            del self.fields["plan_channels"]

    def language_fields(self) -> list[tuple[str, Any, Any]]:
        return [(c, self[f"title_{c}"], self[f"description_{c}"]) for c in self.languages]

    def _local(self, name: str) -> dt.datetime | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=self.zone).astimezone(dt.UTC)

    def clean_starts_at(self) -> dt.datetime | None:
        return self._local("starts_at")

    def clean_ends_at(self) -> dt.datetime | None:
        return self._local("ends_at")

    def clean_meeting_link(self) -> str:
        link = str(self.cleaned_data.get("meeting_link", "")).strip()
        if link:
            self.provider = validate_meeting_link(link)
        return link

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        kind = data.get("kind")
        if kind in (Kind.VIRTUAL, Kind.HYBRID) and not data.get("meeting_link"):
            self.add_error("meeting_link", _("A virtual or hybrid engagement needs its meeting link."))
        if kind in (Kind.PHYSICAL, Kind.HYBRID) and not (data.get("venue") or data.get("address")):
            self.add_error("venue", _("Give the venue or address of the in-person part."))
        titles = {c: data.get(f"title_{c}", "").strip() for c in self.languages}
        if not any(titles.values()):
            self.add_error(f"title_{self.languages[0]}", _("Give the title in at least one language."))
        if data.get("plan_posts") and not data.get("plan_channels"):
            self.add_error("plan_channels", _("Choose the channels the post plan is for."))
        return data

    def apply(self) -> Engagement:
        """The instance with the per-language texts and the encrypted link set (not saved)."""
        engagement: Engagement = self.save(commit=False)
        engagement.mission = self.mission
        engagement.titles = {
            c: self.cleaned_data[f"title_{c}"].strip()
            for c in self.languages
            if self.cleaned_data.get(f"title_{c}", "").strip()
        }
        engagement.descriptions = {
            c: self.cleaned_data[f"description_{c}"].strip()
            for c in self.languages
            if self.cleaned_data.get(f"description_{c}", "").strip()
        }
        link = self.cleaned_data.get("meeting_link", "")
        if link != engagement.meeting_link:
            engagement.set_meeting_link(link)
        engagement.meeting_provider = getattr(self, "provider", "") if link else ""
        return engagement


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    attendance = forms.ChoiceField(label=_("I will attend"), widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language of the e-mails"))
    consent = forms.BooleanField(label=_("I agree"), required=True)
    # A field people do not see: bots fill it in, people leave it empty.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, engagement: Engagement, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attendance"]).choices = [
            (m, label) for m, label in Attendance.choices if m in engagement.modes
        ]
        if len(engagement.modes) == 1:
            self.fields["attendance"].initial = engagement.modes[0]
        cast(forms.ChoiceField, self.fields["language"]).choices = [(c, c) for c in languages]

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Leave this field empty."))
        return ""


class SiteForm(forms.ModelForm):
    class Meta:
        model = MissionSite
        fields = ["is_published"]

    def __init__(self, *args: Any, mission: Mission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages_of(mission)
        for code in self.languages:
            for name, label, rows in (
                ("messages", _("Message of the mission (%(lang)s)"), 4),
                ("contacts", _("Contacts (%(lang)s)"), 3),
                ("consular", _("Consular information (%(lang)s)"), 3),
            ):
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=label % {"lang": code},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": rows}),
                    initial=getattr(self.instance, name).get(code, ""),
                )

    def language_fields(self) -> list[tuple[str, Any, Any, Any]]:
        return [
            (c, self[f"messages_{c}"], self[f"contacts_{c}"], self[f"consular_{c}"]) for c in self.languages
        ]

    def apply(self) -> MissionSite:
        site: MissionSite = self.save(commit=False)
        for name in ("messages", "contacts", "consular"):
            setattr(
                site,
                name,
                {
                    c: self.cleaned_data[f"{name}_{c}"].strip()
                    for c in self.languages
                    if self.cleaned_data.get(f"{name}_{c}", "").strip()
                },
            )
        return site
