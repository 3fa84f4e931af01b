"""Plain-words labels of the network's audit events (loaded by core at start)."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "network.profile_updated": _("Network profile changed"),
        "network.status_changed": _("Membership status changed"),
        "network.cluster_joined": _("Joined a cluster"),
        "network.cluster_left": _("Left a cluster"),
        "network.directory_imported": _("Member directory imported"),
        "network.directory_exported": _("Member directory downloaded"),
        "practice.created": _("Good practice started"),
        "practice.updated": _("Good practice changed"),
        "practice.submitted": _("Good practice sent for review"),
        "practice.returned": _("Good practice returned for changes"),
        "practice.published": _("Good practice published"),
        "practice.withdrawn": _("Good practice withdrawn"),
        "practice.image_added": _("Picture added to a good practice"),
        "practice.image_removed": _("Picture removed from a good practice"),
        # The membership lifecycle: these codes are also its steps' (LifecycleStep.code).
        "membership.call_created": _("Membership call created"),
        "membership.call_updated": _("Membership call changed"),
        "membership.commission_granted": _("National Commission account given"),
        "membership.commission_revoked": _("National Commission account taken back"),
        "membership.applied": _("Applied for membership"),
        "membership.endorsed": _("Endorsed by the National Commission"),
        "membership.not_endorsed": _("Not endorsed by the National Commission"),
        "membership.juror_assigned": _("Juror assigned"),
        "membership.juror_removed": _("Juror removed"),
        "membership.scored": _("Scored by a juror"),
        "membership.admitted": _("Admitted to the network"),
        "membership.declined": _("Not admitted to the network"),
        "membership.report_submitted": _("Biennial report received"),
        "membership.report_reminded": _("Reminder of the biennial report sent"),
        "membership.lapsed": _("Membership lapsed: no biennial report"),
        # Peer learning and policy dialogue (peer_services).
        "peer.thread_started": _("Discussion started in a cluster"),
        "peer.post_added": _("Reply posted in a cluster discussion"),
        "peer.post_reported": _("Post reported to the moderators"),
        "peer.post_hidden": _("Post hidden by a moderator"),
        "peer.post_restored": _("Post shown again by a moderator"),
        "peer.subscribed": _("Started following a cluster's discussions"),
        "peer.unsubscribed": _("Stopped following a cluster's discussions"),
        "peer.exchange_requested": _("Peer exchange requested"),
        "peer.exchange_accepted": _("Peer exchange accepted"),
        "peer.exchange_declined": _("Peer exchange declined"),
        "peer.exchange_completed": _("Outcome of a peer exchange recorded"),
        # Partnerships and capacity development (partner_services).
        "partner.created": _("Partner organisation added"),
        "partner.updated": _("Partner organisation changed"),
        "partnership.created": _("Partnership added"),
        "partnership.updated": _("Partnership changed"),
        "partnership.deleted": _("Partnership removed"),
        "network.provider_created": _("The network's trainings opened in a city's catalogue"),
        "training.certificate_issued": _("Certificate of attendance issued"),
        "training.certificates_erased": _("Certificates of attendance erased"),
    }
)
