from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "learningcity.participation"
    label = "participation"
    verbose_name = _("Civic participation: proposals, debates, budgets, accountability")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data

        from . import event_labels  # noqa: F401
        from .personal import erase_participation_of, export_participation_of

        register_personal_data(export_participation_of, erase_participation_of)
        register_section(
            Section(
                "city",
                _("Take part"),
                "participation:processes",
                _("Propose, discuss and vote on how the city learns, then follow what happens."),
            )
        )
