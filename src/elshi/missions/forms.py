from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from elshi.missions.models import TOKEN_DAYS_DEFAULT, Mission, Role, TokenScope


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


# Translated when shown, not at import: the form's choices are built once per process.
_days_label = lazy(lambda days: ngettext("%(days)d day", "%(days)d days", days) % {"days": days}, str)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. 'reporting script'.")
    )
    # Least privilege by default: a script that only reads cannot be turned into one that clears posts.
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=TokenScope.choices,
        initial=[TokenScope.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the token may do; your roles still decide at which missions."),
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(d, _days_label(d)) for d in (7, 30, 90, 180, 365)],
        initial=TOKEN_DAYS_DEFAULT,
    )


class SecurityPolicyForm(forms.Form):
    require_2fa = forms.BooleanField(
        label=_("Require two-factor authentication (TOTP) for administrators, approvers and HQ editors"),
        required=False,
    )


class TotpForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
