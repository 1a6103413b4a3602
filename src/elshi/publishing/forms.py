"""Publish forms: adding a channel, and connecting one (its settings, secrets and token)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from elshi.connectors.catalog import CATALOG
from elshi.connectors.versions import SETTING
from elshi.missions.models import Channel


def clean_api_version(platform: str, value: str) -> str:
    """A channel's pinned API version: empty (the platform's default) or in the platform's format."""
    value = value.strip()
    info = CATALOG.get(platform)
    api = info.api if info else None
    if value and api is None:
        raise forms.ValidationError(gettext_lazy("This platform's API has no versions to choose."))
    if value and api is not None and not api.valid(value):
        raise forms.ValidationError(
            gettext_lazy("Write the version as the platform names it, e.g. %(example)s."),
            params={"example": api.example},
        )
    return value


def with_api_version(settings: dict[str, object], version: str) -> dict[str, object]:
    """Settings with the pin set, or removed when empty (so that a later default applies)."""
    kept = {k: v for k, v in settings.items() if k not in (SETTING, "linkedin_version")}
    return {**kept, SETTING: version} if version else kept


class ChannelForm(forms.ModelForm):
    api_version = forms.CharField(
        label=gettext_lazy("API version"),
        required=False,
        max_length=20,
        help_text=gettext_lazy(
            "LinkedIn (e.g. 202607) and Facebook or Instagram (e.g. v25.0): leave empty for elshi's default."
        ),
    )

    class Meta:
        model = Channel
        fields = ["mission", "platform", "handle", "language", "is_active"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        try:
            data["api_version"] = clean_api_version(
                str(data.get("platform", "")), data.get("api_version", "")
            )
        except forms.ValidationError as exc:
            self.add_error("api_version", exc)
        return data

    def save(self, commit: bool = True) -> Channel:
        channel: Channel = super().save(commit=False)
        channel.settings = with_api_version(dict(channel.settings or {}), self.cleaned_data["api_version"])
        if commit:
            channel.save()
        return channel


class ConnectForm(forms.Form):
    sandbox = forms.BooleanField(
        label=gettext_lazy("Sandbox: record deliveries instead of sending them"), required=False
    )

    def __init__(self, *args: object, channel: Channel, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        info = CATALOG.get(channel.platform)
        self.setting_names = list(info.settings) if info else []
        self.secret_names = [*info.secrets, *info.optional_secrets] if info else []
        self.required_secrets = list(info.secrets) if info else []
        for name in self.setting_names:
            self.fields[f"setting_{name}"] = forms.CharField(
                label=name.replace("_", " "), initial=channel.settings.get(name, ""), required=False
            )
        for name in self.secret_names:
            self.fields[f"secret_{name}"] = forms.CharField(
                label=name.replace("_", " "),
                required=False,
                widget=forms.PasswordInput(render_value=False),
                help_text=gettext_lazy("Stored encrypted. Leave empty to keep the current value."),
            )
        self.fields["access_token"] = forms.CharField(
            label=gettext_lazy("access token"),
            required=False,
            widget=forms.PasswordInput(render_value=False),
            help_text=gettext_lazy(
                "For platforms connected with OAuth: paste a token issued for this account, or leave empty."
            ),
        )
        self.fields["sandbox"].initial = channel.sandbox
        self.platform = channel.platform
        api = info.api if info else None
        if api is not None:
            self.fields["api_version"] = forms.CharField(
                label=gettext_lazy("API version"),
                required=False,
                max_length=20,
                initial=channel.settings.get(SETTING) or channel.settings.get("linkedin_version", ""),
                help_text=gettext_lazy(
                    "Leave empty for elshi's default (%(default)s); pin another when the platform "
                    "retires it before elshi is updated."
                )
                % {"default": api.default},
            )

    def clean_api_version(self) -> str:
        return clean_api_version(self.platform, str(self.cleaned_data.get("api_version", "")))

    def settings_with_version(self, settings: dict[str, object]) -> dict[str, object]:
        """``settings`` with this form's API version pin applied (unchanged where it has none)."""
        if "api_version" not in self.fields:
            return settings
        return with_api_version(settings, self.cleaned_data.get("api_version", ""))
