"""Who may do what in participation. Every access decision of the app is made here.

- Everyone: published processes, proposals, debates, budgets' projects and results,
  accountability, the Atom feed.
- Taking part (proposing, supporting, commenting, voting): a signed-in resident; when
  the process asks for it, one verified against the city's census, old enough
  (``Process.min_age``) and living in one of the process's districts (or the
  budget's district).
- A city's coordinators (and site admins): answer proposals, hide and restore
  content, tally budgets, upload the census, record results, for their own city only.
- Provider staff: endorse proposals in the name of their organisation.
- A budget open to one-time participation (``Budget.who_may_vote``): anyone not signed
  in who confirms an e-mail address votes once (``email_voting``).
- A proposal's author: add and remove its pictures; a coordinator may remove one.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.catalogue.models import Provider
from learningcity.catalogue.permissions import is_provider_staff
from learningcity.core import permissions as core_permissions
from learningcity.core.models import City, District
from learningcity.core.permissions import AnyUser

from .models import Assembly, Budget, Process, Proposal, Verification, Who, WhoMayVote


def can_manage_participation(user: AnyUser, city: City) -> bool:
    return core_permissions.can_manage_city(user, city)


def can_manage_assembly(user: AnyUser, assembly: Assembly) -> bool:
    """Members, meetings and minutes of an assembly: the city's coordinators."""
    return can_manage_participation(user, assembly.city)


def can_edit_proposal_images(user: AnyUser, proposal: Proposal) -> bool:
    return bool(user.is_authenticated and proposal.author_id == user.pk)


def can_remove_proposal_image(user: AnyUser, proposal: Proposal) -> bool:
    """One picture at a time: its author, or a coordinator of the proposal's city."""
    return can_edit_proposal_images(user, proposal) or can_manage_participation(
        user, proposal.process.city
    )


def may_vote_by_email(user: AnyUser, budget: Budget) -> bool:
    """One-time participation: offered to visitors who are not signed in, and to
    signed-in people the process's own rule leaves out."""
    if budget.who_may_vote != WhoMayVote.EMAIL_ONCE:
        return False
    return not user.is_authenticated or bool(
        why_not_take_part(user, budget.process, budget.district)
    )


def can_endorse_for(user: AnyUser, provider: Provider) -> bool:
    return is_provider_staff(user, provider)


def why_not_take_part(user: AnyUser, process: Process, district: District | None = None) -> str:
    """Empty when ``user`` may take part in ``process`` (in ``district`` when the
    action is about one, such as a district's budget); otherwise what to do first."""
    if not user.is_authenticated:
        return _("Sign in to take part.")
    if process.who_may_take_part != Who.CENSUS:
        return ""
    verification = Verification.objects.filter(city=process.city, user=user).first()
    if verification is None:
        return _("Confirm that you live here (census check) to take part.")
    age = timezone.localdate().year - verification.birth_year
    if age < process.min_age:
        return _("This process is open to residents aged %(age)s or over.") % {
            "age": process.min_age
        }
    allowed = {d.pk for d in process.districts.all()}
    if district is not None:
        allowed = {district.pk}
    if allowed and verification.district_id not in allowed:
        return _("This is open to residents of another district.")
    return ""
