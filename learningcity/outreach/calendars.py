"""A stop's calendar feed: its visits as iCalendar events (``catalogue.schedule``
writes the document, as for opportunities), a cancelled visit as STATUS:CANCELLED
so calendar apps strike it out instead of silently dropping it."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from learningcity.catalogue import schedule
from learningcity.catalogue.models import LearningSite
from learningcity.core.http import absolute_url

from .models import Visit

KEEP_PAST = timedelta(days=14)  # recent visits stay in the feed (a cancellation too)
PRINTED_AHEAD = timedelta(weeks=4)


def stop_calendar(site: LearningSite, visits: list[Visit]) -> str:
    page = absolute_url(
        reverse("outreach:stop", kwargs={"city_slug": site.city.slug, "slug": site.slug})
    )
    host = urlsplit(str(settings.SITE_URL)).hostname or "learningcity"
    title = _("Mobile library at %(stop)s") % {"stop": site.name}
    events = [
        schedule.CalendarEvent(
            uid=f"{visit.public_id}@{host}",
            title=title,
            description=(
                _("Cancelled: %(reason)s") % {"reason": visit.cancel_reason}
                if visit.is_cancelled
                else ""
            ),
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
            recurrence="",
            location=", ".join(part for part in (site.name, site.address) if part),
            url=page,
            latitude=site.latitude,
            longitude=site.longitude,
            cancelled=visit.is_cancelled,
        )
        for visit in visits
    ]
    return schedule.calendar(events, site.city.tzinfo, name=title)
