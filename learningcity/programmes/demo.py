"""Demo data for the three programmes in the demo city: volunteers (one with an
expired check), referred residents waiting, proposed, active, suspended and ended
pairs with visits and loneliness answers; children's and older adults' groups with an
accepted pair and its sessions; counsellors with free and booked times and a note;
mentors and mentees with an active mentorship, goals, meetings and an outcome.
Every name is labelled "(demo)"; seeding takes well under a second."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from learningcity.catalogue.models import LearningSite
from learningcity.core.demo import DemoContext
from learningcity.core.models import District, User
from learningcity.core.tenancy import for_city

from . import guidance, intergenerational, services
from .models import (
    AppointmentMode,
    CheckKind,
    GroupKind,
    LonelinessScore,
    MentoringAim,
    OutcomeKind,
    Pair,
    PairStatus,
    Resident,
    Visit,
    Volunteer,
    VolunteerCheck,
)

WEEKDAY_MORNINGS = [{"day": d, "start": "09:00", "end": "12:00"} for d in ("mon", "wed", "fri")]
AFTERNOONS = [{"day": d, "start": "14:00", "end": "17:30"} for d in ("tue", "thu")]

VOLUNTEERS = [
    ("vol-lucia", "Lucía (demo volunteer)", ["es", "en"], ["arts", "heritage"], "woman", 2),
    ("vol-jorge", "Jorge (demo volunteer)", ["es"], ["sport", "health"], "man", 1),
    ("vol-amina", "Amina (demo volunteer)", ["es", "ar", "fr"], ["arts", "crafts"], "woman", 2),
    ("vol-pedro", "Pedro (demo volunteer)", ["es"], ["heritage", "sport"], "man", 1),
]
RESIDENTS = [
    ("Rosa", ["es"], ["arts", "heritage"], "older_people", "woman"),
    ("Hernán", ["es"], ["sport"], "older_people", ""),
    ("Fatima", ["ar", "es"], ["crafts", "arts"], "disabilities", "woman"),
    ("Luis", ["es"], ["heritage"], "disabilities", ""),
    ("Carmen", ["es", "en"], ["arts"], "older_people", ""),
    ("Omar", ["ar"], ["sport"], "older_people", ""),
]


def seed_demo(context: DemoContext) -> None:
    city = context.demo_city
    districts = list(for_city(District, city).order_by("pk"))
    sites = list(for_city(LearningSite, city).filter(latitude__isnull=False).order_by("pk")[:4])
    if not districts or len(sites) < 2:
        return
    coordinator = context.accounts["coordinator"]
    today = timezone.localdate()
    volunteers = _volunteers(context, districts, coordinator, today)
    residents = []
    for i, (name, languages, interests, group, wants) in enumerate(RESIDENTS):
        resident = services.refer_resident(
            actor=coordinator,
            city=city,
            fields={
                "consent": True,
                "consent_how": "in person (demo)",
                "referred_by": ["social_worker", "family"][i % 2],
                "first_name": f"{name} (demo)",
                "languages": languages,
                "interests": interests,
                "availability": WEEKDAY_MORNINGS if i % 2 == 0 else AFTERNOONS + WEEKDAY_MORNINGS,
                "district": districts[i % len(districts)],
                "group": group,
                "wants_volunteer_gender": wants,
                "needs_private": "Uses a walking frame (demo).",
            },
        )
        residents.append(resident)
    services.run_befriending_match(actor=coordinator, city=city)
    proposed = list(Pair.objects.filter(resident__city=city, status=PairStatus.PROPOSED))
    for pair in proposed[:3]:
        services.accept_pair(actor=coordinator, pair=pair)
    _history(residents, coordinator, today)
    # One volunteer's safeguarding check has lapsed: the daily task suspends the pair.
    active = Pair.objects.filter(resident__city=city, status=PairStatus.ACTIVE).first()
    lapsed = active.volunteer if active is not None else volunteers[1]
    VolunteerCheck.objects.filter(volunteer=lapsed, kind=CheckKind.SAFEGUARDING).update(
        checked_on=today - timedelta(days=800), expires_on=today - timedelta(days=2)
    )
    services.suspend_pairs_with_expired_checks(today=today)
    _intergenerational(context, sites, coordinator)
    _guidance(context, coordinator)
    context.log("  programmes: befriending, intergenerational pairs, guidance and mentoring")


def _volunteers(
    context: DemoContext, districts: list[District], coordinator: User, today: date
) -> list[Volunteer]:
    city = context.demo_city
    volunteers = []
    for i, (key, name, languages, interests, gender, capacity) in enumerate(VOLUNTEERS):
        user = context.account(key, name=name)
        volunteer = services.register_volunteer(
            actor=user,
            city=city,
            fields={
                "languages": languages,
                "interests": interests,
                "availability": WEEKDAY_MORNINGS + AFTERNOONS,
                "district": districts[i % len(districts)],
                "travel_km": 15,
                "gender": gender,
                "capacity": capacity,
            },
        )
        for kind in (CheckKind.TRAINING, CheckKind.SAFEGUARDING):
            services.record_check(
                actor=coordinator,
                volunteer=volunteer,
                kind=kind,
                checked_on=today - timedelta(days=90),
                expires_on=today + timedelta(days=20 if i == 3 else 600),
                reference=f"DEMO-{i}-{kind[:4].upper()}",
            )
        volunteers.append(volunteer)
    return volunteers


def _history(residents: list[Resident], coordinator: User, today: date) -> None:
    """Visits and loneliness answers, so the dashboard has something to show."""
    for index, resident in enumerate(residents):
        pair = resident.pairs.filter(status=PairStatus.ACTIVE).first()
        LonelinessScore.objects.create(
            resident=resident,
            taken_on=today - timedelta(days=120),
            lack_companionship=3,
            left_out=3 - index % 2,
            isolated=3,
            recorded_by=coordinator,
        )
        if pair is None:
            continue
        for week in range(1, 9):
            Visit.objects.create(
                city=resident.city,
                pair=pair,
                visited_on=today - timedelta(weeks=week),
                hours=Decimal("2.5"),
                logged_by=pair.volunteer.user,
            )
        LonelinessScore.objects.create(
            resident=resident,
            taken_on=today - timedelta(days=10),
            lack_companionship=2,
            left_out=1,
            isolated=2,
            recorded_by=coordinator,
        )


def _intergenerational(context: DemoContext, sites: list[LearningSite], coordinator: User) -> None:
    city = context.demo_city
    groups = [
        (
            "Class 4B, Escuela La Esperanza (demo)",
            GroupKind.CHILDREN,
            sites[0],
            24,
            ["science", "arts"],
        ),
        ("Reading club for children (demo)", GroupKind.CHILDREN, sites[1], 12, ["literacy"]),
        (
            "Seniors' storytelling circle (demo)",
            GroupKind.OLDER,
            sites[1],
            10,
            ["arts", "heritage"],
        ),
        ("Senior gardeners (demo)", GroupKind.OLDER, sites[0], 8, ["science", "sustainability"]),
    ]
    for name, kind, site, size, interests in groups:
        intergenerational.register_group(
            actor=coordinator,
            city=city,
            fields={
                "kind": kind,
                "name": name,
                "site": site,
                "size": size,
                "interests": interests,
                "languages": ["es"],
                "availability": [{"day": "wed", "start": "10:00", "end": "12:00"}],
                "travel_km": 10,
            },
        )
    intergenerational.run_group_match(actor=coordinator, city=city)
    first = for_city(intergenerational.GroupPair, city).filter(status=PairStatus.PROPOSED).first()
    if first is not None:
        intergenerational.accept_group_pair(actor=coordinator, pair=first)


def _guidance(context: DemoContext, coordinator: User) -> None:
    city = context.demo_city
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    counsellor_user = context.account("counsellor", name="Marta, career counsellor (demo)")
    counsellor = guidance.appoint_counsellor(
        actor=coordinator,
        city=city,
        user=counsellor_user,
        languages=["es", "en"],
        about="Careers in care and ICT (demo).",
    )
    slots = []
    for day in range(1, 6):
        for hour in (9, 11, 15):
            start = now.replace(hour=hour) + timedelta(days=day)
            slots.append(
                guidance.publish_slot(
                    actor=counsellor_user,
                    counsellor=counsellor,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=45),
                    mode=AppointmentMode.ONLINE if hour == 15 else AppointmentMode.IN_PERSON,
                    place="Biblioteca Pública Piloto, room 2 (demo)"
                    if hour != 15
                    else "https://meet.example.org/demo",
                )
            )
    resident = context.accounts.get("resident") or context.account(
        "resident", name="Ana (demo resident)"
    )
    booked = guidance.book_slot(actor=resident, slot=slots[0])
    guidance.write_guidance_note(
        actor=counsellor_user,
        slot=booked,
        text="Interested in the ICT support qualification (demo).",
    )
    mentor_user = context.account("mentor", name="Beatriz, engineer and mentor (demo)")
    guidance.register_mentor(
        actor=coordinator,
        city=city,
        user=mentor_user,
        fields={
            "languages": ["es", "en"],
            "fields": ["digital", "work"],
            "aims": ["qualification", "leadership"],
            "capacity": 3,
        },
    )
    mentee_user = context.account("mentee", name="Daniela (demo mentee)")
    guidance.apply_for_mentoring(
        actor=mentee_user,
        city=city,
        fields={
            "aim": MentoringAim.QUALIFICATION,
            "fields": ["digital"],
            "languages": ["es"],
            "goals_private": "A degree in computing (demo).",
        },
    )
    guidance.apply_for_mentoring(
        actor=resident,
        city=city,
        fields={
            "aim": MentoringAim.LEADERSHIP,
            "fields": ["work"],
            "languages": ["es"],
            "goals_private": "",
        },
    )
    guidance.run_mentoring_match(actor=coordinator, city=city)
    ship = for_city(guidance.Mentorship, city).filter(mentee__user=mentee_user).first()
    if ship is not None:
        guidance.accept_mentorship(actor=coordinator, mentorship=ship)
        guidance.add_goal(
            actor=mentee_user, mentorship=ship, title="Apply to the evening degree (demo)"
        )
        guidance.log_meeting(
            actor=mentee_user,
            mentorship=ship,
            met_on=timezone.localdate() - timedelta(days=7),
            minutes=60,
            note="",
        )
        guidance.record_outcome(
            actor=mentor_user,
            mentorship=ship,
            kind=OutcomeKind.HIGHER_QUALIFICATION,
            achieved_on=timezone.localdate(),
        )
