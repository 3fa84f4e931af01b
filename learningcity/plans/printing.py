"""The progress report as a PDF: the report page's body with the print stylesheet,
laid out by WeasyPrint (pango shapes Arabic; the direction comes from the page).

Laying out 500 actions takes about 20 seconds, so the PDF is made on the task queue
as a file made in the background (``core.jobs``, as festivals' printed programme): a
``ReportPrint`` row per published version, language and *stamp* (the state of
everything the report shows), claimed by the worker, its stage and percentage
written as it goes, its file kept in the default storage until that state changes.
The request only asks (``services.request_report_pdf``) and shows the progress."""

import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.contrib.staticfiles import finders
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone, translation

from learningcity.core import jobs
from learningcity.core.models import City
from learningcity.core.tenancy import for_city
from learningcity.monitoring.models import IndicatorValue

from . import selectors
from .exports import report_context
from .models import Action, PlanVersion, ReportPrint

logger = logging.getLogger(__name__)

# What the worker is doing, as the page words it (templates/plans/_pdf_status.html).
STAGES = ("reading", "layout", "writing")
# How the percentage is shared: reading the plan and values is quick, laying out the
# pages is most of the time, writing the file the rest.
READING_SHARE = 20
LAYOUT_SHARE = 70


def report_stamp(city: City, version: PlanVersion) -> str:
    """Which state of the plan a report shows: the version, the day (progress is
    judged as of today), the actions' last change (statuses, updates) and the city's
    indicator values. Any change gives another stamp, so another file."""
    actions = for_city(Action, city).aggregate(n=Count("id"), last=Max("updated_at"))
    values = for_city(IndicatorValue, city).aggregate(
        n=Count("id"), entered=Max("entered_at"), validated=Max("validated_at")
    )
    parts = [
        version.pk,
        version.published_at.isoformat(),
        timezone.localdate().isoformat(),
        actions,
        values,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def render_pdf(
    city: City,
    version: PlanVersion,
    language: str,
    progress: Callable[[str, int], None] | None = None,
) -> tuple[bytes, int]:
    """The report of ``version`` in ``language``: its bytes and number of pages.
    ``progress(stage, percent)`` is told how far it got (the worker's claim has
    already said "reading")."""
    from weasyprint import CSS, HTML  # imported here: only the worker and the tests need it

    tell = progress or (lambda stage, percent: None)
    with translation.override(language):
        plan = selectors.current_plan(city, version)
        if plan is None:
            raise ValueError("a report needs a published version")  # one was given
        html = render_to_string("plans/report_pdf.html", report_context(city, plan) | {"pdf": True})
        tell("layout", READING_SHARE)
        document = HTML(string=html, base_url=str(Path.cwd())).render(
            stylesheets=[CSS(filename=path) for path in _stylesheets()]
        )
    tell("writing", READING_SHARE + LAYOUT_SHARE)
    return bytes(document.write_pdf()), len(document.pages)


def _stylesheets() -> list[str]:
    found = [finders.find("plans/plans.css"), finders.find("plans/print.css")]
    return [str(path) for path in found if path]


def run_report_print(job_pk: int) -> bool:
    """Make the PDF of ``ReportPrint`` ``job_pk`` if it is waiting; True when this
    call made it. Older files of the city in this language are deleted then."""
    started = time.monotonic()
    job = jobs.make_file(
        ReportPrint.objects.select_related("version__plan__city"), job_pk, _make, stage="reading"
    )
    if job is None:
        return False
    city = job.version.plan.city
    jobs.delete_files(for_city(ReportPrint, city).filter(language=job.language).exclude(pk=job.pk))
    logger.info(
        "plan report %s made: %s pages in %.1f s", job.pk, job.pages, time.monotonic() - started
    )
    return True


def _make(job: ReportPrint, progress: jobs.Progress) -> jobs.MadeFile:
    city = job.version.plan.city
    pdf, pages = render_pdf(city, job.version, job.language, progress=progress)
    name = f"{city.slug}-plan-v{job.version.number}-{job.language}-{job.stamp[:12]}.pdf"
    return jobs.MadeFile(name, pdf, pages)
