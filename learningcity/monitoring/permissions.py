"""Who may do what in monitoring. Every access decision of the app is made here.

- Everyone: frameworks, derived indicators (computed from the public catalogue) and
  the results of finished index runs (scores, ranks, intervals).
- A city's coordinators: that city's values, drafts included, data entry, imports,
  validation, the city's own framework (local indicators), and a preview of the
  index with the city's values as they stand (built on request, never published).
- Network coordinators: validated values of every city, the network frameworks,
  and network index runs. They never see a city's drafts.
"""

from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser

from .models import Framework


def can_enter_values(user: AnyUser, city: City) -> bool:
    return core_permissions.can_manage_city(user, city)


def can_preview_index(user: AnyUser, city: City) -> bool:
    return core_permissions.can_manage_city(user, city)


def can_see_drafts(user: AnyUser, city: City) -> bool:
    return core_permissions.can_manage_city(user, city)


def can_see_values(user: AnyUser, city: City) -> bool:
    """Validated values with their provenance (who entered them)."""
    return core_permissions.can_manage_city(user, city) or core_permissions.is_network_coordinator(
        user
    )


def can_edit_framework(user: AnyUser, framework: Framework) -> bool:
    if framework.city is None:
        return core_permissions.is_network_coordinator(user)
    return core_permissions.can_manage_city(user, framework.city)


def can_manage_network_frameworks(user: AnyUser) -> bool:
    return core_permissions.is_network_coordinator(user)


def can_run_network_index(user: AnyUser) -> bool:
    return core_permissions.is_network_coordinator(user)


def can_see_run(user: AnyUser, run_is_done: bool) -> bool:
    """Finished runs are public; queued, running and failed ones are the network
    coordinators' working material."""
    return run_is_done or core_permissions.is_network_coordinator(user)
