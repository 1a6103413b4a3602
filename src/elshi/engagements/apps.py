from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "elshi.engagements"
    label = "engagements"
    verbose_name = _("Engage: engagements and the virtual embassy")

    def ready(self) -> None:
        # The calendar (publishing, a layer below) shows engagements once they are registered here.
        from elshi.engagements.calendar import register  # the app registry is not ready at module level

        register()
