"""Plain-words labels of the catalogue's audit events (loaded by core at start; see
core.audit). Add a label here whenever a new code is recorded."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "site.created": _("Place added"),
        "site.updated": _("Place changed"),
        "opportunity.created": _("Learning opportunity added"),
        "opportunity.updated": _("Learning opportunity changed"),
        "session.created": _("Session added"),
        "session.updated": _("Session changed"),
        "enrolment.created": _("Someone joined a session"),
        "enrolment.cancelled": _("A place was cancelled"),
        "enrolment.promoted": _("Someone on the waiting list got a place"),
        "enrolments.viewed": _("List of people enrolled viewed"),
        "enrolments.exported": _("List of people enrolled downloaded"),
        "enrolments.erased": _("Enrolments deleted with an account"),
        "attendance.marked": _("Attendance recorded"),
        "import.started": _("Import started"),
        "import.confirmed": _("Import confirmed"),
        "import.failed": _("Import failed"),
        "opportunities.imported": _("Learning opportunities imported"),
        "opportunities.import_refused": _("Import refused"),
        "opportunity.deleted": _("Learning opportunity deleted"),
        "opportunity.duplicated": _("Learning opportunity copied"),
        "enrolled.messaged": _("Message sent to the people enrolled"),
        "question.sent": _("Question sent to a provider"),
        "saved_search.created": _("Saved search created"),
        "saved_search.confirmed": _("Saved search confirmed"),
        "saved_search.stopped": _("Saved search stopped"),
        "saved_searches.erased": _("Saved searches deleted with an account"),
    }
)
