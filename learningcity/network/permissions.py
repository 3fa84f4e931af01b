"""Who may do what in the network. Every access decision of this app is made here.

- Anyone reads the directory, member profiles (without the contact person's
  details) and published practices.
- A city's coordinators edit that city's profile and write its practices; network
  coordinators (and site admins) edit any profile, change membership status, import
  and export the directory, and review practices.
- An unpublished practice is seen only by its city's coordinators and the network
  coordinators."""

from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser

from .models import Practice

require = core_permissions.require


def is_network_coordinator(user: AnyUser) -> bool:
    return core_permissions.is_network_coordinator(user)


def can_edit_profile(user: AnyUser, city: City) -> bool:
    return is_network_coordinator(user) or core_permissions.is_city_coordinator(user, city)


def can_see_contact(user: AnyUser, city: City) -> bool:
    """The contact person's details are for the network, not for the public."""
    return can_edit_profile(user, city)


def can_change_status(user: AnyUser) -> bool:
    return is_network_coordinator(user)


def can_manage_directory(user: AnyUser) -> bool:
    """Import and export the member directory with contact details."""
    return is_network_coordinator(user)


def can_edit_city_practices(user: AnyUser, city: City) -> bool:
    return is_network_coordinator(user) or core_permissions.is_city_coordinator(user, city)


def practice_cities(user: AnyUser) -> list[City]:
    """The cities for which ``user`` may write a practice."""
    if is_network_coordinator(user):
        return list(City.objects.all())
    return core_permissions.coordinated_cities(user)


def can_review_practices(user: AnyUser) -> bool:
    return is_network_coordinator(user)


def can_edit_practice(user: AnyUser, practice: Practice) -> bool:
    return can_edit_city_practices(user, practice.city)


def can_view_practice(user: AnyUser, practice: Practice) -> bool:
    return practice.is_published or can_edit_practice(user, practice)


def can_see_revisions(user: AnyUser, practice: Practice) -> bool:
    return can_edit_practice(user, practice)
