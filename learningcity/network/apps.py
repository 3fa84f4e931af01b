from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "learningcity.network"
    label = "network"
    verbose_name = _("Network: member cities and good practices")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.services import register_personal_data

        from . import permissions
        from .partner_services import erase_partner_data_of, export_partner_data_of
        from .peer_services import erase_peer_data_of, export_peer_data_of
        from .services import erase_network_data_of, export_network_data_of

        # Practices and revisions a person wrote stay with their city; the export
        # lists them and erasure removes the person's name from them.
        register_personal_data(export_network_data_of, erase_network_data_of)
        # Posts, reports, subscriptions and exchange requests (peer learning).
        register_personal_data(export_peer_data_of, erase_peer_data_of)
        # Certificates of attendance of the network's trainings.
        register_personal_data(export_partner_data_of, erase_partner_data_of)

        for section in [
            Section(
                "network",
                _("Member cities"),
                "network:directory",
                _("Every member city with its profile, on a map and in a list."),
            ),
            Section(
                "network",
                _("Good practices"),
                "network:library",
                _("What member cities did, how, and what they learnt."),
            ),
            Section(
                "network",
                _("Thematic clusters"),
                "network:clusters",
                _("Member cities working together on one theme."),
            ),
            Section(
                "network",
                _("Partner organisations"),
                "network:partners",
                _("Organisations working with the network's cities, clusters and practices."),
            ),
            Section(
                "network",
                _("Trainings of the network"),
                "network:trainings",
                _("Webinars, workshops and toolkits, with certificates of attendance."),
            ),
            Section(
                "network",
                _("Practices to review"),
                "network:review_queue",
                visible=lambda user, city: permissions.can_review_practices(user),
            ),
            Section(
                "network",
                _("Membership"),
                "network:membership",
                _("Calls for new members, applications and biennial reports."),
            ),
            Section(
                "network",
                _("Applications for the National Commission"),
                "network:commission_queue",
                visible=lambda user, city: permissions.is_commission(user),
            ),
            Section(
                "network",
                _("Applications assigned to me"),
                "network:juror_queue",
                visible=lambda user, city: permissions.is_juror(user),
            ),
            Section(
                "desk",
                _("Membership of the network"),
                "network:city_membership",
                _("This city's applications and biennial reports."),
                visible=lambda user, city: (
                    city is not None and permissions.can_see_lifecycle(user, city)
                ),
            ),
            Section(
                "desk",
                _("Peer learning"),
                "network:peers",
                _("Cities like this one, cities that can help it, and its peer exchanges."),
                visible=lambda user, city: (
                    city is not None and permissions.can_see_peers(user, city)
                ),
            ),
            Section(
                "city",
                _("Network profile"),
                "network:profile",
                _("This city's profile in the network of learning cities."),
            ),
            Section(
                "desk",
                _("Good practices of this city"),
                "network:city_practices",
                visible=lambda user, city: (
                    city is not None and permissions.can_edit_city_practices(user, city)
                ),
            ),
        ]:
            register_section(section)
