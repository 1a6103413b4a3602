"""The composer's TikTok choices: the fields TikTok's Direct Post rules require, offered from the live
settings of the post's TikTok channels (``creators``, :mod:`elshi.content.tiktok_choices`) and checked
when the variant is saved, so that the sender never meets a choice TikTok would refuse."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from elshi.content.tiktok_choices import Creator, choice_findings, combined

__all__ = ["PRIVACY_LABELS", "TIKTOK_FIELDS", "TikTokChoicesForm", "tiktok_initial"]

# TikTok's own words for its privacy levels, as its app shows them.
PRIVACY_LABELS = {
    "PUBLIC_TO_EVERYONE": _("Everyone"),
    "MUTUAL_FOLLOW_FRIENDS": _("Friends"),
    "FOLLOWER_OF_CREATOR": _("Followers"),
    "SELF_ONLY": _("Only you"),
}
# form field -> the variant option the connector reads; the switches say "allow", TikTok "disable".
TIKTOK_ALLOW = {
    "tiktok_allow_comment": "disable_comment",
    "tiktok_allow_duet": "disable_duet",
    "tiktok_allow_stitch": "disable_stitch",
}
TIKTOK_FIELDS = (
    "tiktok_privacy",
    *TIKTOK_ALLOW,
    "tiktok_disclose",
    "tiktok_brand_organic",
    "tiktok_brand_content",
)


class TikTokChoicesForm(forms.Form):
    """The TikTok part of a variant's form; :class:`~elshi.content.forms.VariantForm` builds on it."""

    # No initial value and no default: TikTok requires that the person choose (a CharField, so that a
    # level not offered gets the explanation below rather than "select a valid choice").
    tiktok_privacy = forms.CharField(
        label=_("Who can see this post"), required=False, widget=forms.RadioSelect
    )
    tiktok_allow_comment = forms.BooleanField(label=_("Comment"), required=False)
    tiktok_allow_duet = forms.BooleanField(label=_("Duet"), required=False)
    tiktok_allow_stitch = forms.BooleanField(label=_("Stitch"), required=False)
    tiktok_disclose = forms.BooleanField(
        label=_("Disclose post content"),
        required=False,
        help_text=_(
            "Turn on to disclose that this post promotes goods or services in exchange for something "
            "of value. It could promote yourself, a third party, or both."
        ),
    )
    tiktok_brand_organic = forms.BooleanField(
        label=_("Your brand"),
        required=False,
        help_text=_(
            "You are promoting yourself or your own business. "
            "This post will be labelled “Promotional content”."
        ),
    )
    tiktok_brand_content = forms.BooleanField(
        label=_("Branded content"),
        required=False,
        help_text=_(
            "You are promoting another brand or a third party. This post will be labelled “Paid partnership”."
        ),
    )

    def __init__(self, *args: Any, creators: list[Creator] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creators = creators or []
        self.creator = combined(self.creators)
        offered = self.creator.privacy_level_options if self.creator else ()
        widget = cast(forms.RadioSelect, self.fields["tiktok_privacy"].widget)
        widget.choices = [(level, PRIVACY_LABELS.get(level, level)) for level in offered]
        for field, option in TIKTOK_ALLOW.items():
            if self.creator is not None and self.creator.disabled(option):
                # Greyed and off: the creator turned it off in TikTok, elshi cannot turn it on.
                self.fields[field].disabled = True
                self.fields[field].initial = False
                self.fields[field].help_text = _("Turned off in this creator's TikTok settings.")

    @property
    def tiktok_fields(self) -> dict[str, forms.BoundField]:
        return {name: self[name] for name in TIKTOK_FIELDS}

    @property
    def creator_errors(self) -> list[str]:
        return [c.error for c in self.creators if c.error]

    def tiktok_options(self, data: dict[str, Any]) -> dict[str, Any]:
        """The ``Variant.options`` the fields say, with an error beside each choice TikTok would refuse."""
        options: dict[str, Any] = {name: not data.get(field) for field, name in TIKTOK_ALLOW.items()}
        if data.get("tiktok_privacy"):
            options["privacy_level"] = data["tiktok_privacy"]
        disclose = bool(data.get("tiktok_disclose"))
        options["brand_organic_toggle"] = disclose and bool(data.get("tiktok_brand_organic"))
        options["brand_content_toggle"] = disclose and bool(data.get("tiktok_brand_content"))
        if disclose and not (options["brand_organic_toggle"] or options["brand_content_toggle"]):
            self.add_error(
                "tiktok_disclose", _("Say whether the post promotes your brand, branded content, or both.")
            )
        fields = {"privacy": "tiktok_privacy", "media": "attachments"}
        for about, problem in choice_findings(options, data.get("attachments") or [], self.creators):
            self.add_error(fields.get(about), problem)
        return options


def tiktok_initial(options: dict[str, Any]) -> dict[str, Any]:
    """A saved variant's TikTok choices as the form's fields; nothing chosen stays unchosen."""
    if not options:
        return {}
    organic, branded = bool(options.get("brand_organic_toggle")), bool(options.get("brand_content_toggle"))
    return {
        "tiktok_privacy": options.get("privacy_level", ""),
        **{field: not options.get(name, False) for field, name in TIKTOK_ALLOW.items()},
        "tiktok_disclose": organic or branded,
        "tiktok_brand_organic": organic,
        "tiktok_brand_content": branded,
    }
