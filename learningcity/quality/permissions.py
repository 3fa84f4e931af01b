"""Who may see what in the quality app. Every access decision is made here."""

from django.db.models import QuerySet

from learningcity.catalogue import permissions as catalogue_permissions
from learningcity.catalogue.models import Provider
from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser


def can_see_provider_quality(user: AnyUser, provider: Provider) -> bool:
    """A provider's own figures and approved comments: its staff, the city's
    coordinators and site admins."""
    return catalogue_permissions.can_manage_provider(user, provider)


def providers_with_quality(user: AnyUser, city: City) -> "QuerySet[Provider]":
    return catalogue_permissions.managed_providers(user, city)


def can_see_city_quality(user: AnyUser, city: City) -> bool:
    """The city's tables by provider, topic, district and group, and their export."""
    return core_permissions.can_manage_city(user, city)


def can_moderate(user: AnyUser, city: City) -> bool:
    """Reading and deciding on comments before anyone else sees them."""
    return core_permissions.can_manage_city(user, city)
