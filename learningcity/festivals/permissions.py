"""Who may do what with festivals. Every access decision of this app is made here."""

from django.db.models import QuerySet

from learningcity.catalogue import permissions as catalogue_permissions
from learningcity.catalogue.models import Provider
from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser
from learningcity.core.tenancy import for_city

from .models import Festival


def can_manage_festivals(user: AnyUser, city: City | None) -> bool:
    """Plan festivals, decide on submissions, see figures at any time: the city's
    coordinators (and site admins)."""
    return city is not None and core_permissions.can_manage_city(user, city)


def can_see_festival(user: AnyUser, festival: Festival) -> bool:
    """A published (or cancelled) festival is public; a draft is the coordinators'."""
    return festival.status != "draft" or can_manage_festivals(user, festival.city)


def can_see_figures(user: AnyUser, festival: Festival) -> bool:
    """Figures are counts only (no person), public once the festival has ended."""
    if can_manage_festivals(user, festival.city):
        return True
    return festival.is_published and festival.has_ended


def can_submit_for(user: AnyUser, provider: Provider) -> bool:
    """Only the provider's own staff submit its events: the city decides on them."""
    return catalogue_permissions.is_provider_staff(user, provider)


def submitting_providers(user: AnyUser, city: City) -> "QuerySet[Provider]":
    """The providers of ``city`` whose staff ``user`` is."""
    if not (user.is_authenticated and user.is_active):
        return Provider.objects.none()
    return for_city(Provider, city).filter(memberships__user=user)
