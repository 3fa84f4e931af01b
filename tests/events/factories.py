"""Small factories of the award and conferences: member cities, cycles, dossiers."""

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from learningcity.core.models import UnescoRegion
from learningcity.events import conference_services, services
from learningcity.events.models import CRITERION_CODES, AwardCycle, Conference
from learningcity.network.models import CityProfile, CommissionGrant
from learningcity.network.vocabulary import MembershipStatus
from tests.conftest import make_city, make_user
from tests.network.membership_factories import minimal_pdf


def member_city(
    slug: str | None = None,
    *,
    joined: date | None = None,
    country_code: str = "TL",
    region: str = UnescoRegion.EUROPE_NORTH_AMERICA,
    **fields: Any,
):
    city = make_city(slug, country_code=country_code, region=region, **fields)
    CityProfile.objects.create(
        city=city,
        status=MembershipStatus.MEMBER,
        joined_on=joined or timezone.localdate() - timedelta(days=800),
    )
    return city


def make_cycle(**fields: Any) -> AwardCycle:
    today = timezone.localdate()
    data = {
        "title": "Learning City Award 2026",
        "year": today.year,
        "opens_on": today - timedelta(days=10),
        "closes_on": today + timedelta(days=20),
        "nominations_close_on": today + timedelta(days=40),
        **fields,
    }
    return services.create_cycle(actor=None, data=data)


def dossier_data(**changes: Any) -> dict[str, Any]:
    return {
        "texts": {code: f"What the city did for {code}." for code in CRITERION_CODES},
        "evidence": "https://example.org/report",
        **changes,
    }


def send_dossier(cycle: AwardCycle, city, **changes: Any):
    return services.apply_for_award(
        actor=None,
        cycle=cycle,
        city=city,
        data=dossier_data(**changes),
        mayor_form=minimal_pdf("Mayor"),
        consent_form=minimal_pdf("Consent"),
    )


def make_commission(country_code: str):
    user = make_user(f"natcom-{country_code.lower()}-{timezone.now().timestamp()}@example.org")
    CommissionGrant.objects.create(user=user, country_code=country_code)
    return user


def pdf_file(name: str = "form.pdf", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else minimal_pdf(), "application/pdf")


def make_conference(city=None, **fields: Any) -> Conference:
    today = timezone.localdate()
    city = city or make_city()
    conference = Conference.objects.create(
        **{
            "slug": "iclc-2026",
            "title": "International Conference on Learning Cities",
            "city": city,
            "starts_on": today + timedelta(days=30),
            "ends_on": today + timedelta(days=32),
            "registration_opens_on": today - timedelta(days=5),
            "registration_closes_on": today + timedelta(days=20),
            **fields,
        }
    )
    for position, (code, name) in enumerate(
        [
            ("delegation", "City delegation"),
            ("expert", "Expert"),
            ("partner", "Partner"),
            ("press", "Press"),
        ]
    ):
        conference.categories.create(code=code, name=name, position=position)
    return conference


def registration_data(**changes: Any) -> dict[str, Any]:
    return {
        "full_name": "Ada Lovelace",
        "organisation": "City of Alpha",
        "country_code": "IE",
        "category": "delegation",
        **changes,
    }


def register(conference: Conference, user=None, **changes: Any):
    return conference_services.register_participant(
        actor=None,
        conference=conference,
        user=user or make_user(),
        data=registration_data(**changes),
    )
