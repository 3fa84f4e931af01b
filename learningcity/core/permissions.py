"""Who may do what in core. Every access decision for cities is made here."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from .models import City, Role, RoleGrant, User

AnyUser = User | AnonymousUser


def is_site_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_network_coordinator(user: AnyUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return (
        is_site_admin(user)
        or RoleGrant.objects.filter(user=user, role=Role.NETWORK_COORDINATOR).exists()
    )


def is_city_coordinator(user: AnyUser, city: City) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return RoleGrant.objects.filter(user=user, role=Role.CITY_COORDINATOR, city=city).exists()


def can_manage_city(user: AnyUser, city: City) -> bool:
    """City coordinators of this city, and site admins. Network coordinators see the
    network's shared figures, not a city's private records."""
    return is_site_admin(user) or is_city_coordinator(user, city)


def coordinated_cities(user: AnyUser) -> list[City]:
    if not user.is_authenticated:
        return []
    if is_site_admin(user):
        return list(City.objects.all())
    return list(
        City.objects.filter(role_grants__user=user, role_grants__role=Role.CITY_COORDINATOR)
    )


def require(allowed: bool) -> None:
    """Refuse with 403 (the view's login redirect handles anonymous visitors first)."""
    if not allowed:
        raise PermissionDenied
