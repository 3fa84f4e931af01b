"""Who may do what in outreach. Every access decision of the app is made here.

- Everyone: the published timetable, stop pages, their calendar feeds and the
  printable timetables (stops are public places with public visit times).
- A city's coordinators (and site admins): demand blocks, candidate stops,
  vehicles, learning deserts, plans, publishing and cancelling visits, for their own
  city only. Another city's coordinator gets a 403 like any resident.
"""

from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser


def can_plan_outreach(user: AnyUser, city: City) -> bool:
    return core_permissions.can_manage_city(user, city)


def can_cancel_visit(user: AnyUser, city: City) -> bool:
    return core_permissions.can_manage_city(user, city)
