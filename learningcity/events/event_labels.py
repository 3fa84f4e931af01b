"""Plain-words labels of the award's and conferences' audit events."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "award.cycle_created": _("Award cycle opened"),
        "award.cycle_updated": _("Award cycle's rules changed"),
        "award.cycle_advanced": _("Award cycle moved to its next phase"),
        "award.applied": _("Award dossier sent"),
        "award.nominated": _("Nominated for the award by the National Commission"),
        "award.not_nominated": _("Not nominated for the award by the National Commission"),
        "award.juror_seated": _("Juror added to the award jury"),
        "award.tie_declared": _("Juror's tie with a city declared"),
        "award.juror_assigned": _("Juror assigned to an award dossier"),
        "award.scored": _("Award dossier scored"),
        "award.decided": _("Award decision recorded"),
        "award.published": _("Award winners published"),
        "conference.registered": _("Registered for a conference"),
        "conference.checked_in": _("Checked in at a conference"),
        "conference.session_added": _("Conference session added"),
        "conference.visit_added": _("Site visit added"),
        "manifesto.started": _("Manifesto draft published"),
        "manifesto.comment": _("Comment on the manifesto"),
        "manifesto.amendment": _("Amendment to the manifesto proposed"),
        "manifesto.accepted": _("Manifesto proposal accepted"),
        "manifesto.declined": _("Manifesto proposal declined"),
        "manifesto.adopted": _("Manifesto adopted"),
        "manifesto.signed": _("Manifesto signed"),
        "manifesto.translated": _("Adopted manifesto translated"),
    }
)
