"""The printable programme: an A5 booklet (PDF) made by weasyprint from the same kind
of Django template as the pages, with a print stylesheet (``festivals/booklet.css``:
``@page { size: A5 }``, page numbers in the margin, one day per section).

Why weasyprint: the programme is HTML and CSS we already write (templates, the
``|when`` dates, translations); weasyprint lays it out with pango, which shapes
Arabic and sets right-to-left text, so no second layout system is needed.

A print runs on the task queue as a file made in the background (``core.jobs``):
claimed with one conditional update, its progress written as it goes (which renews
the lease), its file and "done" written only while its attempt still holds the row,
so a print queued twice is made once."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from learningcity.core import jobs

from . import programme, services
from .models import Festival, ProgrammePrint

logger = logging.getLogger(__name__)

# What the worker is doing, for the page that shows the progress (see views).
STAGES = ("reading", "layout", "writing")
# How the percentage is shared between the stages (reading the rows is quick; laying
# out the pages is most of the time).
READING_SHARE = 20
LAYOUT_SHARE = 75
PROGRESS_EVERY = 100


def stylesheet_path() -> str:
    found = finders.find("festivals/booklet.css")
    return str(found[0] if isinstance(found, list) else found)


def render_pdf(
    festival: Festival,
    language: str,
    progress: Callable[[str, int], None] | None = None,
) -> tuple[bytes, int]:
    """The booklet's bytes and its number of pages. ``progress(stage, percent)`` is
    told how far it got."""
    import weasyprint  # imported here: only the worker and the tests need it

    tell = progress or (lambda stage, percent: None)
    with translation.override(language), timezone.override(festival.city.tzinfo):
        days = programme.booklet_days(
            festival,
            progress=lambda done, total: tell("reading", READING_SHARE * done // max(total, 1)),
        )
        html = render_to_string(
            "festivals/booklet_pdf.html",
            {
                "festival": festival,
                "city": festival.city,
                "days": days,
                "event_count": sum(len(day.events) for day in days),
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
            },
        )
    tell("layout", READING_SHARE)
    document = weasyprint.HTML(string=html, base_url=str(settings.STATIC_ROOT)).render(
        stylesheets=[weasyprint.CSS(filename=stylesheet_path())]
    )
    tell("writing", READING_SHARE + LAYOUT_SHARE)
    return document.write_pdf(), len(document.pages)


def run_print(job_pk: int) -> bool:
    """Make the PDF of print ``job_pk`` if it is waiting; True when this call made it."""
    started = time.monotonic()
    job = jobs.make_file(
        ProgrammePrint.objects.select_related("festival__city"), job_pk, _make, stage="reading"
    )
    if job is None:
        return False
    services.delete_old_prints(job.festival, job.language, keep=[job.pk])
    logger.info(
        "programme %s printed: %s pages in %.1f s", job.pk, job.pages, time.monotonic() - started
    )
    return True


def _make(job: ProgrammePrint, progress: jobs.Progress) -> jobs.MadeFile:
    pdf, pages = render_pdf(job.festival, job.language, progress=progress)
    festival = job.festival
    name = f"{festival.city.slug}-{festival.slug}-{job.language}-{job.stamp}.pdf"
    return jobs.MadeFile(name, pdf, pages)
