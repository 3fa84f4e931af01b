"""Demo data for credentials: four qualifications (care work, construction, ICT
support, early childhood education) with language bridges, units and assessments,
mapped to courses of the demo provider; a migrant at each stage (recognition waiting,
recognition decided, on the way, qualified); issued, revoked and expired credentials;
a counsellor's saved plan. A few dozen signatures: well under a second."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from learningcity.catalogue.models import (
    Cost,
    Enrolment,
    EnrolmentStatus,
    Format,
    Level,
    Opportunity,
    ProviderMembership,
    Session,
)
from learningcity.core.demo import DemoContext

from . import pathways, recognition, services
from .models import (
    Achievement,
    HolderChoice,
    Qualification,
    RecognitionApplication,
    SavedPlan,
    Unit,
)

# (code, title, ISCED level, ISCED-F field, EQF, occupation, units: (code, title, credit, outcomes))
QUALIFICATIONS = [
    (
        "CARE-3",
        "Care assistant for older people",
        3,
        "0923",
        3,
        "Care assistant",
        [
            (
                "C1",
                "Personal care and dignity",
                10,
                "Helps with washing and dressing\nRespects privacy and choices",
            ),
            ("C2", "Health, safety and hygiene", 6, "Prevents infection\nMoves people safely"),
            ("C3", "Communication with residents and families", 6, "Listens and explains clearly"),
        ],
    ),
    (
        "CONS-2",
        "Construction site worker",
        3,
        "0732",
        2,
        "Construction worker",
        [
            ("K1", "Site safety", 4, "Uses protective equipment\nReports hazards"),
            ("K2", "Masonry basics", 8, "Lays bricks to a line"),
        ],
    ),
    (
        "ICT-4",
        "ICT support technician",
        4,
        "0612",
        4,
        "ICT support technician",
        [
            ("T1", "Hardware and operating systems", 8, "Installs and updates computers"),
            ("T2", "Networks and help desk", 8, "Solves users' connection problems"),
        ],
    ),
    (
        "ECE-4",
        "Early childhood educator",
        4,
        "0112",
        4,
        "Early childhood educator",
        [
            ("E1", "Child development", 10, "Plans play for each age"),
            ("E2", "Working with families", 6, "Builds trust with parents"),
        ],
    ),
]


def seed_demo(context: DemoContext) -> None:
    city = context.demo_city
    membership = ProviderMembership.objects.filter(
        user__email__startswith="provider@", provider__city=city
    ).select_related("provider", "user")
    first = membership.first()
    if first is None:
        context.log("credentials: no demo provider in the demo city; nothing seeded")
        return
    provider, staff = first.provider, first.user
    language = (city.languages or ["es"])[0]
    now = timezone.now()
    qualifications = []
    for code, title, isced, field, eqf, occupation, units in QUALIFICATIONS:
        qualification = Qualification.objects.create(
            city=city,
            provider=provider,
            code=code,
            title=title,
            awarding_body="City Vocational Awarding Body (demo)",
            isced_level=isced,
            isced_field=field,
            eqf_level=eqf,
            assessment_languages=[language, "en"],
            occupation=occupation,
        )
        bridge = Unit.objects.create(
            qualification=qualification,
            code=f"{code}-LANG",
            title=f"Language for {occupation.lower()} (B1)",
            kind=Unit.Kind.LANGUAGE,
            language=language,
            cefr_level="B1",
            position=0,
        )
        bridge.opportunities.add(
            _course(
                provider,
                f"{code.lower()}-language",
                bridge.title,
                language,
                now + timedelta(days=14),
                0,
            )
        )
        for position, (unit_code, unit_title, credit, outcomes) in enumerate(units, start=1):
            unit = Unit.objects.create(
                qualification=qualification,
                code=unit_code,
                title=unit_title,
                credit=Decimal(credit),
                outcomes=outcomes,
                position=position,
            )
            unit.opportunities.add(
                _course(
                    provider,
                    f"{code.lower()}-{unit_code.lower()}",
                    unit_title,
                    language,
                    now + timedelta(days=60 + 7 * position),
                    40 * position,
                )
            )
        exam = Unit.objects.create(
            qualification=qualification,
            code=f"{code}-EXAM",
            title="Final assessment",
            kind=Unit.Kind.ASSESSMENT,
            position=99,
        )
        if code != "ECE-4":  # one qualification with a gap: no assessment offered yet
            exam.opportunities.add(
                _course(
                    provider,
                    f"{code.lower()}-exam",
                    f"{title}: assessment",
                    language,
                    now + timedelta(days=150),
                    25,
                )
            )
        qualifications.append(qualification)
    care = qualifications[0]

    # A finished course of unit C1 and its badge: credentials valid, revoked, expired.
    course = _course(
        provider, "care-c1-past", "Personal care and dignity (finished group)", language, None, 0
    )
    Unit.objects.get(qualification=care, code="C1").opportunities.add(course)
    sessions = [
        Session.objects.create(
            opportunity=course,
            starts_at=now - timedelta(days=days),
            ends_at=now - timedelta(days=days) + timedelta(hours=3),
        )
        for days in (120, 110, 100, 90)
    ]
    badge = Achievement.objects.create(
        city=city,
        provider=provider,
        opportunity=course,
        unit=Unit.objects.get(qualification=care, code="C1"),
        name="Personal care and dignity (unit C1)",
        description="Helps older people with washing and dressing while respecting their privacy.",
        criteria="Attended at least 75% of the sessions of the course.",
        basis=Achievement.Basis.ATTENDANCE,
    )
    short_badge = Achievement.objects.create(
        city=city,
        provider=provider,
        opportunity=course,
        name="First aid refresher (valid one month)",
        description="First aid for care workers.",
        criteria="Attended at least 75% of the sessions.",
        basis=Achievement.Basis.ATTENDANCE,
        valid_months=1,
    )
    people = [
        context.account(f"migrant-{n}", name=f"Migrant learner {n} (demo)") for n in range(1, 7)
    ]
    for person in people[:5]:
        for session in sessions:
            Enrolment.objects.create(session=session, user=person, status=EnrolmentStatus.ATTENDED)
    HolderChoice.objects.create(user=people[0], show_name=True, group="migrant")
    HolderChoice.objects.create(user=people[1], show_name=False, group="woman")
    issued = [
        services.issue_credential(actor=staff, achievement=badge, person=p) for p in people[:4]
    ]
    services.revoke_credential(
        actor=staff, credential=issued[3], reason="Issued to the wrong person (demo)"
    )
    services.issue_credential(
        actor=staff, achievement=short_badge, person=people[0], now=now - timedelta(days=80)
    )

    # Recognition: one waiting, one decided (two units recognised).
    RecognitionApplication.objects.create(
        city=city,
        applicant=people[5],
        qualification=qualifications[2],
        statement="Five years repairing computers in my home country.",
        foreign_title="Technician diploma",
        foreign_country="VE",
        foreign_isced_level=4,
    )
    decided = RecognitionApplication.objects.create(
        city=city,
        applicant=people[1],
        qualification=care,
        statement="Nurse's aide for six years.",
        foreign_title="Auxiliar de enfermería",
        foreign_country="VE",
        foreign_isced_level=4,
    )
    coordinator = context.account("coordinator", name="City coordinator, Medellín (demo)")
    for unit_code, outcome, reason in (
        (
            "C2",
            "recognised",
            "The diploma and references cover infection control and moving people.",
        ),
        ("C3", "recognised", "Six years with patients and families, confirmed by the employer."),
        ("C1", "partly", "Covered in part; attend the course's dignity module."),
    ):
        recognition.decide_unit(
            assessor=coordinator,
            application=decided,
            unit=Unit.objects.get(qualification=care, code=unit_code),
            outcome=outcome,
            reason=reason,
        )
    counsellor = context.account("counsellor", name="Marta, career counsellor (demo)")
    plan = pathways.plan_for(
        care,
        city,
        languages={"ar": "C2", language: "A2"},
        held=frozenset(),
        available_from=timezone.localdate(),
    )
    SavedPlan.objects.create(
        city=city,
        person=people[4],
        counsellor=counsellor,
        qualification=care,
        plan={
            "steps": [step.offer.title for step in plan.steps],
            "gaps": [gap.code for gap in plan.gaps],
        },
        note="Language course first, then the units in spring.",
    )
    context.log(
        f"credentials: {len(qualifications)} qualifications, {len(issued) + 1} credentials "
        "(one revoked, one expired), 2 recognition applications, 1 saved plan"
    )


def _course(provider, slug, title, language, starts, fee) -> Opportunity:  # type: ignore[no-untyped-def]
    opportunity = Opportunity.objects.create(
        city=provider.city,
        provider=provider,
        slug=slug,
        title=title,
        level=Level.VOCATIONAL,
        format=Format.IN_PERSON,
        languages=[language],
        fee=Decimal(fee) if fee else None,
        cost=Cost.FEE if fee else Cost.FREE,
        next_start=starts,
    )
    if starts is not None:
        Session.objects.create(
            opportunity=opportunity, starts_at=starts, ends_at=starts + timedelta(hours=3)
        )
    return opportunity
