"""Plain-words labels of the plan's audit events (loaded by core at start; see
core.audit). Add a label here whenever a new code is recorded."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "plan.created": _("Learning-city plan started"),
        "plan.updated": _("Learning-city plan changed"),
        "plan.goal_saved": _("Plan goal saved"),
        "plan.goal_deleted": _("Plan goal deleted"),
        "plan.action_saved": _("Plan action saved"),
        "plan.action_deleted": _("Plan action deleted"),
        "plan.target_saved": _("Plan target saved"),
        "plan.target_deleted": _("Plan target deleted"),
        "plan.action_updated": _("Progress update on a plan action"),
        "plan.published": _("Learning-city plan published"),
        "plan.reminders_sent": _("Plan update reminders sent"),
        "plan.updates_unlinked": _("Plan updates unlinked from a deleted account"),
    }
)
