from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "learningcity.plans"
    label = "plans"
    verbose_name = _("Plans: the learning-city plan")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data

        from .permissions import can_edit_plan, owns_any_action
        from .services import erase_plan_updates_of, export_plan_updates_of

        # A person's progress updates are in their data export; erasing the account
        # keeps the organisation's updates but removes the person from them.
        register_personal_data(export_plan_updates_of, erase_plan_updates_of)

        def edits(user, city) -> bool:  # type: ignore[no-untyped-def]
            return city is not None and can_edit_plan(user, city)

        def owns(user, city) -> bool:  # type: ignore[no-untyped-def]
            return city is not None and owns_any_action(user, city)

        for section in [
            Section(
                "city",
                _("Learning-city plan"),
                "plans:public",
                _("What the city promised, what it did and what changed."),
            ),
            Section("desk", _("Plan"), "plans:desk"),
            Section("account", _("Learning-city plan"), "plans:desk", visible=edits),
            Section("account", _("My plan actions"), "plans:my_actions", visible=owns),
            Section(
                "city",
                _("My plan actions"),
                "plans:my_actions",
                _("Report progress on the actions your organisation is responsible for."),
                visible=owns,
            ),
        ]:
            register_section(section)
