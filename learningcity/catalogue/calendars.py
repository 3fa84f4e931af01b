"""Calendar files (.ics) for an opportunity's dates and for one person's place.

One way to turn a session into a calendar event, used by the opportunity's
"add every date" file, the "add to calendar" link of an enrolment and the file
attached to the confirmation e-mail, so all three carry the same place (the
session's own, else the opportunity's main place: ``Session.place``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from learningcity.core.http import absolute_url

from . import schedule
from .models import Opportunity, Session


def opportunity_url(opportunity: Opportunity) -> str:
    return absolute_url(
        reverse(
            "catalogue:opportunity",
            kwargs={"city_slug": opportunity.city.slug, "slug": opportunity.slug},
        )
    )


def location(session: Session) -> str:
    """Where to go, in one line: the place and its address, else the live link."""
    if session.place is not None:
        return session.place_text
    if session.live_url:
        return _("Online: %(link)s") % {"link": session.live_url}
    return ""


def session_event(session: Session, opportunity: Opportunity, page: str) -> schedule.CalendarEvent:
    host = urlsplit(str(settings.SITE_URL)).hostname or "learningcity"
    place = session.place
    return schedule.CalendarEvent(
        uid=f"{session.public_id}@{host}",
        title=opportunity.title,
        description=f"{opportunity.description}\n\n{page}".strip(),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        recurrence=session.recurrence,
        location=location(session),
        url=page,
        latitude=place.latitude if place is not None else None,
        longitude=place.longitude if place is not None else None,
        cancelled=session.is_cancelled,
    )


def sessions_calendar(opportunity: Opportunity, sessions: list[Session]) -> str:
    """The iCalendar text for these sessions of ``opportunity``."""
    page = opportunity_url(opportunity)
    events = [session_event(session, opportunity, page) for session in sessions]
    return schedule.calendar(events, opportunity.city.tzinfo, name=opportunity.title)
