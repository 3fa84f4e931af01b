"""The festival's calendar feed: every accepted date within the festival as one
VEVENT (no repeat rules: a repeating course is listed by its festival dates only),
written by the catalogue's iCalendar writer (``catalogue.schedule.calendar``, the
``icalendar`` library), in the city's time zone."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from learningcity.catalogue import calendars as catalogue_calendars
from learningcity.catalogue import schedule
from learningcity.core.http import absolute_url

from .models import Festival, FestivalEvent


def festival_calendar(festival: Festival) -> str:
    host = urlsplit(str(settings.SITE_URL)).hostname or "learningcity"
    events = (
        FestivalEvent.objects.filter(festival=festival)
        .select_related(
            "session__site",
            "entry__opportunity__site",
            "entry__opportunity__city",
        )
        .order_by("starts_at", "id")
    )
    written = []
    for event in events:
        session = event.session
        opportunity = event.entry.opportunity
        page = absolute_url(
            reverse("catalogue:opportunity", args=[festival.city.slug, opportunity.slug])
        )
        place = session.place
        written.append(
            schedule.CalendarEvent(
                uid=f"{session.public_id}-{event.starts_at:%Y%m%dT%H%M%S}@{host}",
                title=opportunity.title,
                description=f"{festival.name}\n\n{opportunity.description}\n\n{page}".strip(),
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                recurrence="",
                location=catalogue_calendars.location(session),
                url=page,
                latitude=place.latitude if place is not None else None,
                longitude=place.longitude if place is not None else None,
                cancelled=session.is_cancelled,
            )
        )
    return schedule.calendar(written, festival.city.tzinfo, name=festival.name)
