from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from elshi.clearance.models import Policy, StepMode
from elshi.missions.models import Channel, Role


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["mission", "channel", "name", "hq_exceptions", "reschedule_window_minutes"]

    def __init__(self, *args: Any, missions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["mission"]).queryset = missions
        cast(forms.ModelChoiceField, self.fields["channel"]).queryset = Channel.objects.filter(
            mission__in=missions
        )
        # Left empty, the window is 0: every move of a cleared post is cleared again.
        self.fields["reschedule_window_minutes"].required = False

    def clean_reschedule_window_minutes(self) -> int:
        return self.cleaned_data.get("reschedule_window_minutes") or 0

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel, mission = data.get("channel"), data.get("mission")
        if channel is not None and mission is not None and channel.mission_id != mission.pk:
            self.add_error("channel", _("The channel belongs to another mission."))
        return data


class StepForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices], required=False)
    at_hq = forms.BooleanField(label=_("held at HQ"), required=False)
    people = forms.CharField(
        label=_("or named people"), required=False, help_text=_("usernames, comma-separated")
    )
    mode = forms.ChoiceField(label=_("who must approve"), choices=StepMode.choices)

    def clean_people(self) -> list[Any]:
        names = [n.strip() for n in self.cleaned_data["people"].split(",") if n.strip()]
        users = list(get_user_model().objects.filter(username__in=names))
        unknown = sorted(set(names) - {u.username for u in users})
        if unknown:
            raise forms.ValidationError(_("Unknown users: %(names)s"), params={"names": ", ".join(unknown)})
        return users

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_changed() and not data.get("role") and not data.get("people"):
            raise forms.ValidationError(_("Each step needs a role or named people."))
        return data


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=10)


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[
            ("approve", _("Approve")),
            ("request_changes", _("Request changes")),
            ("reject", _("Reject")),
        ]
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
