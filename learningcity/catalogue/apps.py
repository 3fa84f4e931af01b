from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "learningcity.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue: learning opportunities")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data

        from .alerts import erase_saved_searches_of, export_saved_searches_of
        from .permissions import managed_providers
        from .services import erase_enrolments_of, export_enrolments_of

        # A person's data export includes their enrolments; erasing the account
        # deletes them and hands their seats to the people waiting.
        register_personal_data(export_enrolments_of, erase_enrolments_of)
        # Saved searches hold the person's e-mail alerts: exported and erased too.
        register_personal_data(export_saved_searches_of, erase_saved_searches_of)

        def manages_a_provider(user, city) -> bool:  # type: ignore[no-untyped-def]
            return user.is_authenticated and managed_providers(user, city).exists()

        for section in [
            Section(
                "city",
                _("Find learning"),
                "catalogue:finder",
                _("Courses, lectures and activities near you. Many are free."),
            ),
            Section(
                "city",
                _("Find learning for me"),
                "catalogue:guided",
                _("Answer five short questions and see what suits you."),
            ),
            Section("account", _("My learning"), "catalogue:my_learning"),
            Section(
                "city",
                _("Provider workspace"),
                "catalogue:workspace",
                _("Offer courses and manage enrolments."),
                visible=manages_a_provider,
            ),
            Section("desk", _("Provider workspace"), "catalogue:workspace"),
        ]:
            register_section(section)
