from __future__ import annotations

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
