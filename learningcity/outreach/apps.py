from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "learningcity.outreach"
    label = "outreach"
    verbose_name = _("Outreach: mobile library stops and timetables")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data
        from learningcity.core.slots import register_slot

        from . import pieces
        from .services import erase_plan_runs_of, export_plan_runs_of

        # An opportunity held at a stop links to when the mobile library comes.
        register_slot("catalogue.opportunity", pieces.stop_timetable)

        # The app's one personal link: who started a plan (kept, unlinked on erasure).
        register_personal_data(export_plan_runs_of, erase_plan_runs_of)
        register_section(
            Section(
                "city",
                _("Mobile library timetable"),
                "outreach:timetable",
                _("Where the mobile library stops near you, and when."),
            )
        )
        register_section(Section("desk", _("Outreach planning"), "outreach:desk"))
