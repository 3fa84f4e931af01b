from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "learningcity.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring: learning-city indicators")

    def ready(self) -> None:
        from learningcity.core.navigation import Section, register_section
        from learningcity.core.permissions import can_manage_city

        def manages(user, city) -> bool:  # type: ignore[no-untyped-def]
            return city is not None and can_manage_city(user, city)

        for section in [
            Section(
                "city",
                _("How the city is doing"),
                "monitoring:city",
                _("Scores against UNESCO's Key Features of Learning Cities, year by year."),
            ),
            Section("desk", _("Indicator data"), "monitoring:data"),
            Section("desk", _("Monitoring framework"), "monitoring:framework"),
            Section(
                "network",
                _("Monitoring the network"),
                "monitoring_network:dashboard",
                _("Every member city's index score, rank and uncertainty."),
            ),
            Section("account", _("Indicator data"), "monitoring:data", visible=manages),
        ]:
            register_section(section)
