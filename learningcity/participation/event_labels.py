"""Plain-words labels of the participation app's audit events (loaded by core at start)."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "participation.proposal_submitted": _("Proposal submitted"),
        "participation.proposal_withdrawn": _("Proposal withdrawn"),
        "participation.proposal_answered": _("Proposal answered by the city"),
        "participation.proposal_endorsed": _("Proposal endorsed by an organisation"),
        "participation.debate_started": _("Debate started"),
        "participation.content_reported": _("Content reported to the moderators"),
        "participation.content_hidden": _("Content hidden by a moderator"),
        "participation.content_restored": _("Content restored by a moderator"),
        "participation.budget_tallied": _("Participatory budget counted"),
        "participation.budget_imported": _("Participatory budget imported from a pabulib file"),
        "participation.result_recorded": _("Result of a participatory process recorded"),
        "participation.sortition_drawn": _("Citizens' panel drawn by lot"),
        "participation.census_uploaded": _("Census uploaded"),
        "participation.verified": _("Resident verified against the census"),
        "participation.verification_failed": _("Census verification failed"),
        "participation.contributions_unlinked": _(
            "Participation contributions unlinked from an erased account"
        ),
        "participation.process_saved": _("Participatory process saved"),
        "participation.budget_saved": _("Participatory budget saved"),
        "participation.result_updated": _("Result of a participatory process updated"),
        "participation.survey_saved": _("Survey saved"),
        "participation.assembly_meeting_scheduled": _(
            "Assembly meeting scheduled as a catalogue session"
        ),
        "participation.assembly_member_added": _("Member added to an assembly"),
        "participation.assembly_member_removed": _("Member removed from an assembly"),
        "participation.assembly_minutes_recorded": _("Minutes of an assembly meeting recorded"),
        "participation.email_vote_confirmed": _("Vote cast after confirming an e-mail address"),
        "participation.proposal_images_added": _("Pictures added to a proposal"),
        "participation.proposal_image_removed": _("Picture removed from a proposal"),
    }
)
