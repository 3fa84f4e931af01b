"""Who may do what in the network. Every access decision of this app is made here.

- Anyone reads the directory, member profiles (without the contact person's
  details) and published practices.
- A city's coordinators edit that city's profile and write its practices; network
  coordinators (and site admins) edit any profile, change membership status, import
  and export the directory, and review practices.
- An unpublished practice is seen only by its city's coordinators and the network
  coordinators.
- Membership: network coordinators run calls, give National Commission accounts,
  assign jurors and decide; a city's coordinators apply for their city and write its
  biennial reports; a National Commission account endorses or declines the
  applications of its country and sees only those; a juror sees only the
  applications assigned to them. ``visible_applications`` is the one way to list
  applications, ``can_view_application`` the one check for one.
- Peer learning: a cluster's threads are for accounts with a role in one of its
  member cities and the network coordinators; the coordinating city's coordinators
  and the network coordinators moderate; a city's coordinators see its peer matches
  and exchanges and act for it (``exchanges_of`` lists a city's exchanges).
- Partnerships and trainings: anyone reads partners and partnerships; network
  coordinators manage them and the network's trainings; a certificate of attendance
  is downloaded by its attendee (and the network coordinators) only."""

from django.db.models import Q, QuerySet

from learningcity.catalogue.models import Enrolment
from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser

from .models import (
    Cluster,
    CommissionGrant,
    JurorAssignment,
    MembershipApplication,
    MembershipReport,
    PeerExchange,
    Practice,
)

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


# -- the membership lifecycle ---------------------------------------------------------


def can_manage_calls(user: AnyUser) -> bool:
    """Open calls and set their rules, give National Commission accounts, assign
    jurors, decide, and follow every member's reports."""
    return is_network_coordinator(user)


def commission_countries(user: AnyUser) -> set[str]:
    """The countries whose National Commission this account speaks for."""
    if not (user.is_authenticated and user.is_active):
        return set()
    return set(CommissionGrant.objects.filter(user=user).values_list("country_code", flat=True))


def is_commission(user: AnyUser) -> bool:
    return bool(commission_countries(user))


def is_juror(user: AnyUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return JurorAssignment.objects.filter(juror=user).exists()


def can_apply_for(user: AnyUser, city: City) -> bool:
    """A city applies through its own coordinators."""
    return core_permissions.is_city_coordinator(user, city) or core_permissions.is_site_admin(user)


def visible_applications(user: AnyUser) -> "QuerySet[MembershipApplication]":
    """Every application ``user`` may see: all for network coordinators; otherwise
    their own cities', their commission's countries' and those assigned to them."""
    applications = MembershipApplication.objects.select_related("call", "city")
    if is_network_coordinator(user):
        return applications
    if not (user.is_authenticated and user.is_active):
        return applications.none()
    seen = Q(city__in=core_permissions.coordinated_cities(user))
    countries = commission_countries(user)
    if countries:
        seen |= Q(city__country_code__in=countries)
    seen |= Q(assignments__juror=user)
    return applications.filter(seen).distinct()


def can_view_application(user: AnyUser, application: MembershipApplication) -> bool:
    if is_network_coordinator(user) or can_apply_for(user, application.city):
        return True
    return can_endorse(user, application) or assignment_of(user, application) is not None


def can_endorse(user: AnyUser, application: MembershipApplication) -> bool:
    """The National Commission of the applying city's country."""
    return application.city.country_code in commission_countries(user)


def assignment_of(user: AnyUser, application: MembershipApplication) -> JurorAssignment | None:
    """The juror's own assignment to ``application`` (None: not a juror of it)."""
    if not (user.is_authenticated and user.is_active):
        return None
    return JurorAssignment.objects.filter(application=application, juror=user).first()


def can_see_all_scores(user: AnyUser) -> bool:
    """Jurors score alone; only the network's coordinators see every score."""
    return is_network_coordinator(user)


def can_see_lifecycle(user: AnyUser, city: City) -> bool:
    """A city's applications and reports page."""
    return is_network_coordinator(user) or can_apply_for(user, city)


def can_write_report(user: AnyUser, report: MembershipReport) -> bool:
    return can_apply_for(user, report.city)


def can_view_report(user: AnyUser, report: MembershipReport) -> bool:
    return is_network_coordinator(user) or can_apply_for(user, report.city)


# -- peer learning and policy dialogue ------------------------------------------------
#
# A cluster's threads are for the people of its member cities (an account with a role
# in a member city) and the network's coordinators: they read, post, reply, report
# and subscribe. The network's coordinators and the coordinators of the cluster's
# coordinating city moderate (hide and restore, with a reason). A city's coordinators
# see its peer matches and exchanges, send requests for it and answer requests sent
# to it; network coordinators see every exchange and match.


def posting_cities(user: AnyUser, cluster: Cluster) -> list[City]:
    """The member cities of ``cluster`` in which ``user`` holds a role."""
    if not (user.is_authenticated and user.is_active):
        return []
    return list(
        City.objects.filter(role_grants__user=user, cluster_memberships__cluster=cluster)
        .distinct()
        .order_by("name")
    )


def can_post_in_cluster(user: AnyUser, cluster: Cluster) -> bool:
    return is_network_coordinator(user) or bool(posting_cities(user, cluster))


def can_read_cluster_threads(user: AnyUser, cluster: Cluster) -> bool:
    return can_post_in_cluster(user, cluster)


def can_moderate_cluster(user: AnyUser, cluster: Cluster) -> bool:
    if is_network_coordinator(user):
        return True
    city = cluster.coordinating_city
    return city is not None and core_permissions.is_city_coordinator(user, city)


def can_act_for_city(user: AnyUser, city: City) -> bool:
    """Send and answer peer-exchange requests for ``city``."""
    return core_permissions.is_city_coordinator(user, city) or core_permissions.is_site_admin(user)


def can_see_peers(user: AnyUser, city: City) -> bool:
    """A city's peer matches and its exchanges."""
    return is_network_coordinator(user) or can_act_for_city(user, city)


def exchanges_of(city: City) -> "QuerySet[PeerExchange]":
    """The one way to list a city's exchanges: those it sent and those sent to it."""
    return PeerExchange.objects.filter(Q(from_city=city) | Q(to_city=city)).select_related(
        "from_city", "to_city"
    )


def can_view_exchange(user: AnyUser, exchange: PeerExchange) -> bool:
    return (
        is_network_coordinator(user)
        or can_act_for_city(user, exchange.from_city)
        or can_act_for_city(user, exchange.to_city)
    )


def can_answer_exchange(user: AnyUser, exchange: PeerExchange) -> bool:
    return can_act_for_city(user, exchange.to_city)


def can_record_outcome(user: AnyUser, exchange: PeerExchange) -> bool:
    return can_act_for_city(user, exchange.from_city) or can_act_for_city(user, exchange.to_city)


# -- partnerships and capacity development ------------------------------------------


def can_manage_partners(user: AnyUser) -> bool:
    """Partners, partnerships and the network's trainings are the network's."""
    return is_network_coordinator(user)


def can_download_certificate(user: AnyUser, enrolment: Enrolment) -> bool:
    """The attendee's own, and the network coordinators' (who run the trainings)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return enrolment.user_id == user.pk or is_network_coordinator(user)
