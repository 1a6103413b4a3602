from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from elshi.missions.models import Mission, Role


class MissionForm(forms.ModelForm):
    languages_text = forms.CharField(
        label=_("Working languages"),
        help_text=_("ISO 639 codes separated by commas, e.g. de, en"),
        max_length=100,
    )

    class Meta:
        model = Mission
        fields = ["slug", "name", "kind", "host_country", "city", "timezone", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["languages_text"].initial = ", ".join(self.instance.languages)
            self.fields["slug"].disabled = True

    def clean_languages_text(self) -> list[str]:
        codes = [c.strip().lower() for c in self.cleaned_data["languages_text"].split(",") if c.strip()]
        bad = [c for c in codes if not (2 <= len(c) <= 3 and c.isalpha())]
        if bad or not codes:
            raise forms.ValidationError(_("Use ISO 639 codes such as de, en, kk."))
        return codes

    def save(self, commit: bool = True) -> Mission:
        self.instance.languages = self.cleaned_data["languages_text"]
        return super().save(commit=commit)


class RoleForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("— remove role —")), *Role.choices], required=False
    )

    def clean_username(self) -> Any:
        name = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(
                _("No user named %(name)s. Create the account first."), params={"name": name}
            )
        return user


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. 'reporting script'.")
    )


class SecurityPolicyForm(forms.Form):
    require_2fa = forms.BooleanField(
        label=_("Require two-factor authentication (TOTP) for administrators and approvers"), required=False
    )


class TotpForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
