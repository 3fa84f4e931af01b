from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "learningcity.events"
    label = "events"
    verbose_name = _("Learning City Award and conferences")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data

        from . import permissions
        from .personal_data import erase_events_data_of, export_events_data_of

        # Registrations (with passport details), agenda, proposals and signatures.
        register_personal_data(export_events_data_of, erase_events_data_of)
        for section in [
            Section(
                "network",
                _("Learning City Award"),
                "events:award",
                _("Award cycles, nominations and every cycle's winners."),
            ),
            Section(
                "network",
                _("International conferences"),
                "events:conferences",
                _("Registration, programme, site visits and the manifesto."),
            ),
            Section(
                "network",
                _("Award dossiers for the National Commission"),
                "events:commission_queue",
                visible=lambda user, city: permissions.is_commission(user),
            ),
            Section(
                "network",
                _("Award dossiers assigned to me"),
                "events:juror_queue",
                visible=lambda user, city: permissions.is_award_juror(user),
            ),
        ]:
            register_section(section)
