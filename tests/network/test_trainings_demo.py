"""The demo's partnerships and trainings: partners linked to cities, a training ahead
to join and a past one where the demo resident's attendance is marked, so the
resident can download a certificate."""

import pytest

from learningcity.core.demo import seed_core
from learningcity.network import demo, partner_services
from learningcity.network.models import Partner, Partnership
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_partners_trainings_and_a_certificate_to_download(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    context = seed_core("small", 2026, log=lambda _line: None)
    demo.seed_demo(context)
    assert Partner.objects.count() == 4
    assert Partnership.objects.filter(cities=context.demo_city).exists()
    trainings = list(partner_services.network_trainings())
    assert len(trainings) == 2 and all(t.sessions.exists() for t in trainings)
    resident = context.accounts["resident"]
    (attended,) = partner_services.attended_trainings(resident)
    response = client_for(resident).get(f"/network/trainings/certificates/{attended.public_id}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
