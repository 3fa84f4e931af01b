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
    }
)
