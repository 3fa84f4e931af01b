"""Small factories of the membership lifecycle: a real (tiny) PDF, calls, National
Commission accounts, applications ready to post or already sent."""

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from learningcity.network import services
from learningcity.network.models import CommissionGrant, MembershipCall
from learningcity.network.vocabulary import CHALLENGE_CODES
from tests.conftest import make_user


def minimal_pdf(text: str = "Signed: the mayor", catalog: bytes = b"") -> bytes:
    """A one-page PDF with a correct cross-reference table (what readers open);
    ``catalog`` adds entries to its catalogue (an action, say)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def pdf_upload(data: bytes | None = None, name: str = "endorsement.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else minimal_pdf(), "application/pdf")


def make_call(**fields: Any) -> MembershipCall:
    today = timezone.localdate()
    data = {
        "title": "Membership call 2026",
        "opens_on": today - timedelta(days=10),
        "closes_on": today + timedelta(days=20),
        "endorsements_close_on": today + timedelta(days=50),
        **fields,
    }
    return services.create_call(actor=None, data=data)


def make_commission(country_code: str, email: str | None = None):
    user = make_user(email or f"natcom-{country_code.lower()}@example.org")
    CommissionGrant.objects.create(user=user, country_code=country_code)
    return user


def words(count: int, word: str = "learning") -> str:
    return " ".join([word] * count)


def application_data(**changes: Any) -> dict[str, Any]:
    """The service's view of a complete part 1."""
    return {
        "language": "en",
        "motivation": "Our city wants every resident to keep learning at every age.",
        "implementation": "Libraries and schools open their doors in the evenings.",
        "interests": "Literacy and health.",
        "challenges": dict.fromkeys(CHALLENGE_CODES, 3),
        "pledge": True,
        **changes,
    }


def application_post(**changes: Any) -> dict[str, Any]:
    """The application form as a browser posts it (with a real PDF)."""
    data = application_data()
    post: dict[str, Any] = {
        "language": data["language"],
        "motivation": data["motivation"],
        "implementation": data["implementation"],
        "interests": data["interests"],
        "pledge": "on",
        "endorsement": pdf_upload(),
    }
    post.update({f"challenge_{code}": "3" for code in CHALLENGE_CODES})
    post.update(changes)
    return {key: value for key, value in post.items() if value is not None}


def send_application(call, city, applicant=None, today: date | None = None, **changes: Any):
    services.ensure_profile(city)
    return services.apply_for_membership(
        actor=applicant,
        call=call,
        city=city,
        data=application_data(**changes),
        endorsement=minimal_pdf(),
        today=today,
    )
