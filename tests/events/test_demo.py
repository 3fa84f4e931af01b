"""The demo: a past cycle with ten winners, a cycle in its jury phase, a conference
with 350 registrations, a programme, 12 site visits and a manifesto in drafting;
the pages of each answer."""

import time

import pytest

from learningcity.core.demo import seed_core
from learningcity.events import demo, services
from learningcity.events.models import AwardCycle, Conference, CyclePhase, ManifestoStatus
from learningcity.network import demo as network_demo
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_part_and_its_pages_answer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    context = seed_core("small", 2026, log=lambda _line: None)
    network_demo.seed_demo(context)
    started = time.monotonic()
    demo.seed_demo(context)
    assert time.monotonic() - started < 30
    past = AwardCycle.objects.get(phase=CyclePhase.PUBLISHED)
    winners = services.winners_of(past)
    assert len(winners) == 10
    assert len({w.city.country_code for w in winners}) == 10
    current = AwardCycle.objects.get(phase=CyclePhase.JURY)
    rows = services.ranking(current)
    assert len(rows) == 8 and rows[0].scored == 3
    conference = Conference.objects.get()
    assert conference.registrations.count() == 350
    assert conference.visits.count() == 12
    assert conference.programme.count() == 12
    assert conference.manifesto.status == ManifestoStatus.DRAFTING
    network = client_for(context.accounts["network"])
    base = f"/network/events/{conference.slug}/"
    for path in [
        "/network/events/award/",
        "/network/events/award/winners/",
        f"/network/events/award/{current.pk}/ranking/",
        f"/network/events/award/{current.pk}/jurors/",
        base,
        base + "programme/",
        base + "visits/",
        base + "manifesto/",
        base + "report/",
        base + "check-in/?q=Ana",
    ]:
        assert network.get(path).status_code == 200, path
    juror = client_for(context.accounts["juror-1"])
    assert juror.get("/network/events/award/jury/").status_code == 200
