"""The certificate of attendance of a network training: one A4 page (PDF) made by
weasyprint, the platform's PDF library (``festivals.printing``), from a Django
template in the reader's language (Arabic right to left). One page lays out in well
under a second, so it is made while the person waits (see docs/architecture.md)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from learningcity.core.http import absolute_url

from . import partner_services
from .models_partners import TrainingCertificate


def certificate_html(certificate: TrainingCertificate, language: str) -> str:
    enrolment = certificate.enrolment
    opportunity = enrolment.session.opportunity
    with translation.override(language), timezone.override(opportunity.city.tzinfo):
        return render_to_string(
            "network/certificate_pdf.html",
            {
                "certificate": certificate,
                "holder": enrolment.name,
                "opportunity": opportunity,
                "dates": partner_services.attended_dates(enrolment),
                "verify_url": absolute_url(
                    reverse("network:certificate_verify", kwargs={"code": certificate.code})
                ),
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
            },
        )


def render_certificate_pdf(certificate: TrainingCertificate, language: str) -> bytes:
    import weasyprint  # imported here: only certificate downloads need it

    html = certificate_html(certificate, language)
    return bytes(weasyprint.HTML(string=html).write_pdf())
