"""Festivals for tests: a city with a provider, its staff, and a festival taking
submissions now (dates in the city's time zone)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from learningcity.catalogue.models import Opportunity, Provider, Session
from learningcity.core.models import City, User
from learningcity.festivals.models import Festival, FestivalStatus
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_staff
from tests.conftest import make_user


def local_today(city: City) -> date:
    return timezone.now().astimezone(city.tzinfo).date()


def make_festival(city: City, **fields) -> Festival:
    today = local_today(city)
    defaults = {
        "slug": "spring-festival",
        "name": "Spring Learning Festival",
        "description": "A week of **free** learning.",
        "starts_on": today + timedelta(days=10),
        "ends_on": today + timedelta(days=16),
        "submissions_open_on": today - timedelta(days=5),
        "submissions_close_on": today + timedelta(days=5),
        "status": FestivalStatus.PUBLISHED,
    }
    return Festival.objects.create(city=city, **{**defaults, **fields})


def at(city: City, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=city.tzinfo)


def session_on(opportunity: Opportunity, day: date, hour: int = 10, **fields) -> Session:
    starts = at(opportunity.city, day, hour)
    return make_session(
        opportunity, starts_at=starts, ends_at=starts + timedelta(hours=2), **fields
    )


@dataclass
class Setup:
    city: City
    provider: Provider
    staff: User
    festival: Festival
    opportunity: Opportunity
    session: Session


def setup_city(city: City, *, slug: str = "library") -> Setup:
    provider = make_provider(
        city, slug=slug, name=f"{slug.title()} provider", email=f"{slug}@example.org"
    )
    staff = make_user(f"staff-{slug}-{city.slug}@example.org")
    make_staff(provider, staff)
    festival = make_festival(city)
    opportunity = make_opportunity(provider, title="Poetry walk", slug=f"poetry-walk-{slug}")
    session = session_on(opportunity, festival.starts_on + timedelta(days=1), 18)
    return Setup(city, provider, staff, festival, opportunity, session)
