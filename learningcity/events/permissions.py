"""Who may do what with the award and the conferences. Every access decision of this
app is made here.

- Award: anyone reads published winners and the archive. Network coordinators run
  cycles, seat and assign jurors, see every score and decide. A city's coordinators
  apply for their city and see its dossier, its status and the citation, never who
  the jurors are or what they scored. A National Commission account sees and
  nominates its own country's dossiers only. A juror sees only the dossiers assigned
  to them, and only their own scores.
- Conferences: anyone reads a conference, its programme, visits and manifesto; a
  signed-in person registers; a registration is seen by its person and the
  organisers (network coordinators and the conference's staff), who also check
  participants in, print badges and read the report. The drafting committee (and
  the network coordinators) decides amendments and adopts; registered participants
  comment and propose; a city's coordinators sign for their city."""

from django.db.models import Q, QuerySet

from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser
from learningcity.network.permissions import commission_countries

from .models import (
    AwardApplication,
    Conference,
    JuryAssignment,
    Manifesto,
    Registration,
)

require = core_permissions.require


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_network_coordinator(user: AnyUser) -> bool:
    return core_permissions.is_network_coordinator(user)


def can_manage_award(user: AnyUser) -> bool:
    return is_network_coordinator(user)


def can_apply_for(user: AnyUser, city: City) -> bool:
    return core_permissions.is_city_coordinator(user, city) or core_permissions.is_site_admin(user)


def is_award_juror(user: AnyUser) -> bool:
    return _active(user) and JuryAssignment.objects.filter(juror_id=user.pk).exists()


def is_commission(user: AnyUser) -> bool:
    return bool(commission_countries(user))


def visible_dossiers(user: AnyUser) -> "QuerySet[AwardApplication]":
    """The one way to list dossiers: all for network coordinators; otherwise the
    person's own cities', their commission's country's and those assigned to them."""
    dossiers = AwardApplication.objects.select_related("cycle", "city")
    if is_network_coordinator(user):
        return dossiers
    if not _active(user):
        return dossiers.none()
    seen = Q(city__in=core_permissions.coordinated_cities(user))
    countries = commission_countries(user)
    if countries:
        seen |= Q(city__country_code__in=countries)
    seen |= Q(assignments__juror_id=user.pk)
    return dossiers.filter(seen).distinct()


def can_nominate(user: AnyUser, dossier: AwardApplication) -> bool:
    return dossier.city.country_code in commission_countries(user)


def assignment_of(user: AnyUser, dossier: AwardApplication) -> JuryAssignment | None:
    if not _active(user):
        return None
    return JuryAssignment.objects.filter(application=dossier, juror_id=user.pk).first()


def can_see_jury(user: AnyUser) -> bool:
    """Jurors' names and every score: the network's coordinators only."""
    return is_network_coordinator(user)


# -- conferences ---------------------------------------------------------------------


def is_organiser(user: AnyUser, conference: Conference) -> bool:
    if is_network_coordinator(user):
        return True
    return _active(user) and conference.staff.filter(pk=user.pk).exists()


def registration_of(user: AnyUser, conference: Conference) -> Registration | None:
    if not (user.is_authenticated and user.is_active):
        return None
    return Registration.objects.filter(conference=conference, user=user).first()


def can_view_registration(user: AnyUser, registration: Registration) -> bool:
    return (_active(user) and registration.user_id == user.pk) or is_organiser(
        user, registration.conference
    )


def is_drafting_committee(user: AnyUser, manifesto: Manifesto) -> bool:
    if is_network_coordinator(user):
        return True
    return _active(user) and manifesto.committee.filter(pk=user.pk).exists()


def signing_cities(user: AnyUser) -> list[City]:
    return core_permissions.coordinated_cities(user) if _active(user) else []
