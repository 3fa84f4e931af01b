"""The adapter between the database and the pathways engine
(``learningcity.engines.pathways``): only opportunities mapped to the
qualification's units are read, so a plan costs the same in a catalogue of 100,000."""

from datetime import date

from django.utils import timezone

from learningcity.catalogue.models import Opportunity
from learningcity.core.models import City, User
from learningcity.engines.pathways import Offer, Person, Plan, Requirement, find_way

from .models import Qualification, RecognitionApplication, Unit, UnitDecision


def requirements_of(qualification: Qualification) -> list[Requirement]:
    return [
        Requirement(
            code=unit.code,
            title=unit.title,
            kind=unit.kind,  # type: ignore[arg-type]
            position=unit.position,
            language=unit.language,
            level=unit.cefr_level,
            credit=float(unit.credit),
        )
        for unit in qualification.units.all()
    ]


def offers_for(qualification: Qualification, city: City, *, today: date) -> list[Offer]:
    # The mapping first, then the opportunities by primary key: joining the mapping to
    # the opportunities' table lets SQLite walk the city's 100,000 rows instead.
    mapping = Unit.opportunities.through.objects.filter(unit__qualification=qualification)
    covers: dict[int, set[str]] = {}
    for code, key in mapping.values_list("unit__code", "opportunity_id"):
        covers.setdefault(key, set()).add(code)
    found = {
        opportunity.pk: opportunity
        for opportunity in Opportunity.objects.filter(
            pk__in=list(covers), city=city, is_published=True
        ).only("pk", "title", "languages", "next_start", "fee", "cost")
    }
    offers = []
    for key, opportunity in found.items():
        if opportunity.next_start is None:
            continue  # nothing ahead: not something the city offers now
        starts = timezone.localtime(opportunity.next_start, city.tzinfo).date()
        if starts < today:
            continue
        offers.append(
            Offer(
                key=key,
                title=opportunity.title,
                covers=frozenset(covers[key]),
                languages=frozenset(opportunity.languages or []),
                starts=starts,
                ends=starts,
                cost=float(opportunity.fee or 0),
            )
        )
    return offers


def recognised_codes(person: User | None, qualification: Qualification) -> frozenset[str]:
    if person is None or not person.is_authenticated:
        return frozenset()
    return frozenset(
        UnitDecision.objects.filter(
            application__applicant=person,
            application__qualification=qualification,
            outcome=UnitDecision.Outcome.RECOGNISED,
        ).values_list("unit__code", flat=True)
    )


def plan_for(
    qualification: Qualification,
    city: City,
    *,
    languages: dict[str, str],
    held: frozenset[str],
    available_from: date,
    budget: float | None = None,
) -> Plan:
    return find_way(
        requirements_of(qualification),
        offers_for(qualification, city, today=available_from),
        Person(languages=languages, held=held, available_from=available_from, budget=budget),
    )


def applications_of(person: User, city: City) -> list[RecognitionApplication]:
    return list(
        RecognitionApplication.objects.filter(city=city, applicant=person).select_related(
            "qualification"
        )
    )
