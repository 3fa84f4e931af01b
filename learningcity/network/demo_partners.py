"""Demo data of partnerships and capacity development (called by ``demo.seed_demo``):
a few partner organisations and their partnerships with cities, clusters and good
practices, and two network trainings in the demo city's catalogue: a webinar ahead
(open to join) and a workshop held last month, where the demo resident's attendance
is marked, so a certificate of attendance can be downloaded."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from learningcity.catalogue import services as catalogue_services
from learningcity.catalogue.models import (
    Enrolment,
    EnrolmentStatus,
    Format,
    Level,
    OpportunityKind,
)
from learningcity.core.demo import DemoContext

from . import partner_services
from .models import Cluster, Practice

# (name, kind, country, website, description)
DEMO_PARTNERS = [
    (
        "UNESCO Institute for Lifelong Learning",
        "un_agency",
        "Germany",
        "https://www.uil.unesco.org/",
        "Coordinates the network and its capacity development.",
    ),
    (
        "Reading Together Foundation",
        "ngo",
        "Ireland",
        "",
        "Trains volunteers for adult reading circles in libraries.",
    ),
    (
        "Open University of the South",
        "university",
        "Colombia",
        "",
        "Runs the network's workshops on monitoring and evaluation.",
    ),
    (
        "Civic Data Company",
        "company",
        "Kenya",
        "",
        "Lends analysts to member cities preparing their biennial reports.",
    ),
]


def seed_partners(context: DemoContext) -> tuple[int, int, int]:
    """Returns (partners, partnerships, trainings)."""
    network = context.account("network", name="Network coordinator (demo)")
    partners = [
        partner_services.create_partner(
            actor=network,
            fields={
                "name": name,
                "kind": kind,
                "country": country,
                "website": website,
                "description": description,
            },
        )
        for name, kind, country, website, description in DEMO_PARTNERS
    ]
    cities = [context.demo_city, *context.cities[:3]]
    clusters = {cluster.slug: cluster for cluster in Cluster.objects.all()}
    practices = list(Practice.objects.published().order_by("pk")[:3])
    today = timezone.localdate()
    links: list[tuple[int, str, dict[str, Any]]] = [
        (
            0,
            "Runs the network's webinars and certificates of attendance",
            {"cities": cities, "clusters": list(clusters.values())[:2]},
        ),
        (
            1,
            "Co-organises the literacy cluster's reading-circle exchanges",
            {
                "clusters": [clusters["literacy"]] if "literacy" in clusters else [],
                "cities": cities[:2],
            },
        ),
        (2, "Hosts the workshops on monitoring and evaluation", {"cities": cities[:1]}),
        (3, "Documents good practices with data", {"practices": practices, "cities": cities[1:2]}),
    ]
    for index, (partner_index, role, linked) in enumerate(links):
        partner_services.create_partnership(
            actor=network,
            partner=partners[partner_index],
            fields={
                "role": role,
                "description": "",
                "starts_on": today - timedelta(days=400 + 90 * index),
                "ends_on": None if index % 2 == 0 else today + timedelta(days=300),
                **linked,
            },
        )
    trainings = _trainings(context, network)
    return len(partners), len(links), trainings


def _trainings(context: DemoContext, network: Any) -> int:
    city = context.demo_city
    provider = partner_services.ensure_network_provider(city=city, actor=network)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    common = {
        "level": Level.NON_FORMAL,
        "languages": ["en", "es"],
        "capacity": 200,
    }
    webinar = catalogue_services.create_opportunity(
        actor=network,
        provider=provider,
        fields={
            **common,
            "slug": "network-webinar-learning-city-indicators",
            "kind": OpportunityKind.LECTURE,
            "format": Format.ONLINE,
            "title": "Webinar: measuring a learning city with the KFLC indicators",
            "description": "A webinar of the network for city staff and residents.",
        },
    )
    catalogue_services.create_session(
        actor=network,
        opportunity=webinar,
        fields={
            "starts_at": now + timedelta(days=12, hours=2),
            "ends_at": now + timedelta(days=12, hours=3, minutes=30),
            "live_url": "https://example.org/network-webinar",
        },
    )
    workshop = catalogue_services.create_opportunity(
        actor=network,
        provider=provider,
        fields={
            **common,
            "slug": "network-workshop-reading-circles",
            "kind": OpportunityKind.WORKSHOP,
            "format": Format.HYBRID,
            "title": "Workshop: starting adult reading circles",
            "description": "A half-day workshop of the network's literacy cluster.",
        },
    )
    past = catalogue_services.create_session(
        actor=network,
        opportunity=workshop,
        fields={
            "starts_at": now - timedelta(days=30, hours=4),
            "ends_at": now - timedelta(days=30),
        },
    )
    resident = context.accounts.get("resident")
    if resident is not None:
        # Held in the past: the resident's place is written as it stood then
        # (enrol_person refuses a session that has started), then attendance marked.
        enrolment = Enrolment.objects.create(
            session=past, user=resident, status=EnrolmentStatus.CONFIRMED, language="en"
        )
        catalogue_services.mark_attendance(
            actor=network, session=past, attended={enrolment.public_id}
        )
    return 2
