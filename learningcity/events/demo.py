"""Demo data of the award and conferences (written directly, fast, no e-mails):

- the 2019 award cycle, published, with ten winners (one per country, two per region);
- the current cycle in its jury phase: eight nominated dossiers, four jurors, three
  assigned to each dossier, most of the scores in;
- the International Conference on Learning Cities in the demo city (in a month): 350
  registrations in four categories, a three-day programme in three rooms (two
  sessions streamed, so they are online lectures in the catalogue), 12 site visits
  with some places booked, and a manifesto in drafting with comments and amendments.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from learningcity.core.demo import DemoContext
from learningcity.core.models import City
from learningcity.network.models import CityProfile
from learningcity.network.vocabulary import MembershipStatus

from . import conference_services, services
from .models import (
    CRITERION_CODES,
    Amendment,
    AmendmentKind,
    AwardApplication,
    AwardCycle,
    Conference,
    CyclePhase,
    DossierStatus,
    JurorProfile,
    JuryAssignment,
    Registration,
    RegistrationCategory,
    badge_code,
)

CATEGORIES = [
    ("delegation", "City delegation", None, 210),
    ("expert", "Expert", None, 80),
    ("partner", "Partner", None, 45),
    ("press", "Press", 30, 15),
]
FIRST_NAMES = ["Ana", "Li", "Omar", "Sofia", "Kwame", "Yuki", "Elena", "Ravi", "Fatima", "Jon"]
LAST_NAMES = ["García", "Wang", "Haddad", "Rossi", "Mensah", "Sato", "Petrova", "Iyer", "Diallo"]
VISITS = [
    "Library park of San Javier",
    "Parque Explora science museum",
    "UVA community centre in Aranjuez",
    "Mobile library on the metro cable",
    "Adult literacy circle in Comuna 13",
    "Technical school of the Pascual Bravo",
    "Botanical garden learning trail",
    "House of music in Castilla",
    "Digital skills lab at Ruta N",
    "Early-childhood centre Buen Comienzo",
    "Fab lab at the University of Antioquia",
    "Memory museum and peace school",
]
MANIFESTO = [
    "We, the cities gathered here, hold that learning throughout life is a right "
    "of every resident.",
    "We will open our libraries, schools and public spaces to learners of every age.",
    "We will measure our progress openly and share what works with the network.",
    "We will reach those furthest from learning first: migrants, older people and the poor.",
    "We will work with universities, employers and civil society as partners.",
    "We ask national governments to fund lifelong learning as public infrastructure.",
]


def _members(context: DemoContext) -> list[City]:
    member_ids = CityProfile.objects.filter(status=MembershipStatus.MEMBER).values("city")
    return list(City.objects.filter(pk__in=member_ids).order_by("name"))


def _one_per_country(cities: list[City], per_region: int, total: int) -> list[City]:
    chosen: list[City] = []
    countries: set[str] = set()
    regions: dict[str, int] = {}
    for city in cities:
        if city.country_code in countries or regions.get(city.region, 0) >= per_region:
            continue
        chosen.append(city)
        countries.add(city.country_code)
        regions[city.region] = regions.get(city.region, 0) + 1
        if len(chosen) == total:
            break
    return chosen


def _texts(city: City) -> dict[str, str]:
    return {
        code: f"Since joining the network, {city.name} advanced its work on {code}: "
        "new partners, more learners reached and results published every year."
        for code in CRITERION_CODES
    }


def _award(context: DemoContext, members: list[City]) -> tuple[int, int]:
    network = context.account("network", name="Network coordinator (demo)")
    past = AwardCycle.objects.create(
        title="Learning City Award 2019 (demo)",
        year=2019,
        phase=CyclePhase.PUBLISHED,
        opens_on=date(2019, 3, 1),
        closes_on=date(2019, 4, 30),
        nominations_close_on=date(2019, 5, 31),
        decision_note="Ten cities honoured before the conference in Medellín.",
        decided_at=timezone.make_aware(datetime(2019, 8, 1, 12)),
        published_at=timezone.make_aware(datetime(2019, 9, 1, 12)),
    )
    winners = _one_per_country(members, 2, 10)
    AwardApplication.objects.bulk_create(
        [
            AwardApplication(
                cycle=past,
                city=city,
                status=DossierStatus.WINNER,
                texts=_texts(city),
                citation=f"For {city.name}'s progress in making learning reachable for all.",
                submitted_at=timezone.make_aware(datetime(2019, 4, 20, 12)),
            )
            for city in winners
        ]
    )
    today = timezone.localdate()
    current = services.create_cycle(
        actor=network,
        data={
            "title": f"Learning City Award {today.year} (demo)",
            "year": today.year,
            "opens_on": today - timedelta(days=120),
            "closes_on": today - timedelta(days=60),
            "nominations_close_on": today - timedelta(days=30),
        },
    )
    AwardCycle.objects.filter(pk=current.pk).update(phase=CyclePhase.JURY)
    current.refresh_from_db()
    awarded = {city.pk for city in winners}
    nominees = _one_per_country([c for c in members if c.pk not in awarded], 2, 8)
    dossiers = AwardApplication.objects.bulk_create(
        [
            AwardApplication(
                cycle=current,
                city=city,
                status=DossierStatus.NOMINATED,
                texts=_texts(city),
                evidence="https://example.org/learning-city-report",
                monitoring={"values": [], "index": None},
                commission_note="Nominated by the National Commission (demo).",
                submitted_at=timezone.now() - timedelta(days=70 - index),
            )
            for index, city in enumerate(nominees)
        ]
    )
    jurors = [
        context.account("juror-1", name="Expert juror 1 (demo)"),
        context.account("juror-2", name="Expert juror 2 (demo)"),
        context.account("juror-3", name="Expert juror 3 (demo)"),
        context.account("juror-4", name="Expert juror 4 (demo)"),
    ]
    seats = [
        JurorProfile.objects.create(cycle=current, juror=juror, country_code=code)
        for juror, code in zip(jurors, ["CH", "ZA", "CA", "IN"], strict=True)
    ]
    rng = context.rng
    assignments = []
    for index, dossier in enumerate(dossiers):
        chosen = [seat for seat in seats if seat.country_code != dossier.city.country_code]
        chosen = [chosen[(index + k) % len(chosen)] for k in range(3)]
        for position, seat in enumerate(chosen):
            scored = not (index == len(dossiers) - 1 and position == 2)  # one still waits
            base = 8 - index // 2
            scores = (
                {code: min(10, max(0, base + int(rng.integers(-2, 3)))) for code in CRITERION_CODES}
                if scored
                else {}
            )
            assignments.append(
                JuryAssignment(
                    application=dossier,
                    juror=seat.juror,
                    assigned_by=network,
                    scores=scores,
                    comments=dict.fromkeys(CRITERION_CODES, "Clear evidence of progress.")
                    if scored
                    else {},
                    scored_at=timezone.now() - timedelta(days=3) if scored else None,
                )
            )
    JuryAssignment.objects.bulk_create(assignments)
    return len(winners), len(dossiers)


def _conference(context: DemoContext, members: list[City]) -> Conference:
    city = context.demo_city
    network = context.account("network", name="Network coordinator (demo)")
    today = timezone.localdate()
    conference = Conference.objects.create(
        slug="iclc-demo",
        title="International Conference on Learning Cities (demo)",
        city=city,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=32),
        venue="Plaza Mayor convention centre",
        capacity=400,
        registration_opens_on=today - timedelta(days=60),
        registration_closes_on=today + timedelta(days=20),
        form_fields=[
            {
                "name": "diet",
                "label": "Dietary needs",
                "kind": "choice",
                "choices": ["none", "vegetarian", "vegan", "halal", "kosher"],
                "required": False,
            },
            {
                "name": "photos",
                "label": "I agree to be photographed",
                "kind": "yes_no",
                "required": False,
            },
        ],
    )
    conference.staff.add(network)
    categories = {}
    for position, (code, name, capacity, _count) in enumerate(CATEGORIES):
        categories[code] = RegistrationCategory.objects.create(
            conference=conference, code=code, name=name, capacity=capacity, position=position
        )
    rows = []
    number = 0
    for code, _name, _capacity, count in CATEGORIES:
        for _ in range(count):
            delegate = members[number % len(members)] if code == "delegation" else None
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = LAST_NAMES[(number // len(FIRST_NAMES)) % len(LAST_NAMES)]
            rows.append(
                Registration(
                    conference=conference,
                    category=categories[code],
                    full_name=f"{first} {last} {number + 1}",
                    organisation=f"City of {delegate.name}" if delegate else "Demo organisation",
                    country_code=delegate.country_code if delegate else "CO",
                    city=delegate,
                    answers={"diet": "none", "photos": True},
                    badge_code=badge_code(),
                )
            )
            number += 1
    resident = context.accounts.get("resident")
    if resident is not None:
        rows[-1].user = resident
        rows[-1].full_name = resident.display_name or rows[-1].full_name
    Registration.objects.bulk_create(rows)

    rooms = [
        conference.rooms.create(name=name, capacity=cap)
        for name, cap in [("Plenary hall", 400), ("Room Aburrá", 120), ("Room Medellín", 80)]
    ]
    speakers = [
        conference.speakers.create(name=f"Speaker {n} (demo)", affiliation="Demo university")
        for n in range(1, 10)
    ]
    zone = city.tzinfo
    titles = [
        "Opening plenary",
        "Learning cities and the SDGs",
        "Measuring progress: the key features",
        "Inclusion: reaching those left behind",
        "Closing plenary and manifesto",
    ]
    for day in range(3):
        for slot, hour in enumerate([9, 11, 14, 16]):
            title = titles[(day * 4 + slot) % len(titles)] + f" (day {day + 1})"
            starts = datetime.combine(conference.starts_on + timedelta(days=day), time(hour), zone)
            streamed = slot == 0 and day in (0, 2)
            conference_services.add_programme_session(
                actor=network,
                conference=conference,
                data={
                    "title": title,
                    "description": "Mayors, experts and practitioners in conversation.",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=1, minutes=30),
                    "room": rooms[0] if slot == 0 else rooms[1 + slot % 2],
                    "stream_url": "https://stream.example.org/iclc" if streamed else "",
                    "speakers": speakers[slot * 2 : slot * 2 + 2],
                },
            )

    for index, title in enumerate(VISITS):
        starts = datetime.combine(
            conference.starts_on + timedelta(days=1 + index % 2), time(14 + index % 3), zone
        )
        conference_services.create_site_visit(
            actor=network,
            conference=conference,
            title=f"{title} (demo)",
            description="A guided visit with the people who run the programme.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            places=20 if index % 3 else 25,
            meeting_point=f"Bus stop {index + 1}, Plaza Mayor",
            accessibility=["step_free"] if index % 2 == 0 else [],
            accessibility_note="Step-free route; a van is available." if index % 2 == 0 else "",
            latitude=city.latitude + 0.01 * ((index % 4) - 1.5),
            longitude=city.longitude + 0.012 * ((index // 4) - 1),
        )

    manifesto = conference_services.start_manifesto(
        actor=network,
        conference=conference,
        title="Medellín Manifesto on learning cities (demo draft)",
        paragraphs=MANIFESTO,
    )
    manifesto.committee.add(network)
    paragraphs = list(manifesto.paragraphs.all())
    authors = list(conference.registrations.order_by("pk")[:6])
    Amendment.objects.bulk_create(
        [
            Amendment(
                paragraph=paragraphs[0],
                registration=authors[0],
                kind=AmendmentKind.COMMENT,
                comment="A strong opening; keep it short.",
            ),
            Amendment(
                paragraph=paragraphs[3],
                registration=authors[1],
                kind=AmendmentKind.AMENDMENT,
                comment="Name people with disabilities too.",
                proposed_text=(
                    "We will reach those furthest from learning first: migrants, older "
                    "people, people with disabilities and the poor."
                ),
            ),
            Amendment(
                paragraph=paragraphs[5],
                registration=authors[2],
                kind=AmendmentKind.AMENDMENT,
                comment="Ask for a share of the budget.",
                proposed_text=(
                    "We ask national governments to give lifelong learning a fixed share "
                    "of public education budgets."
                ),
            ),
        ]
    )
    return conference


def seed_demo(context: DemoContext) -> None:
    members = _members(context)
    if len(members) < 20:
        return
    winners, dossiers = _award(context, members)
    conference = _conference(context, members)
    context.log(
        f"events: award 2019 with {winners} winners, a cycle in jury phase with {dossiers} "
        f"dossiers, a conference with {conference.registrations.count()} registrations, "
        f"{conference.programme.count()} sessions, {conference.visits.count()} site visits "
        "and a manifesto in drafting"
    )
