"""Conference documents as PDF (weasyprint, the platform's PDF library): the
confirmation letter and the visa invitation letter (one page each, made while the
participant waits) and the badges, one A6 page per participant with a QR code
(``segno``, drawn as SVG so it stays sharp in print) that opens the check-in page
for the badge's code. Badges of a whole conference are a file made in the
background (``core.jobs``) with its progress shown."""

import hashlib
import logging
import time

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from learningcity.core import jobs
from learningcity.core.http import absolute_url

from .models import BadgePrint, Conference, Registration

logger = logging.getLogger(__name__)

BADGES_PER_CHUNK = 50


def check_in_url(registration: Registration) -> str:
    return absolute_url(
        reverse(
            "events:check_in_code",
            kwargs={"slug": registration.conference.slug, "code": registration.badge_code},
        )
    )


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as an SVG data URI (error correction M, 4-module margin)."""
    import segno

    return str(segno.make_qr(text, error="m").svg_data_uri(scale=4, border=4))


def _html(template: str, context: dict, language: str, conference: Conference) -> str:
    with translation.override(language), timezone.override(conference.city.tzinfo):
        return render_to_string(
            template,
            {
                **context,
                "conference": conference,
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
            },
        )


def render_letter(registration: Registration, kind: str, language: str) -> bytes:
    """``kind``: "confirmation" or "invitation" (for a visa)."""
    import weasyprint

    html = _html(
        "events/letter_pdf.html",
        {"registration": registration, "kind": kind, "today": timezone.localdate()},
        language,
        registration.conference,
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())


def render_badges(
    conference: Conference,
    registrations: list[Registration],
    language: str,
    progress: jobs.Progress | None = None,
) -> tuple[bytes, int]:
    """All badges as one PDF. Laid out ``BADGES_PER_CHUNK`` at a time, so the progress
    moves during the layout (most of the time), then joined into one document."""
    import weasyprint

    tell = progress or (lambda stage, percent: None)
    total = max(len(registrations), 1)
    documents = []
    pages = []
    for start in range(0, len(registrations), BADGES_PER_CHUNK):
        chunk = registrations[start : start + BADGES_PER_CHUNK]
        badges = [
            {"registration": registration, "qr": qr_svg(check_in_url(registration))}
            for registration in chunk
        ]
        html = _html("events/badges_pdf.html", {"badges": badges}, language, conference)
        document = weasyprint.HTML(string=html).render()
        documents.append(document)
        pages.extend(document.pages)
        tell("layout", 5 + 85 * (start + len(chunk)) // total)
    if not documents:
        html = _html("events/badges_pdf.html", {"badges": []}, language, conference)
        documents.append(weasyprint.HTML(string=html).render())
        pages.extend(documents[0].pages)
    tell("writing", 90)
    whole = documents[0].copy(pages)
    return bytes(whole.write_pdf()), len(pages)


def badge_stamp(conference: Conference, language: str) -> str:
    """Changes whenever a registration is added or its badge would change."""
    rows = conference.registrations.order_by("pk").values_list(
        "pk", "full_name", "organisation", "category_id", "badge_code"
    )
    digest = hashlib.sha256(repr((language, list(rows))).encode()).hexdigest()[:32]
    return f"{language}-{digest}"[:40]


def run_badges(job_pk: int) -> bool:
    started = time.monotonic()
    job = jobs.make_file(
        BadgePrint.objects.select_related("conference__city"), job_pk, _make, stage="reading"
    )
    if job is None:
        return False
    jobs.delete_files(BadgePrint.objects.filter(conference=job.conference).exclude(pk=job.pk))
    logger.info("badges %s: %s pages in %.1f s", job.pk, job.pages, time.monotonic() - started)
    return True


def _make(job: BadgePrint, progress: jobs.Progress) -> jobs.MadeFile:
    conference = job.conference
    language = job.stamp.split("-", 1)[0]
    registrations = list(
        conference.registrations.select_related("category", "city", "conference").order_by(
            "full_name", "pk"
        )
    )
    pdf, pages = render_badges(conference, registrations, language, progress)
    return jobs.MadeFile(f"{conference.slug}-badges-{job.stamp}.pdf", pdf, pages)


def request_badges(conference: Conference, language: str) -> BadgePrint:
    from .tasks import print_badges

    return jobs.request_file(
        BadgePrint, print_badges, conference=conference, stamp=badge_stamp(conference, language)
    )


def reap_stalled_badges() -> int:
    """Badge files whose worker died: queued again, or failed after the attempts."""
    from .tasks import print_badges

    return jobs.reap_stalled(BadgePrint, print_badges)
