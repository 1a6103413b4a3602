"""One form per source kind: the fields that kind needs, checked with errors that say what to fix."""

from __future__ import annotations

import re
import uuid
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from elshi.monitoring.kinds import GDELT_STREAMS, UPLOAD_FORMATS, detect_format, upload_dir
from elshi.monitoring.models import Source, SourceKind
from elshi.sources.gdelt_updates import DEFAULT_BASE

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
_CODE = re.compile(r"^[A-Z]{2}$")


class SourceForm(forms.ModelForm):
    """Name, schedule and pause: what every kind has; subclasses add the kind's own fields."""

    kind: ClassVar[str] = SourceKind.FEED
    option_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        model = Source
        fields = ["name", "url", "every_minutes", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "url" in self.fields:
            self.fields["url"].required = True
        if "every_minutes" in self.fields:
            self.fields["every_minutes"].help_text = _("Between 1 minute and 7 days (10080 minutes).")
        if self.instance.pk:
            for name in self.option_fields:
                if name in self.instance.options:
                    self.initial[name] = self.options_to_initial(name, self.instance.options[name])

    def options_to_initial(self, name: str, value: Any) -> Any:
        return value

    def options(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.option_fields}

    def save(self, commit: bool = True) -> Source:
        source: Source = super().save(commit=False)
        source.kind = self.kind
        source.options = {**source.options, **self.options()}
        if commit:
            source.save()
        return source


class FeedForm(SourceForm):
    kind = SourceKind.FEED


class SitemapForm(SourceForm):
    kind = SourceKind.SITEMAP
    option_fields = ("max_articles",)
    max_articles = forms.IntegerField(
        label=_("Articles fetched per poll, at most"),
        min_value=1,
        max_value=100,
        initial=20,
        help_text=_("New article URLs beyond this wait for the next poll."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].label = _("News sitemap URL")
        self.fields["url"].help_text = _(
            "A sitemap or sitemap index, e.g. https://example.kz/sitemap-news.xml"
        )


def _clean_countries(value: str) -> list[str]:
    codes = [c.strip().upper() for c in re.split(r"[,\s]+", value or "") if c.strip()]
    wrong = [c for c in codes if not _CODE.match(c)]
    if wrong:
        raise forms.ValidationError(
            _("Use two-letter ISO country codes separated by commas (KZ, UZ); not: %(codes)s"),
            params={"codes": ", ".join(wrong)},
        )
    return codes


class GdeltForm(SourceForm):
    kind = SourceKind.GDELT
    option_fields = ("streams", "countries")
    streams = forms.MultipleChoiceField(
        label=_("Files to import"),
        choices=[
            ("gkg", _("GKG: articles with their tone, themes and locations")),
            ("export", _("Events: who cooperates or clashes with whom")),
        ],
        widget=forms.CheckboxSelectMultiple,
        initial=["gkg", "export"],
        error_messages={"required": _("Choose at least one of GKG and Events.")},
    )
    countries = forms.CharField(
        label=_("Countries kept"),
        required=False,
        help_text=_("ISO codes, e.g. KZ, UZ, KG; empty keeps the profile's country and its peers."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].label = _("GDELT base URL")
        self.fields["url"].help_text = _("Where lastupdate.txt is read; GDELT's own by default.")
        self.fields["url"].initial = DEFAULT_BASE
        self.fields["every_minutes"].initial = 15

    def options_to_initial(self, name: str, value: Any) -> Any:
        return ", ".join(value) if name == "countries" else value

    def clean_countries(self) -> list[str]:
        return _clean_countries(self.cleaned_data.get("countries", ""))

    def clean_every_minutes(self) -> int:
        value: int = self.cleaned_data["every_minutes"]
        if value < 15:
            raise forms.ValidationError(_("GDELT publishes every 15 minutes: poll every 15 minutes or more."))
        return value

    def clean_streams(self) -> list[str]:
        return [s for s in GDELT_STREAMS if s in self.cleaned_data["streams"]]


class UploadForm(SourceForm):
    """A file imported once through the same path as the pollers (the schedule does not apply)."""

    kind = SourceKind.UPLOAD
    option_fields = ("format", "countries")
    file = forms.FileField(
        label=_("File"), help_text=_("CSV, JSONL, XLSX, a saved social export or a GDELT file.")
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("recognise from the file name")), *[(f, f) for f in UPLOAD_FORMATS]],
        required=False,
    )
    countries = forms.CharField(
        label=_("Countries kept (GDELT files)"),
        required=False,
        help_text=_("ISO codes, e.g. KZ, UZ; empty keeps the profile's country and its peers."),
    )

    class Meta(SourceForm.Meta):
        fields = ["name"]

    def clean_countries(self) -> list[str]:
        return _clean_countries(self.cleaned_data.get("countries", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("The file is larger than 512 MB; import it with `elshi listen import`."))
        fmt = data.get("format") or detect_format(upload.name)
        if fmt is None:
            self.add_error(
                "format",
                _("The format cannot be told from the name %(name)s: choose it.") % {"name": upload.name},
            )
        data["format"] = fmt
        return data

    def save(self, commit: bool = True) -> Source:
        upload = self.cleaned_data["file"]
        stored = f"{uuid.uuid4().hex}-{re.sub(r'[^A-Za-z0-9._-]', '_', upload.name)[-80:]}"
        folder = upload_dir()
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / stored).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        source: Source = forms.ModelForm.save(self, commit=False)
        source.kind = self.kind
        source.url = ""
        source.options = {**self.options(), "file": stored, "filename": upload.name, "size": upload.size}
        source.state = {"status": "queued", "processed": 0}
        if commit:
            source.save()
        return source


class UploadEditForm(SourceForm):
    """An upload once made: only its name changes (a new file is a new upload)."""

    kind = SourceKind.UPLOAD

    class Meta(SourceForm.Meta):
        fields = ["name"]


FORMS: dict[str, type[SourceForm]] = {
    SourceKind.FEED: FeedForm,
    SourceKind.SITEMAP: SitemapForm,
    SourceKind.GDELT: GdeltForm,
    SourceKind.UPLOAD: UploadForm,
}
