"""Publish forms: adding a channel, and connecting one (its settings, secrets and token)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from elshi.connectors.catalog import CATALOG
from elshi.missions.models import Channel


class ChannelForm(forms.ModelForm):
    class Meta:
        model = Channel
        fields = ["mission", "platform", "handle", "language", "is_active"]


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
