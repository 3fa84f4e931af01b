from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "learningcity.participation"
    label = "participation"
    verbose_name = _("Civic participation: proposals, debates, budgets, accountability")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data

        from . import event_labels  # noqa: F401
        from .models import ProposalImage
        from .personal import erase_participation_of, export_participation_of
        from .proposal_images import delete_file_of_image

        register_personal_data(export_participation_of, erase_participation_of)
        post_delete.connect(
            delete_file_of_image,
            sender=ProposalImage,
            dispatch_uid="participation.delete_file_of_image",
        )
        register_section(
            Section(
                "city",
                _("Take part"),
                "participation:processes",
                _("Propose, discuss and vote on how the city learns, then follow what happens."),
            )
        )
