from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "learningcity.credentials"
    label = "credentials"
    verbose_name = _("Qualifications, pathways and verifiable credentials")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data
        from learningcity.core.slots import register_slot

        from . import indicators, pieces
        from .learner_record import erase_credentials_of, export_credentials_of
        from .permissions import can_issue

        register_personal_data(export_credentials_of, erase_credentials_of)
        indicators.register()
        register_slot("catalogue.my_learning", pieces.my_learning)

        def issues(user, city) -> bool:  # type: ignore[no-untyped-def]
            return city is not None and can_issue(user, city)

        for section in [
            Section(
                "city",
                _("Qualifications and pathways"),
                "credentials:qualifications",
                _("Find your way to a qualification, and have what you already know recognised."),
            ),
            Section(
                "city",
                _("Badges and credentials"),
                "credentials:achievements",
                _("Issue verifiable credentials to the people who completed your courses."),
                visible=issues,
            ),
        ]:
            register_section(section)
