from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "learningcity.programmes"
    label = "programmes"
    verbose_name = _("Inclusion programmes: befriending, intergenerational, guidance, mentoring")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data
        from learningcity.monitoring.derived import Derived, register_derived

        from . import figures
        from .privacy import erase_programmes_of, export_programmes_of

        register_personal_data(export_programmes_of, erase_programmes_of)
        # Replaces monitoring's "not available" placeholder with the logged visits.
        register_derived(
            Derived(
                "volunteer_hours",
                _("Volunteer hours per 1,000 residents"),
                _(
                    "hours of befriending visits logged by volunteers in the year ÷ "
                    "population × 1,000 (from the year of the first logged visit)"
                ),
                _("hours per 1,000 residents"),
                yearly=figures.volunteer_hours_per_thousand,
            )
        )
        register_section(
            Section(
                "city",
                _("Volunteers, mentors and career guidance"),
                "programmes:overview",
                _("A volunteer to go out with, learning across generations, career advice."),
            )
        )
        register_section(Section("desk", _("Inclusion programmes"), "programmes:desk"))
