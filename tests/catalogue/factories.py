"""Small factories for catalogue tests."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from learningcity.catalogue.models import (
    Format,
    LearningSite,
    Level,
    Opportunity,
    Provider,
    ProviderMembership,
    Session,
    SiteKind,
)
from learningcity.core.models import City, User

_sequence = count(1)


def make_provider(city: City, **fields) -> Provider:
    number = next(_sequence)
    defaults = {"slug": f"provider-{number}", "name": f"Provider {number}", "sector": "public"}
    return Provider.objects.create(city=city, **{**defaults, **fields})


def make_staff(provider: Provider, user: User) -> ProviderMembership:
    return ProviderMembership.objects.create(provider=provider, user=user)


def make_site(city: City, **fields) -> LearningSite:
    number = next(_sequence)
    defaults = {
        "slug": f"site-{number}",
        "name": f"Site {number}",
        "kind": SiteKind.LIBRARY,
        "latitude": city.latitude,
        "longitude": city.longitude,
    }
    return LearningSite.objects.create(city=city, **{**defaults, **fields})


def make_opportunity(provider: Provider, **fields) -> Opportunity:
    number = next(_sequence)
    defaults = {
        "slug": f"opportunity-{number}",
        "title": f"Opportunity {number}",
        "level": Level.NON_FORMAL,
        "format": Format.IN_PERSON,
        "languages": ["en"],
    }
    return Opportunity.objects.create(
        city=provider.city, provider=provider, **{**defaults, **fields}
    )


def make_session(opportunity: Opportunity, **fields) -> Session:
    starts = timezone.now() + timedelta(days=7)
    defaults = {"starts_at": starts, "ends_at": starts + timedelta(hours=2)}
    return Session.objects.create(opportunity=opportunity, **{**defaults, **fields})
