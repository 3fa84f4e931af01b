"""Deterministic demo data: a network of member cities and one fully described city.

Every app may add its own demo data by defining ``seed_demo(context)`` in its own
``demo.py``; ``learningcity seed-demo`` calls them in INSTALLED_APPS order. All demo
records are labelled (``City.is_demo``, ``@demo.learningcity.example`` accounts).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import numpy as np
from django.db import transaction

from .models import City, District, Role, RoleGrant, UnescoRegion, User

DEMO_EMAIL_DOMAIN = "demo.learningcity.example"
DEMO_PASSWORD = "learn-together-2026"
DEMO_CITY_SLUG = "medellin"

Size = Literal["small", "large"]


@dataclass
class DemoContext:
    size: Size
    seed: int
    rng: np.random.Generator
    demo_city: City
    cities: list[City]
    accounts: dict[str, User] = field(default_factory=dict)
    log: Callable[[str], None] = print

    def account(self, key: str, *, name: str) -> User:
        """A labelled demo account (created once, shared by the apps' seeders)."""
        if key not in self.accounts:
            self.accounts[key] = User.objects.create_user(
                email=f"{key}@{DEMO_EMAIL_DOMAIN}", password=DEMO_PASSWORD, display_name=name
            )
        return self.accounts[key]


# (slug, name, country, ISO code, region, population, area km², languages, time zone,
#  latitude, longitude, member since). Approximate public figures; labelled demo data.
NETWORK_CITIES = [
    (
        "medellin",
        "Medellín",
        "Colombia",
        "CO",
        UnescoRegion.LATIN_AMERICA_CARIBBEAN,
        2_533_000,
        382,
        ["es", "en"],
        "America/Bogota",
        6.2442,
        -75.5812,
        2016,
    ),
    (
        "sorocaba",
        "Sorocaba",
        "Brazil",
        "BR",
        UnescoRegion.LATIN_AMERICA_CARIBBEAN,
        687_000,
        450,
        ["pt"],
        "America/Sao_Paulo",
        -23.5015,
        -47.4526,
        2017,
    ),
    (
        "cork",
        "Cork",
        "Ireland",
        "IE",
        UnescoRegion.EUROPE_NORTH_AMERICA,
        224_000,
        187,
        ["en", "ga"],
        "Europe/Dublin",
        51.8985,
        -8.4756,
        2015,
    ),
    (
        "espoo",
        "Espoo",
        "Finland",
        "FI",
        UnescoRegion.EUROPE_NORTH_AMERICA,
        305_000,
        528,
        ["fi", "sv", "en"],
        "Europe/Helsinki",
        60.2055,
        24.6559,
        2016,
    ),
    (
        "larissa",
        "Larissa",
        "Greece",
        "GR",
        UnescoRegion.EUROPE_NORTH_AMERICA,
        162_000,
        335,
        ["el"],
        "Europe/Athens",
        39.6390,
        22.4191,
        2016,
    ),
    (
        "hangzhou",
        "Hangzhou",
        "China",
        "CN",
        UnescoRegion.ASIA_PACIFIC,
        12_376_000,
        16_850,
        ["zh-hans"],
        "Asia/Shanghai",
        30.2741,
        120.1551,
        2015,
    ),
    (
        "melton",
        "Melton",
        "Australia",
        "AU",
        UnescoRegion.ASIA_PACIFIC,
        200_000,
        528,
        ["en"],
        "Australia/Melbourne",
        -37.6834,
        144.5858,
        2016,
    ),
    (
        "namyangju",
        "Namyangju",
        "Republic of Korea",
        "KR",
        UnescoRegion.ASIA_PACIFIC,
        730_000,
        458,
        ["ko"],
        "Asia/Seoul",
        37.6360,
        127.2165,
        2016,
    ),
    (
        "balanga",
        "Balanga",
        "Philippines",
        "PH",
        UnescoRegion.ASIA_PACIFIC,
        104_000,
        111,
        ["fil", "en"],
        "Asia/Manila",
        14.6760,
        120.5361,
        2015,
    ),
    (
        "aswan",
        "Aswan",
        "Egypt",
        "EG",
        UnescoRegion.ARAB_STATES,
        290_000,
        679,
        ["ar"],
        "Africa/Cairo",
        24.0889,
        32.8998,
        2016,
    ),
    (
        "amman",
        "Amman",
        "Jordan",
        "JO",
        UnescoRegion.ARAB_STATES,
        4_000_000,
        1_680,
        ["ar", "en"],
        "Asia/Amman",
        31.9539,
        35.9106,
        2016,
    ),
    (
        "ibadan",
        "Ibadan",
        "Nigeria",
        "NG",
        UnescoRegion.AFRICA,
        3_649_000,
        3_080,
        ["en", "yo"],
        "Africa/Lagos",
        7.3775,
        3.9470,
        2016,
    ),
    (
        "kigali",
        "Kigali",
        "Rwanda",
        "RW",
        UnescoRegion.AFRICA,
        1_745_000,
        730,
        ["rw", "en", "fr"],
        "Africa/Kigali",
        -1.9441,
        30.0619,
        2019,
    ),
]

# Medellín's sixteen comunas, at their approximate centres.
DEMO_DISTRICTS = [
    ("popular", "Popular", 6.2967, -75.5467),
    ("santa-cruz", "Santa Cruz", 6.2970, -75.5580),
    ("manrique", "Manrique", 6.2727, -75.5480),
    ("aranjuez", "Aranjuez", 6.2800, -75.5580),
    ("castilla", "Castilla", 6.2930, -75.5700),
    ("doce-de-octubre", "Doce de Octubre", 6.3050, -75.5810),
    ("robledo", "Robledo", 6.2780, -75.5990),
    ("villa-hermosa", "Villa Hermosa", 6.2540, -75.5500),
    ("buenos-aires", "Buenos Aires", 6.2380, -75.5550),
    ("la-candelaria", "La Candelaria", 6.2490, -75.5680),
    ("laureles-estadio", "Laureles-Estadio", 6.2460, -75.5900),
    ("la-america", "La América", 6.2540, -75.6030),
    ("san-javier", "San Javier", 6.2560, -75.6180),
    ("el-poblado", "El Poblado", 6.2090, -75.5680),
    ("guayabal", "Guayabal", 6.2150, -75.5870),
    ("belen", "Belén", 6.2300, -75.6000),
]

DEMO_DESCRIPTION = (
    "A learning city in the Aburrá valley: libraries, parks and community centres in "
    "every comuna offer free courses, lectures and activities for all ages."
)


def clear_demo_data() -> None:
    """Remove earlier demo data so a new seed is exactly reproducible."""
    City.objects.filter(is_demo=True).delete()
    User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").delete()


def create_network_cities() -> list[City]:
    cities = []
    for row in NETWORK_CITIES:
        (slug, name, country, code, region, population, area, languages, tz, lat, lng, since) = row
        cities.append(
            City.objects.create(
                slug=slug,
                name=name,
                country=country,
                country_code=code,
                region=region,
                population=population,
                area_km2=Decimal(area),
                languages=languages,
                time_zone=tz,
                latitude=lat,
                longitude=lng,
                member_since=since,
                is_demo=True,
                description=DEMO_DESCRIPTION if slug == DEMO_CITY_SLUG else "",
            )
        )
    return cities


def create_demo_districts(city: City, rng: np.random.Generator) -> list[District]:
    # Split the population over districts unevenly (as real cities are), then by age
    # with shares near Medellín's: ~19 % children, 15 % youth, 54 % adults, 12 % older.
    weights = rng.dirichlet(np.full(len(DEMO_DISTRICTS), 12.0))
    age_shares = np.array([0.19, 0.15, 0.54, 0.12])
    districts = []
    for (slug, name, lat, lng), weight in zip(DEMO_DISTRICTS, weights, strict=True):
        population = int(city.population * weight)
        by_age = rng.multinomial(population, rng.dirichlet(age_shares * 200))
        districts.append(
            District(
                city=city,
                slug=slug,
                name=name,
                latitude=lat,
                longitude=lng,
                area_km2=Decimal(str(round(float(city.area_km2) * weight, 2))),
                population_0_14=int(by_age[0]),
                population_15_24=int(by_age[1]),
                population_25_64=int(by_age[2]),
                population_65_plus=int(by_age[3]),
                people_with_disabilities=int(population * rng.uniform(0.05, 0.09)),
            )
        )
    return District.objects.bulk_create(districts)


def create_core_accounts(context: DemoContext) -> None:
    admin = context.account("admin", name="Site admin (demo)")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    network = context.account("network", name="Network coordinator (demo)")
    RoleGrant.objects.create(user=network, role=Role.NETWORK_COORDINATOR)
    coordinator = context.account("coordinator", name="City coordinator, Medellín (demo)")
    RoleGrant.objects.create(user=coordinator, role=Role.CITY_COORDINATOR, city=context.demo_city)
    other = next(city for city in context.cities if city.slug == "cork")
    cork = context.account("coordinator-cork", name="City coordinator, Cork (demo)")
    RoleGrant.objects.create(user=cork, role=Role.CITY_COORDINATOR, city=other)
    context.account("resident", name="Ana (demo resident)")


@transaction.atomic
def seed_core(size: Size, seed: int, log: Callable[[str], None]) -> DemoContext:
    clear_demo_data()
    rng = np.random.default_rng(seed)
    cities = create_network_cities()
    demo_city = next(city for city in cities if city.slug == DEMO_CITY_SLUG)
    create_demo_districts(demo_city, rng)
    context = DemoContext(
        size=size, seed=seed, rng=rng, demo_city=demo_city, cities=cities, log=log
    )
    create_core_accounts(context)
    log(f"core: {len(cities)} cities, {len(DEMO_DISTRICTS)} districts in {demo_city.name}")
    return context
