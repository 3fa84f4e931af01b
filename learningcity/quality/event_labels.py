"""Plain-words labels of the quality app's audit events (loaded by core at start)."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "feedback.comment_approved": _("Feedback comment approved"),
        "feedback.comment_rejected": _("Feedback comment not shown"),
        "feedback.links_erased": _("Links between a person and their feedback removed"),
        "quality.exported": _("Quality figures downloaded"),
    }
)
