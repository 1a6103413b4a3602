"""Measure keeps the briefs it generated (data, HTML and PDF) and who receives them each week."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BriefLanguage(models.TextChoices):
    KK = "kk", "Қазақша"
    RU = "ru", "Русский"
    EN = "en", "English"


class Brief(models.Model):
    """One generated nation-image brief: its data as JSON and its HTML and PDF under MEDIA_ROOT."""

    country = models.CharField(_("country"), max_length=2)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    peers = models.JSONField(_("peers"), default=list)
    language = models.CharField(_("language"), max_length=2, choices=BriefLanguage.choices)
    data = models.JSONField(default=dict)  # BriefData as JSON: the page, the API and the exports read it
    html_file = models.CharField(max_length=300, blank=True)  # relative to MEDIA_ROOT
    pdf_file = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subscription = models.ForeignKey(
        "BriefSubscription", null=True, blank=True, on_delete=models.SET_NULL, related_name="briefs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("brief")
        verbose_name_plural = _("briefs")

    def __str__(self) -> str:
        return f"{self.country} {self.start}–{self.end} ({self.language})"


class BriefSubscription(models.Model):
    """A weekly brief e-mailed to a list: generated every Monday for the seven days before."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    peers = models.JSONField(_("peers"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=BriefLanguage.choices)
    recipients = models.JSONField(_("recipients"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    last_sent_for = models.DateField(null=True, blank=True)  # the last period end already sent
    last_error = models.TextField(_("last error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brief subscription")
        verbose_name_plural = _("brief subscriptions")

    def __str__(self) -> str:
        return self.name
