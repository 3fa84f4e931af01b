"""The demo: a past festival with attendance and an upcoming one with accepted,
waiting and refused submissions, built from the demo catalogue."""

import pytest

from learningcity.catalogue.demo import Counts, seed_catalogue
from learningcity.core.demo import seed_core
from learningcity.festivals import demo, figures
from learningcity.festivals.models import EntryStatus, Festival

pytestmark = pytest.mark.django_db


def test_demo_festivals(monkeypatch):
    context = seed_core("small", 11, log=lambda message: None)
    seed_catalogue(context, context.demo_city, Counts(providers=20, sites=60, opportunities=600))
    monkeypatch.setitem(demo.SIZES, "small", (15, 20, 4))
    demo.seed_demo(context)
    past, upcoming = (
        Festival.objects.get(slug="festival-del-aprendizaje-pasado"),
        Festival.objects.get(slug="festival-del-aprendizaje"),
    )
    assert past.has_ended and not upcoming.has_ended and upcoming.is_open_for_submissions
    past_figures = figures.festival_figures(past)
    assert past_figures.events >= 15 and 0 < past_figures.attended <= past_figures.joined
    statuses = set(upcoming.entries.values_list("status", flat=True))
    assert statuses == {EntryStatus.ACCEPTED, EntryStatus.PENDING, EntryStatus.REJECTED}
    assert upcoming.events.exists()
    assert not upcoming.events.exclude(day__range=(upcoming.starts_on, upcoming.ends_on)).exists()
