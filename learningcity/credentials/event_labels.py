"""Plain-words labels of the credentials app's audit events (loaded by core at start)."""

from django.utils.translation import gettext_lazy as _

from learningcity.core.audit import register_event_labels

register_event_labels(
    {
        "credentials.issued": _("Credential issued"),
        "credentials.revoked": _("Credential revoked"),
        "credentials.key_rotated": _("Issuer key rotated"),
        "credentials.assessed": _("Assessment result recorded"),
        "credentials.qualifications_imported": _("Qualifications imported"),
        "credentials.qualification_saved": _("Qualification saved"),
        "credentials.recognition_applied": _("Recognition of prior learning applied for"),
        "credentials.unit_decided": _("Unit decided for recognition"),
        "credentials.data_erased": _("A person's credentials data erased"),
    }
)
