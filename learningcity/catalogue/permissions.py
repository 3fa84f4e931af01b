"""Who may do what in the catalogue. Every access decision for providers is made here."""

from django.db.models import QuerySet

from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser
from learningcity.core.tenancy import for_city

from .models import LearningSite, Provider, ProviderMembership


def is_provider_staff(user: AnyUser, provider: Provider) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return ProviderMembership.objects.filter(provider=provider, user=user).exists()


def can_manage_provider(user: AnyUser, provider: Provider) -> bool:
    """Staff of the provider, the coordinators of its city, and site admins."""
    return is_provider_staff(user, provider) or core_permissions.can_manage_city(
        user, provider.city
    )


def managed_providers(user: AnyUser, city: City) -> "QuerySet[Provider]":
    """The providers of ``city`` that ``user`` may manage."""
    providers = for_city(Provider, city)
    if core_permissions.can_manage_city(user, city):
        return providers
    if not user.is_authenticated:
        return providers.none()
    return providers.filter(memberships__user=user)


def can_manage_site(user: AnyUser, site: LearningSite) -> bool:
    """A provider's place is its staff's (and the city coordinators'); a place shared by
    the whole city is the coordinators' alone."""
    if site.provider is not None:
        return can_manage_provider(user, site.provider)
    return core_permissions.can_manage_city(user, site.city)
