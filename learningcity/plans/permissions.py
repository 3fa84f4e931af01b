"""Who may do what with a learning-city plan. Every access decision of the app is
made here.

- Everyone: the published plan (the latest version, the actions' status and
  updates, the targets' progress), its report, exports and versions.
- A city's coordinators (and site admins): the working draft, editing it, and
  publishing versions. Another city's coordinator sees only what is published.
- Staff of the provider responsible for an action: progress updates on that action
  (and on no other). Actions owned by a partner named in words are updated by the
  coordinators.
"""

from django.db.models import QuerySet

from learningcity.catalogue.models import ProviderMembership
from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser
from learningcity.core.tenancy import for_city

from .models import Action


def can_edit_plan(user: AnyUser, city: City) -> bool:
    return core_permissions.can_manage_city(user, city)


def can_see_draft(user: AnyUser, city: City) -> bool:
    return core_permissions.can_manage_city(user, city)


def can_update_action(user: AnyUser, action: Action) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if core_permissions.can_manage_city(user, action.plan.city):
        return True
    if action.provider_id is None:
        return False
    return ProviderMembership.objects.filter(provider_id=action.provider_id, user=user).exists()


def owned_actions(user: AnyUser, city: City) -> "QuerySet[Action]":
    """The city's actions whose responsible provider ``user`` works for."""
    actions = for_city(Action, city)
    if not (user.is_authenticated and user.is_active):
        return actions.none()
    return actions.filter(provider__memberships__user=user)


def owns_any_action(user: AnyUser, city: City) -> bool:
    return owned_actions(user, city).exists()
