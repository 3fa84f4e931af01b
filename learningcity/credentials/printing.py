"""The credential as one A4 page (PDF, weasyprint as elsewhere on the platform) with
a QR code (segno) that opens its verification page."""

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from learningcity.core.http import absolute_url

from .models import IssuedCredential


def verification_url(credential: IssuedCredential) -> str:
    return absolute_url(
        reverse("credentials_public:credential_link", kwargs={"public_id": credential.public_id})
    )


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def credential_html(credential: IssuedCredential, language: str) -> str:
    url = verification_url(credential)
    subject = credential.document.get("credentialSubject", {})
    shown_name = next(
        (
            identity.get("identityHash")
            for identity in subject.get("identifier", [])
            if identity.get("identityType") == "name"
        ),
        "",
    )
    with translation.override(language), timezone.override(credential.achievement.city.tzinfo):
        return render_to_string(
            "credentials/credential_pdf.html",
            {
                "credential": credential,
                "achievement": credential.achievement,
                "holder": shown_name,
                "verify_url": url,
                "qr": qr_data_uri(url),
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
            },
        )


def credential_pdf(credential: IssuedCredential, language: str) -> bytes:
    import weasyprint  # imported here: only downloads need it

    return bytes(weasyprint.HTML(string=credential_html(credential, language)).write_pdf())


def record_pdf(person: object, record: dict[str, object], language: str) -> bytes:
    import weasyprint

    with translation.override(language):
        html = render_to_string(
            "credentials/record_pdf.html",
            {
                "person": person,
                "record": record,
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
            },
        )
    return bytes(weasyprint.HTML(string=html).write_pdf())
