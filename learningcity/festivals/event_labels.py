"""Plain-words labels of the festivals' audit events (loaded by core at start)."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "festival.created": _("Learning festival added"),
        "festival.updated": _("Learning festival changed"),
        "festival.submitted": _("Event submitted to a festival"),
        "festival.accepted": _("Festival event accepted"),
        "festival.rejected": _("Festival event not accepted"),
        "festival.print_requested": _("Printable festival programme requested"),
    }
)
