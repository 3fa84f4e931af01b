from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "programmes.volunteer_registered": _("Volunteer registered"),
        "programmes.volunteer_updated": _("Volunteer details changed"),
        "programmes.volunteer_withdrew": _("Volunteer withdrew"),
        "programmes.check_recorded": _("Volunteer check recorded"),
        "programmes.pair_suspended": _("Pair suspended: check expired"),
        "programmes.resident_referred": _("Resident referred to befriending"),
        "programmes.resident_closed": _("Resident left befriending"),
        "programmes.resident_viewed": _("Resident's record viewed"),
        "programmes.loneliness_recorded": _("Loneliness answers recorded"),
        "programmes.match_run": _("Matching run"),
        "programmes.pair_accepted": _("Pair accepted"),
        "programmes.pair_declined": _("Pair declined"),
        "programmes.pair_overridden": _("Pair set by a coordinator"),
        "programmes.pair_ended": _("Pair ended"),
        "programmes.plan_item_added": _("Activity added to a pair's plan"),
        "programmes.joined_together": _("Pair booked into an activity"),
        "programmes.visit_logged": _("Visit logged"),
        "programmes.concern_raised": _("Concern raised"),
        "programmes.concern_resolved": _("Concern resolved"),
        "programmes.group_registered": _("Group registered"),
        "programmes.group_pair_accepted": _("Groups paired"),
        "programmes.counsellor_appointed": _("Counsellor added"),
        "programmes.slot_published": _("Guidance time published"),
        "programmes.slot_booked": _("Guidance appointment booked"),
        "programmes.booking_cancelled": _("Guidance appointment cancelled"),
        "programmes.note_written": _("Guidance note written"),
        "programmes.mentor_registered": _("Mentor added"),
        "programmes.mentee_applied": _("Asked for a mentor"),
        "programmes.mentorship_accepted": _("Mentorship started"),
        "programmes.mentorship_ended": _("Mentorship ended"),
        "programmes.outcome_recorded": _("Mentoring outcome recorded"),
        "programmes.erased": _("Programme records erased"),
    }
)
