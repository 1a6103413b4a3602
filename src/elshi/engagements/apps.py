from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "elshi.engagements"
    label = "engagements"
    verbose_name = _("Engage: engagements and the virtual embassy")
