"""Demo catalogue: providers, places, opportunities and their sessions for Medellín,
plus a small English-language catalogue for Cork (to show one city per tenant).

Titles and descriptions are built from templates, mostly in Spanish with some in
English and other languages, and many carry an English translation. Places are
spread over the sixteen comunas around each district's centre. Sessions are one-off
dates, weekly courses (RFC 5545 rules) and online lecture series with live and
recording links. Every random choice comes from ``context.rng``: the same seed gives
the same catalogue (dates are laid out from the day of seeding, so they stay current).
"""

import time
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from learningcity.core.db import refresh_planner_statistics
from learningcity.core.demo import DemoContext
from learningcity.core.models import City, District

from . import index_tasks
from .models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    TOPICS,
    Cost,
    Format,
    LearningSite,
    Level,
    Opportunity,
    OpportunityKind,
    Outcome,
    Provider,
    ProviderMembership,
    Sector,
    Session,
    SiteKind,
    Topic,
)
from .schedule import derive_schedule

BATCH = 2000
T = TypeVar("T")


@dataclass(frozen=True)
class Counts:
    providers: int
    sites: int
    opportunities: int


SIZES = {
    "small": Counts(providers=300, sites=1000, opportunities=5000),
    "large": Counts(providers=3000, sites=10_000, opportunities=100_000),
}

# -- wording ------------------------------------------------------------------------

# Per topic: (Spanish subject, English subject) pairs, used in the title templates.
SUBJECTS: dict[str, list[tuple[str, str]]] = {
    Topic.LITERACY: [
        ("lectura y escritura", "reading and writing"),
        ("matemáticas para la vida diaria", "everyday maths"),
        ("escritura creativa", "creative writing"),
        ("alfabetización de adultos", "adult literacy"),
        ("lectura en voz alta", "reading aloud"),
    ],
    Topic.LANGUAGES: [
        ("inglés básico", "beginners' English"),
        ("conversación en inglés", "English conversation"),
        ("francés para principiantes", "French for beginners"),
        ("portugués", "Portuguese"),
        ("lengua de señas colombiana", "Colombian sign language"),
        ("español para migrantes", "Spanish for newcomers"),
    ],
    Topic.DIGITAL: [
        ("alfabetización digital", "digital basics"),
        ("programación con Python", "programming with Python"),
        ("ofimática", "office software"),
        ("redes sociales para emprendedores", "social media for small businesses"),
        ("robótica", "robotics"),
        ("seguridad en internet", "staying safe online"),
        ("inteligencia artificial", "artificial intelligence"),
        ("uso del celular", "using your smartphone"),
    ],
    Topic.WORK: [
        ("hoja de vida y entrevista", "CVs and job interviews"),
        ("atención al cliente", "customer service"),
        ("búsqueda de empleo", "finding a job"),
        ("orientación vocacional", "career guidance"),
    ],
    Topic.HEALTH: [
        ("yoga", "yoga"),
        ("primeros auxilios", "first aid"),
        ("alimentación saludable", "healthy eating"),
        ("salud mental y bienestar", "mental health and well-being"),
        ("memoria activa", "keeping your memory active"),
    ],
    Topic.ARTS: [
        ("pintura", "painting"),
        ("fotografía con el celular", "smartphone photography"),
        ("danza urbana", "street dance"),
        ("teatro", "theatre"),
        ("guitarra", "guitar"),
        ("cine", "film"),
        ("música", "music"),
        ("poesía", "poetry"),
    ],
    Topic.HERITAGE: [
        ("historia de Medellín", "the history of Medellín"),
        ("memoria barrial", "neighbourhood memory"),
        ("patrimonio del centro", "heritage of the city centre"),
        ("tradición silletera", "the silletero tradition"),
    ],
    Topic.SCIENCE: [
        ("astronomía", "astronomy"),
        ("aves del valle de Aburrá", "birds of the Aburrá valley"),
        ("ciencia en familia", "family science"),
        ("química de la cocina", "kitchen chemistry"),
    ],
    Topic.SUSTAINABILITY: [
        ("huerta urbana", "urban gardening"),
        ("reciclaje y compostaje", "recycling and composting"),
        ("cambio climático", "climate change"),
        ("movilidad sostenible", "sustainable transport"),
    ],
    Topic.CITIZENSHIP: [
        ("derechos humanos", "human rights"),
        ("participación ciudadana", "taking part in your city"),
        ("presupuesto participativo", "participatory budgeting"),
        ("convivencia y paz", "living together in peace"),
    ],
    Topic.FAMILY: [
        ("crianza positiva", "positive parenting"),
        ("lectura en familia", "family reading"),
        ("estimulación temprana", "early years play"),
    ],
    Topic.MONEY: [
        ("finanzas personales", "personal finance"),
        ("emprendimiento", "starting a business"),
        ("contabilidad básica", "basic bookkeeping"),
    ],
    Topic.CRAFTS: [
        ("cocina", "cooking"),
        ("costura", "sewing"),
        ("carpintería", "woodwork"),
        ("panadería", "baking"),
        ("bisutería", "jewellery making"),
    ],
    Topic.SPORT: [
        ("ajedrez", "chess"),
        ("caminatas ecológicas", "nature walks"),
        ("baile para la salud", "dance for health"),
        ("natación", "swimming"),
    ],
}

# A second topic that often goes with the first.
RELATED_TOPICS: dict[str, list[str]] = {
    Topic.LITERACY: [Topic.FAMILY, Topic.LANGUAGES],
    Topic.LANGUAGES: [Topic.CITIZENSHIP, Topic.WORK],
    Topic.DIGITAL: [Topic.WORK, Topic.MONEY],
    Topic.WORK: [Topic.DIGITAL, Topic.MONEY],
    Topic.HEALTH: [Topic.SPORT, Topic.FAMILY],
    Topic.ARTS: [Topic.HERITAGE, Topic.CRAFTS],
    Topic.HERITAGE: [Topic.ARTS, Topic.CITIZENSHIP],
    Topic.SCIENCE: [Topic.SUSTAINABILITY, Topic.FAMILY],
    Topic.SUSTAINABILITY: [Topic.SCIENCE, Topic.CITIZENSHIP],
    Topic.CITIZENSHIP: [Topic.HERITAGE, Topic.SUSTAINABILITY],
    Topic.FAMILY: [Topic.LITERACY, Topic.HEALTH],
    Topic.MONEY: [Topic.WORK, Topic.DIGITAL],
    Topic.CRAFTS: [Topic.ARTS, Topic.MONEY],
    Topic.SPORT: [Topic.HEALTH],
}

# Per kind: (Spanish template, English template).
TITLE_TEMPLATES: dict[str, list[tuple[str, str]]] = {
    OpportunityKind.COURSE: [
        ("Curso de {es}", "{en} course"),
        ("{Es}: curso {level_es}", "{En}: {level_en} course"),
        ("Aprende {es}", "Learn {en}"),
    ],
    OpportunityKind.WORKSHOP: [
        ("Taller de {es}", "{En} workshop"),
        ("Taller práctico: {es}", "Hands-on {en}"),
    ],
    OpportunityKind.LECTURE: [
        ("Conferencia: {es}", "Talk: {en}"),
        ("Ciclo de charlas en línea sobre {es}", "Online talks on {en}"),
        ("Conversatorio sobre {es}", "Open conversation on {en}"),
    ],
    OpportunityKind.CLUB: [
        ("Club de {es}", "{En} club"),
        ("Semillero de {es}", "{En} circle"),
    ],
    OpportunityKind.EVENT: [
        ("Jornada de {es}", "{En} day"),
        ("Festival de {es}", "{En} festival"),
        ("Feria de {es}", "{En} fair"),
    ],
}

AUDIENCES = [
    # (target group, Spanish, English, min age, max age)
    (None, "", "", None, None),
    (None, "", "", 16, None),
    ("young_people", " para jóvenes", " for young people", 14, 28),
    ("older_people", " para personas mayores", " for older people", 60, None),
    ("children", " para niñas y niños", " for children", 6, 12),
    ("families", " en familia", " for families", None, None),
    ("women", " para mujeres", " for women", 16, None),
    ("migrants", " para personas migrantes", " for newcomers", 16, None),
    ("unemployed", " para buscar empleo", " for job seekers", 18, None),
    ("disabilities", " accesible para todas las personas", " open to everyone", None, None),
]

LEVELS = [
    ("básico", "beginners'"),
    ("intermedio", "intermediate"),
    ("avanzado", "advanced"),
]

DESCRIPTION_ES = [
    "Un espacio para aprender {es} con otras personas del barrio.",
    "No necesitas experiencia previa: empezamos desde lo básico.",
    "Trae tus preguntas y tus ganas de compartir.",
    "Al final tendrás ideas prácticas para tu vida diaria.",
    "Organizado con la red de bibliotecas y los centros culturales de la ciudad.",
    "Incluye materiales y acompañamiento de tutores.",
    "Las sesiones combinan teoría corta y mucha práctica.",
]
DESCRIPTION_EN = [
    "A friendly place to learn {en} with your neighbours.",
    "No experience needed: we start from the basics.",
    "Bring your questions and your curiosity.",
    "You will leave with practical ideas for everyday life.",
    "Run with the city's library network and cultural centres.",
    "Materials and tutor support are included.",
    "Sessions mix a short talk with plenty of practice.",
]

# A few opportunities taught in other languages, as (language, title, description).
OTHER_LANGUAGE_TITLES = [
    ("fr", "Atelier de conversation en français", "Pratiquez le français avec des voisins."),
    ("pt", "Roda de conversa em português", "Pratique português com pessoas do bairro."),
    ("ar", "مقدمة إلى اللغة العربية", "تعلّم الحروف والتحيات الأولى باللغة العربية."),
    ("zh-hans", "中文入门", "学习基本的中文问候和汉字。"),
    ("ru", "Русский язык для начинающих", "Первые слова и фразы на русском языке."),
]

PROVIDER_PATTERNS = [
    ("Biblioteca {place}", Sector.LIBRARY),
    ("Parque Biblioteca {place}", Sector.LIBRARY),
    ("Casa de la Cultura {place}", Sector.CULTURAL),
    ("Corporación Cultural {place}", Sector.CIVIL_SOCIETY),
    ("Fundación Aprender {place}", Sector.CIVIL_SOCIETY),
    ("Institución Educativa {place}", Sector.SCHOOL),
    ("Centro de Desarrollo Empresarial {place}", Sector.EMPLOYER),
    ("Museo Comunitario {place}", Sector.CULTURAL),
    ("Colectivo Juvenil {place}", Sector.CIVIL_SOCIETY),
    ("Universidad Popular {place}", Sector.UNIVERSITY),
    ("Secretaría de Educación, sede {place}", Sector.PUBLIC),
    ("Academia {place}", Sector.PRIVATE),
]
PLACE_WORDS = [
    "La Ladera",
    "San Javier",
    "España",
    "Belén",
    "Doce de Octubre",
    "Guayabal",
    "Fernando Botero",
    "Tomás Carrasquilla",
    "El Limonar",
    "Santo Domingo",
    "Manrique",
    "Moravia",
    "Aranjuez",
    "Castilla",
    "Robledo",
    "Villa Hermosa",
    "Buenos Aires",
    "La Candelaria",
    "Laureles",
    "La América",
    "El Poblado",
    "Altavista",
    "Santa Elena",
    "San Cristóbal",
    "Palmitas",
    "San Antonio de Prado",
    "Boston",
    "Prado",
    "Envigado",
    "Las Estancias",
    "Pedregal",
    "Kennedy",
    "Florencia",
    "Campo Valdés",
    "Villa del Socorro",
]
SITE_KINDS = [
    (SiteKind.LIBRARY, "Biblioteca", 0.22),
    (SiteKind.COMMUNITY_CENTRE, "Centro comunitario", 0.22),
    (SiteKind.CULTURAL_CENTRE, "Casa de la cultura", 0.14),
    (SiteKind.SCHOOL, "Colegio", 0.14),
    (SiteKind.UNIVERSITY, "Sede universitaria", 0.05),
    (SiteKind.MUSEUM, "Museo", 0.04),
    (SiteKind.WORKPLACE, "Centro de empleo", 0.05),
    (SiteKind.MOBILE_LIBRARY_STOP, "Parada del bibliobús", 0.10),
    (SiteKind.ONLINE, "Aula virtual", 0.04),
]
KIND_SHARES = [
    (OpportunityKind.COURSE, 0.38),
    (OpportunityKind.WORKSHOP, 0.25),
    (OpportunityKind.LECTURE, 0.15),
    (OpportunityKind.CLUB, 0.12),
    (OpportunityKind.EVENT, 0.10),
]
LEVEL_SHARES = [
    (Level.NON_FORMAL, 0.5),
    (Level.INFORMAL, 0.2),
    (Level.VOCATIONAL, 0.1),
    (Level.LITERACY, 0.08),
    (Level.HIGHER, 0.05),
    (Level.SCHOOL, 0.04),
    (Level.EARLY_CHILDHOOD, 0.03),
]
FORMAT_SHARES = [
    (Format.IN_PERSON, 0.68),
    (Format.ONLINE, 0.16),
    (Format.HYBRID, 0.10),
    (Format.MOBILE, 0.06),
]
# Start hours by time of day, and typical days.
START_HOURS = [9, 10, 14, 15, 18, 19]
WEEKDAY_RULES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_PATTERNS = [
    ("MO,WE", 0.2),
    ("TU,TH", 0.25),
    ("SA", 0.25),
    ("FR", 0.1),
    ("SU", 0.05),
    ("MO", 0.05),
    ("WE", 0.05),
    ("TH", 0.05),
]


def _choose(rng: np.random.Generator, options: Sequence[tuple[T, float]]) -> T:
    weights = np.array([share for _value, share in options], dtype=float)
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Slugs:
    """Unique slugs within one city, cut to the field's length."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.taken: set[str] = set()

    def make(self, text: str) -> str:
        base = (slugify(text) or "item")[: self.limit - 8].strip("-")
        slug, number = base, 1
        while slug in self.taken:
            number += 1
            slug = f"{base}-{number}"
        self.taken.add(slug)
        return slug


# -- seeding ------------------------------------------------------------------------


def seed_demo(context: DemoContext) -> None:
    started = time.monotonic()
    counts = SIZES[context.size]
    seed_catalogue(context, context.demo_city, counts)
    cork = next((city for city in context.cities if city.slug == "cork"), None)
    if cork is not None:
        small = Counts(providers=8, sites=20, opportunities=max(60, counts.opportunities // 50))
        seed_catalogue(context, cork, small, english_only=True)
    context.log(f"catalogue: seeded in {time.monotonic() - started:.1f} s")
    # Once the seed is committed, build this machine's finder files, so the demo's
    # first visitor searches the index (typo tolerance, ranking), not the fallback.
    transaction.on_commit(_build_search_indexes)


def _build_search_indexes() -> None:
    started = time.monotonic()
    built = index_tasks.refresh_search_indexes()
    print(f"catalogue: {built} search indexes built in {time.monotonic() - started:.1f} s")


def seed_catalogue(
    context: DemoContext, city: City, counts: Counts, *, english_only: bool = False
) -> None:
    """Providers, sites, opportunities and sessions for ``city``."""
    rng = context.rng
    districts = list(District.objects.filter(city=city))
    providers = _providers(city, counts.providers, rng)
    sites = _sites(city, counts.sites, providers, districts, rng)
    opportunities, sessions = _opportunities(city, counts, providers, sites, rng, english_only)
    if city.pk == context.demo_city.pk:
        staff = context.account("provider", name="Provider staff, Medellín (demo)")
        ProviderMembership.objects.create(provider=providers[0], user=staff)
    refresh_planner_statistics()
    context.log(
        f"catalogue: {city.name}: {len(providers)} providers, {len(sites)} places, "
        f"{opportunities} opportunities, {sessions} sessions"
    )


def _providers(city: City, count: int, rng: np.random.Generator) -> list[Provider]:
    combinations = [
        (pattern.format(place=place), sector)
        for pattern, sector in PROVIDER_PATTERNS
        for place in PLACE_WORDS
    ]
    order = rng.permutation(len(combinations))
    slugs = _Slugs(80)
    providers = []
    for number in range(count):
        name, sector = combinations[int(order[number % len(combinations)])]
        if number >= len(combinations):  # more providers than names: number the branches
            name = f"{name}, sede {number // len(combinations) + 1}"
        slug = slugs.make(name)
        providers.append(
            Provider(
                city=city,
                slug=slug,
                name=name,
                sector=sector,
                description="Entidad de demostración que ofrece aprendizaje en la ciudad.",
                website=f"https://{slug}.demo.learningcity.example/",
                is_verified=bool(rng.random() < 0.7),
            )
        )
    return Provider.objects.bulk_create(providers, batch_size=BATCH)


def _sites(
    city: City,
    count: int,
    providers: list[Provider],
    districts: list[District],
    rng: np.random.Generator,
) -> list[LearningSite]:
    slugs = _Slugs(100)
    shares = [(kind, share) for kind, _label, share in SITE_KINDS]
    labels = {kind: label for kind, label, _share in SITE_KINDS}
    access_values = list(ACCESSIBILITY.bit)
    sites = []
    for number in range(count):
        kind = _choose(rng, shares)
        district = districts[int(rng.integers(len(districts)))] if districts else None
        centre = (district or city).latitude, (district or city).longitude
        place = district.name if district else city.name
        online = kind == SiteKind.ONLINE
        name = f"{labels[kind]} {place} {number + 1}"
        features = [value for value in access_values if rng.random() < 0.35]
        sites.append(
            LearningSite(
                city=city,
                provider=providers[int(rng.integers(len(providers)))],
                slug=slugs.make(name),
                name=name,
                kind=kind,
                address="" if online else _address(rng),
                district=None if online else district,
                latitude=None if online else round(centre[0] + rng.normal(0, 0.006), 6),
                longitude=None if online else round(centre[1] + rng.normal(0, 0.006), 6),
                opening_hours="Mo-Fr 08:00-19:00; Sa 09:00-14:00",
                accessibility=ACCESSIBILITY.to_mask(features),
                public_transport="" if online else "Metro, Metroplús o bus del barrio",
            )
        )
    return LearningSite.objects.bulk_create(sites, batch_size=BATCH)


def _address(rng: np.random.Generator) -> str:
    street = ["Calle", "Carrera", "Diagonal", "Transversal"][int(rng.integers(4))]
    number, first, second = (int(value) for value in rng.integers(1, [110, 99, 99]))
    return f"{street} {number} # {first}-{second}"


def _opportunities(
    city: City,
    counts: Counts,
    providers: list[Provider],
    sites: list[LearningSite],
    rng: np.random.Generator,
    english_only: bool,
) -> tuple[int, int]:
    """Opportunities with their sessions, in batches; returns how many of each."""
    zone = city.tzinfo
    today = timezone.now().astimezone(zone).date()
    now = timezone.now()
    placed = [
        site for site in sites if site.kind not in (SiteKind.ONLINE, SiteKind.MOBILE_LIBRARY_STOP)
    ]
    stops = [site for site in sites if site.kind == SiteKind.MOBILE_LIBRARY_STOP] or placed
    slugs = _Slugs(120)
    created = session_count = 0
    for start in range(0, counts.opportunities, BATCH):
        batch: list[Opportunity] = []
        planned: list[list[Session]] = []
        for _number in range(start, min(start + BATCH, counts.opportunities)):
            opportunity = _opportunity(city, providers, placed, stops, slugs, rng, english_only)
            sessions = _sessions(opportunity, zone, today, rng)
            facts = derive_schedule(sessions, zone, now)
            opportunity.weekdays = facts.weekdays
            opportunity.times_of_day = facts.times_of_day
            opportunity.next_start = facts.next_start
            batch.append(opportunity)
            planned.append(sessions)
        Opportunity.objects.bulk_create(batch, batch_size=BATCH)
        for opportunity, sessions in zip(batch, planned, strict=True):
            for session in sessions:
                session.opportunity = opportunity
        flat = [session for sessions in planned for session in sessions]
        Session.objects.bulk_create(flat, batch_size=BATCH)
        created += len(batch)
        session_count += len(flat)
    return created, session_count


def _opportunity(
    city: City,
    providers: list[Provider],
    placed: list[LearningSite],
    stops: list[LearningSite],
    slugs: _Slugs,
    rng: np.random.Generator,
    english_only: bool,
) -> Opportunity:
    kind = str(_choose(rng, KIND_SHARES))
    topic = list(SUBJECTS)[int(rng.integers(len(SUBJECTS)))]
    topics = {topic}
    if rng.random() < 0.3:
        related = RELATED_TOPICS[topic]
        topics.add(related[int(rng.integers(len(related)))])
    subject_es, subject_en = SUBJECTS[topic][int(rng.integers(len(SUBJECTS[topic])))]
    group, audience_es, audience_en, min_age, max_age = AUDIENCES[int(rng.integers(len(AUDIENCES)))]
    level_es, level_en = LEVELS[int(rng.integers(len(LEVELS)))]
    template_es, template_en = TITLE_TEMPLATES[kind][int(rng.integers(len(TITLE_TEMPLATES[kind])))]
    words = {
        "es": subject_es,
        "Es": _capitalise(subject_es),
        "en": subject_en,
        "En": _capitalise(subject_en),
        "level_es": level_es,
        "level_en": level_en,
    }
    title_es = _capitalise(template_es.format(**words)) + audience_es
    title_en = _capitalise(template_en.format(**words)) + audience_en
    description_es = " ".join(
        sentence.format(es=subject_es) for sentence in _pick(DESCRIPTION_ES, 3, rng)
    )
    description_en = " ".join(
        sentence.format(en=subject_en) for sentence in _pick(DESCRIPTION_EN, 3, rng)
    )
    draw = rng.random()
    translations: dict[str, dict[str, str]] = {}
    if english_only or draw < 0.08:
        languages = ["en"]
        title, description = title_en, description_en
    elif draw < 0.11:
        language, title, description = OTHER_LANGUAGE_TITLES[
            int(rng.integers(len(OTHER_LANGUAGE_TITLES)))
        ]
        languages = [language, "es"]
        translations = {"es": {"title": title_es, "description": description_es}}
    else:
        languages = ["es", "en"] if rng.random() < 0.06 else ["es"]
        title, description = title_es, description_es
        if rng.random() < 0.25:
            translations = {"en": {"title": title_en, "description": description_en}}
    if rng.random() < 0.02:
        languages.append("sgn")
    format_ = str(_choose(rng, FORMAT_SHARES))
    if kind == OpportunityKind.LECTURE and rng.random() < 0.6:
        format_ = Format.ONLINE
    if template_en.startswith("Online"):
        # "Online talks on …" says so in its title: it must not be listed in person.
        format_ = Format.ONLINE
    site = None
    if format_ in (Format.IN_PERSON, Format.HYBRID):
        site = placed[int(rng.integers(len(placed)))]
    elif format_ == Format.MOBILE:
        site = stops[int(rng.integers(len(stops)))]
    cost_draw = rng.random()
    cost = Cost.FREE if cost_draw < 0.74 else Cost.FEE if cost_draw < 0.9 else Cost.CONCESSIONS
    fee = None
    if cost != Cost.FREE:
        # Pesos in Colombia, a few euros elsewhere.
        fee = Decimal(int(rng.integers(2, 30)) * (10_000 if city.country_code == "CO" else 2))
    groups = {group} if group else set()
    if rng.random() < 0.15:
        groups.add("outside_formal")
    access = [value for value in ACCESSIBILITY.bit if rng.random() < 0.12]
    return Opportunity(
        city=city,
        provider=_provider_for(site, providers, rng),
        site=site,
        slug=slugs.make(title),
        kind=kind,
        title=title[:200],
        description=description,
        translations=translations,
        topics=TOPICS.to_mask(topics),
        level=str(_choose(rng, LEVEL_SHARES)),
        format=format_,
        languages=languages,
        cost=cost,
        fee=fee,
        target_groups=TARGET_GROUPS.to_mask(groups),
        min_age=min_age,
        max_age=max_age,
        accessibility=ACCESSIBILITY.to_mask(access),
        outcome=Outcome.CERTIFICATE
        if kind == OpportunityKind.COURSE and rng.random() < 0.4
        else Outcome.NONE,
        capacity=int(rng.integers(10, 41)) if kind != OpportunityKind.LECTURE else None,
        is_published=bool(rng.random() < 0.97),
    )


def _provider_for(
    site: LearningSite | None, providers: list[Provider], rng: np.random.Generator
) -> Provider:
    """Mostly the provider running the place; otherwise a guest provider."""
    if site is not None and site.provider is not None and rng.random() < 0.6:
        return site.provider
    return providers[int(rng.integers(len(providers)))]


def _pick(sentences: list[str], count: int, rng: np.random.Generator) -> list[str]:
    chosen = rng.choice(len(sentences), size=count, replace=False)
    return [sentences[int(index)] for index in sorted(chosen)]


def _sessions(
    opportunity: Opportunity, zone: zoneinfo.ZoneInfo, today: date, rng: np.random.Generator
) -> list[Session]:
    """Dates laid out around today: some have started, most are coming up."""
    kind = opportunity.kind
    groups = 2 if kind == OpportunityKind.COURSE and rng.random() < 0.2 else 1
    sessions = []
    for _group in range(groups):
        first_day = today + timedelta(days=int(rng.integers(-20, 75)))
        hour = START_HOURS[int(rng.integers(len(START_HOURS)))]
        hours = 2 if kind != OpportunityKind.EVENT else int(rng.integers(3, 7))
        starts = datetime(first_day.year, first_day.month, first_day.day, hour, 0, tzinfo=zone)
        recurrence = _rule(kind, starts, rng)
        online = opportunity.format in (Format.ONLINE, Format.HYBRID)
        slug = opportunity.slug
        session = Session(
            site=opportunity.site,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            recurrence=recurrence,
            live_url=f"https://meet.demo.learningcity.example/{slug}" if online else "",
            recording_url=(
                f"https://video.demo.learningcity.example/{slug}"
                if online and kind == OpportunityKind.LECTURE
                else ""
            ),
            is_cancelled=bool(rng.random() < 0.02),
        )
        sessions.append(session)
    return sessions


def _rule(kind: str, starts: datetime, rng: np.random.Generator) -> str:
    """An RRULE whose first date is ``starts`` (BYDAY includes its weekday)."""
    own_day = WEEKDAY_RULES[starts.weekday()]
    if kind == OpportunityKind.COURSE:
        pattern = str(_choose(rng, DAY_PATTERNS))
        days = ",".join(sorted({own_day, *pattern.split(",")}, key=WEEKDAY_RULES.index))
        return f"FREQ=WEEKLY;BYDAY={days};COUNT={int(rng.integers(6, 25))}"
    if kind == OpportunityKind.CLUB:
        return f"FREQ=WEEKLY;BYDAY={own_day}"
    if kind == OpportunityKind.LECTURE:
        if rng.random() < 0.5:
            return f"FREQ=WEEKLY;BYDAY={own_day};COUNT={int(rng.integers(4, 13))}"
        return f"FREQ=MONTHLY;COUNT={int(rng.integers(3, 10))}"
    if kind == OpportunityKind.WORKSHOP and rng.random() < 0.3:
        return f"FREQ=WEEKLY;BYDAY={own_day};COUNT={int(rng.integers(2, 5))}"
    return ""
