from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "learningcity.core"
    label = "core"
    verbose_name = _("Core: cities, people and roles")

    def ready(self) -> None:
        # Each app's audit-event labels (core.audit.register_event_labels).
        autodiscover_modules("event_labels")
