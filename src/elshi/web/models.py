from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Installation(models.Model):
    """One row describing this installation: when it began and whether it holds demo data."""

    created_at = models.DateTimeField(auto_now_add=True)
    demo_loaded_at = models.DateTimeField(_("demo data loaded"), null=True, blank=True)

    def __str__(self) -> str:
        return "installation"

    @classmethod
    def current(cls) -> Installation:
        installation, _created = cls.objects.get_or_create(pk=1)
        return installation


class Notification(models.Model):
    """An in-app notice for one person: a clearance request, a decision, an alert, a failed delivery."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
