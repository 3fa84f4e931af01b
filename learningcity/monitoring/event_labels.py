"""Plain-words labels of monitoring's audit events (loaded by core at start; see
core.audit). Add a label here whenever a new code is recorded."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "monitoring.framework_created": _("Framework created"),
        "monitoring.framework_imported": _("Framework imported"),
        "monitoring.framework_extended": _("Local indicator added to the framework"),
        "monitoring.indicator_added": _("Indicator added"),
        "monitoring.node_updated": _("Framework wording changed"),
        "monitoring.value_saved": _("Indicator value saved"),
        "monitoring.values_imported": _("Indicator values imported"),
        "monitoring.values_validated": _("Indicator values validated"),
        "monitoring.index_run": _("Index calculation started"),
        "monitoring.index_run_finished": _("Index calculation finished"),
    }
)
