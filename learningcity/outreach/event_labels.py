"""Plain-words labels of the outreach app's audit events (loaded by core at start)."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "outreach.plan_started": _("Mobile library plan started"),
        "outreach.plan_published": _("Mobile library timetable published"),
        "outreach.vehicle_created": _("Mobile library vehicle added"),
        "outreach.vehicle_deleted": _("Mobile library vehicle removed"),
        "outreach.visit_cancelled": _("Mobile library stop cancelled"),
        "outreach.demand_imported": _("Demand blocks imported for the mobile library plan"),
        "outreach.candidates_imported": _("Candidate mobile library stops imported"),
        "outreach.plans_unlinked": _("Mobile library plans unlinked from an erased account"),
    }
)
