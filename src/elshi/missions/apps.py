from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "elshi.missions"
    label = "missions"
    verbose_name = _("Missions and people")

    def ready(self) -> None:
        # Connects the audit trail to django-axes' lockout signal before the first login.
        from elshi.missions import passwords  # noqa: F401
