from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "elshi.publishing"
    label = "publishing"
    verbose_name = _("Publish: deliveries and metrics")

    def ready(self) -> None:
        # Connecting the receivers is importing them: deliveries follow their posts from here on.
        from elshi.publishing import receivers  # noqa: F401 - app registry not ready at module level
