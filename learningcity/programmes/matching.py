"""The programmes' records turned into the matching engine's profiles, and its
answers turned into reasons people can read. No writes here (see ``services``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learningcity.core.models import District
from learningcity.engines.matching import Candidate, MatchResult, PairArrays, solve_matching
from learningcity.engines.matching.fit import Fit, Profile, assess

from .models import (
    REQUIRED_CHECKS,
    Group,
    Mentee,
    Mentor,
    Resident,
    Volunteer,
)
from .vocabulary import INTERESTS, languages_text, weekly_slots

BLOCKER_TEXT = {
    "checks": lambda: _("the volunteer's training or safeguarding check is not valid"),
    "language": lambda: _("no shared language"),
    "time": lambda: _("no time in common in the week"),
    "distance": lambda: _("further away than the volunteer travels"),
    "preference": lambda: _("not the kind of volunteer the person asked for"),
}


def _place(district: District | None) -> tuple[float, float] | None:
    return None if district is None else (district.latitude, district.longitude)


def checks_valid_on(volunteer: Volunteer, day: date) -> bool:
    """Both required checks valid on ``day`` (uses prefetched ``checks`` if present)."""
    valid = {check.kind for check in volunteer.checks.all() if check.is_valid_on(day)}
    return all(kind in valid for kind in REQUIRED_CHECKS)


def resident_profile(resident: Resident) -> Profile:
    return Profile(
        id=str(resident.public_id),
        languages=frozenset(resident.languages),
        interests=frozenset(resident.interests),
        slots=weekly_slots(resident.availability),
        place=_place(resident.district),
        wants_gender=resident.wants_volunteer_gender,
    )


def volunteer_profile(volunteer: Volunteer, today: date) -> Profile:
    return Profile(
        id=str(volunteer.public_id),
        languages=frozenset(volunteer.languages),
        interests=frozenset(volunteer.interests),
        slots=weekly_slots(volunteer.availability),
        place=_place(volunteer.district),
        travel_km=float(volunteer.travel_km),
        gender=volunteer.gender,
        checks_valid=checks_valid_on(volunteer, today),
    )


def group_profile(group: Group, *, travels: bool) -> Profile:
    site = group.site
    known = site.latitude is not None and site.longitude is not None
    place = (float(site.latitude), float(site.longitude)) if known else None  # type: ignore[arg-type]
    return Profile(
        id=str(group.public_id),
        languages=frozenset(group.languages),
        interests=frozenset(group.interests),
        slots=weekly_slots(group.availability),
        place=place,
        travel_km=float(group.travel_km) if travels else None,
    )


def assess_pair(resident: Resident, volunteer: Volunteer) -> Fit:
    return assess(resident_profile(resident), volunteer_profile(volunteer, date.today()))


def mentee_profile(mentee: Mentee) -> Profile:
    return Profile(
        id=str(mentee.public_id),
        languages=frozenset(mentee.languages),
        interests=frozenset(mentee.fields) | {f"aim:{mentee.aim}"},
        # Mentoring meets at times the pair agrees; only language, aim and fields count.
        slots=(),
    )


def mentor_profile(mentor: Mentor) -> Profile:
    return Profile(
        id=str(mentor.public_id),
        languages=frozenset(mentor.languages),
        interests=frozenset(mentor.fields) | {f"aim:{aim}" for aim in mentor.aims},
        slots=(),
    )


def mentoring_fit(mentee: Mentee, mentor: Mentor) -> Fit:
    """Mentoring's own hard constraints: a shared language and the mentee's aim."""
    fit = assess(mentee_profile(mentee), mentor_profile(mentor))
    blockers = [b for b in fit.blockers if b not in ("time",)]
    if mentee.aim not in mentor.aims:
        blockers.append("aim")
    score = round(fit.parts["interests"] * 2.5, 2)  # shared fields, out of 100
    return Fit(
        feasible=not blockers,
        score=score,
        blockers=tuple(blockers),
        shared_languages=fit.shared_languages,
        shared_interests=tuple(i for i in fit.shared_interests if not i.startswith("aim:")),
    )


def reasons_of(fit: Fit) -> list[str]:
    """Why a pair fits, in plain words (stored with the pair, in the viewer's language
    at the time of the run)."""
    topics = dict(INTERESTS.choices)
    reasons = [_("speak %(languages)s") % {"languages": languages_text(fit.shared_languages)}]
    if fit.shared_interests:
        names = ", ".join(str(topics.get(i, i)) for i in fit.shared_interests)
        reasons.append(_("both like %(topics)s") % {"topics": names})
    if fit.minutes_together:
        hours = round(fit.minutes_together / 60, 1)
        reasons.append(
            ngettext(
                "%(hours)s hour a week free at the same time",
                "%(hours)s hours a week free at the same time",
                # Plural rules take whole numbers; 1.5 hours reads as plural.
                int(hours) if hours == int(hours) else 2,
            )
            % {"hours": hours}
        )
    if fit.km_apart is not None:
        reasons.append(_("%(km)s km apart") % {"km": fit.km_apart})
    return reasons


def blockers_text(fit: Fit) -> list[str]:
    extra = {"aim": lambda: _("the mentor does not help with this aim")}
    return [(BLOCKER_TEXT.get(code) or extra[code])() for code in fit.blockers]


@dataclass
class Instance:
    """Feasible pairs with their fits, ready for the engine."""

    fits: dict[tuple[str, str], Fit]
    capacity: dict[str, int]

    def solve(
        self, *, existing: dict[str, str] | None = None, fixed: dict[str, str] | None = None
    ) -> MatchResult:
        candidates = [
            Candidate(person, helper, fit.score) for (person, helper), fit in self.fits.items()
        ]
        return solve_matching(
            PairArrays.from_candidates(candidates, self.capacity), existing=existing, fixed=fixed
        )


def build_instance(
    people: Sequence[Profile],
    helpers: Iterable[tuple[Profile, int]],
) -> Instance:
    """Every feasible (person, helper) pair among ``people`` and ``helpers`` (with
    each helper's remaining capacity)."""
    helper_list = list(helpers)
    fits: dict[tuple[str, str], Fit] = {}
    for person in people:
        for helper, _capacity in helper_list:
            fit = assess(person, helper)
            if fit.feasible:
                fits[(person.id, helper.id)] = fit
    return Instance(fits=fits, capacity={helper.id: room for helper, room in helper_list})
