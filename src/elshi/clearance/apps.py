from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClearanceConfig(AppConfig):
    name = "elshi.clearance"
    label = "clearance"
    verbose_name = _("Clear: approval policies and decisions")
