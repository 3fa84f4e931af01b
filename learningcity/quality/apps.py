from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "learningcity.quality"
    label = "quality"
    verbose_name = _("Quality of learning: feedback and completion")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data
        from learningcity.core.slots import register_slot

        from . import indicators, pieces
        from .permissions import can_see_city_quality, providers_with_quality
        from .services import erase_feedback_links_of, export_feedback_of

        # Export shows a person their invitations and answers; erasure cuts the link
        # to the answers, which stay in the figures anonymously.
        register_personal_data(export_feedback_of, erase_feedback_links_of)
        indicators.register()
        register_slot("catalogue.opportunity", pieces.opportunity_rating)
        register_slot("catalogue.my_learning", pieces.pending_feedback)

        def sees_provider_figures(user, city) -> bool:  # type: ignore[no-untyped-def]
            return user.is_authenticated and providers_with_quality(user, city).exists()

        def sees_city_figures(user, city) -> bool:  # type: ignore[no-untyped-def]
            return city is not None and can_see_city_quality(user, city)

        for section in [
            Section(
                "city",
                _("Feedback and completion"),
                "quality:providers",
                _("What learners say about your courses, beside the city's median."),
                visible=sees_provider_figures,
            ),
            Section(
                "desk",
                _("Quality of learning"),
                "quality:city",
                _("Feedback and completion by provider, topic, district and group."),
                visible=sees_city_figures,
            ),
            Section(
                "desk",
                _("Feedback comments to check"),
                "quality:moderation",
                visible=sees_city_figures,
            ),
        ]:
            register_section(section)
