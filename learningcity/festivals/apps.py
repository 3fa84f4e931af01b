from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FestivalsConfig(AppConfig):
    name = "learningcity.festivals"
    label = "festivals"
    verbose_name = _("Learning festivals")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from learningcity.catalogue.models import Opportunity, Session
        from learningcity.core.navigation import Section, register_section

        from . import permissions, services

        # A session moved after its opportunity was accepted moves in the programme
        # too; an opportunity edited changes the printed programme's stamp.
        post_save.connect(services.session_saved, sender=Session, dispatch_uid="festivals-session")
        post_save.connect(
            services.opportunity_saved, sender=Opportunity, dispatch_uid="festivals-opportunity"
        )
        for section in [
            Section(
                "city",
                _("Learning festivals"),
                "festivals:list",
                _("A week of events all over the city: the programme, day by day."),
            ),
            Section(
                "desk",
                _("Learning festivals"),
                "festivals:manage",
                _("Plan festivals, accept providers' events and see the figures."),
                visible=permissions.can_manage_festivals,
            ),
        ]:
            register_section(section)
