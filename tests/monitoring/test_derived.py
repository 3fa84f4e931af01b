"""Indicators computed from the catalogue, checked on a handful of rows."""

from datetime import UTC, datetime, timedelta

import pytest

from learningcity.catalogue.models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    Accessibility,
    Cost,
    Enrolment,
    EnrolmentStatus,
    TargetGroup,
)
from learningcity.monitoring.derived import DERIVED, derived_values
from learningcity.monitoring.run_notes import note_text
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import make_city

pytestmark = pytest.mark.django_db
KEYS = [
    "opportunities_per_1000",
    "share_free",
    "share_step_free",
    "enrolments_per_1000",
    "share_enrolments_target_groups",
    "enrolments_for_older_people",
    "enrolments_for_migrants",
    "volunteer_hours",
]


def session_in(opportunity, year: int, **fields):
    starts = datetime(year, 3, 2, 10, tzinfo=UTC)
    return make_session(
        opportunity, starts_at=starts, ends_at=starts + timedelta(hours=2), **fields
    )


def enrol(session, count: int, status=EnrolmentStatus.CONFIRMED):
    for number in range(count):
        Enrolment.objects.create(
            session=session,
            guest_name="Guest",
            guest_email=f"g{session.pk}-{number}-{status}@example.org",
            status=status,
        )


@pytest.fixture
def catalogue():
    """A city of 20,000 with four opportunities in 2024: three free, two at a step-free
    site, one for older people (5 enrolments) and one for migrants (2 + 1 cancelled)."""
    city = make_city("gamma", population=20_000)
    provider = make_provider(city)
    step_free = make_site(city, accessibility=ACCESSIBILITY.to_mask([Accessibility.STEP_FREE]))
    stairs = make_site(city, accessibility=0)
    older = make_opportunity(
        provider,
        site=step_free,
        cost=Cost.FREE,
        target_groups=TARGET_GROUPS.to_mask([TargetGroup.OLDER_PEOPLE]),
    )
    migrants = make_opportunity(
        provider,
        site=stairs,
        cost=Cost.FREE,
        target_groups=TARGET_GROUPS.to_mask([TargetGroup.MIGRANTS]),
    )
    general = make_opportunity(provider, site=step_free, cost=Cost.FEE, fee=10)
    online = make_opportunity(provider, cost=Cost.FREE)
    enrol(session_in(older, 2024), 5)
    enrol(session_in(migrants, 2024), 2)
    enrol(session_in(migrants, 2024), 1, status=EnrolmentStatus.CANCELLED)
    enrol(session_in(general, 2024), 3, status=EnrolmentStatus.ATTENDED)
    session_in(online, 2024)
    session_in(online, 2024, is_cancelled=True)
    session_in(general, 2023)
    unpublished = make_opportunity(provider, is_published=False)
    session_in(unpublished, 2024)
    return city


def test_derived_indicators_follow_their_formulas(catalogue):
    values = derived_values(catalogue, KEYS, [2023, 2024])
    assert values[("opportunities_per_1000", 2024)] == pytest.approx(4 / 20_000 * 1000)
    assert values[("share_free", 2024)] == pytest.approx(75.0)  # 3 of 4
    assert values[("share_step_free", 2024)] == pytest.approx(100 * 2 / 3)  # of 3 with a site
    assert values[("enrolments_per_1000", 2024)] == pytest.approx(10 / 20_000 * 1000)
    assert values[("share_enrolments_target_groups", 2024)] == pytest.approx(70.0)  # 7 of 10
    assert values[("enrolments_for_older_people", 2024)] == 5
    assert values[("enrolments_for_migrants", 2024)] == 2  # the cancelled one does not count
    assert values[("opportunities_per_1000", 2023)] == pytest.approx(1 / 20_000 * 1000)
    assert values[("share_free", 2023)] == 0


def test_volunteer_hours_come_from_the_programmes_and_are_empty_without_visits(catalogue):
    values = derived_values(catalogue, ["volunteer_hours"], [2024])
    assert values[("volunteer_hours", 2024)] is None  # no visit logged: not recorded, not 0
    assert DERIVED["volunteer_hours"].available
    assert "befriending visits" in str(DERIVED["volunteer_hours"].formula)


def test_a_city_without_a_catalogue_has_no_derived_values_rather_than_zeros(db):
    city = make_city("delta")
    values = derived_values(city, KEYS, [2024])
    assert set(values.values()) == {None}


def test_derived_values_are_read_in_a_few_queries(catalogue, django_assert_max_num_queries):
    # Four for the catalogue's figures, one for the programmes' volunteer hours; neither
    # grows with the number of years or opportunities.
    with django_assert_max_num_queries(5):
        derived_values(catalogue, KEYS, [2022, 2023, 2024, 2025])


def test_the_computed_indicators_page_shows_formulas_and_values(catalogue, client, monkeypatch):
    monkeypatch.setattr("learningcity.monitoring.views.recent_years", lambda count=4: [2023, 2024])
    page = client.get("/gamma/monitoring/computed/").content.decode()
    assert "free opportunities ÷ opportunities offered in the year × 100" in page
    assert "hours of befriending visits logged by volunteers" in page
    assert ">75<" in page


def test_an_index_run_uses_derived_values_next_to_entered_ones(catalogue):
    from learningcity.monitoring import services
    from learningcity.monitoring.models import IndexResult

    from .factories import fill_values, make_tiny_framework, node

    framework = make_tiny_framework()
    services.add_indicator(
        actor=None,
        framework=framework,
        parent=node(framework, "FA"),
        fields={"code": "IFREE", "name": "Free share", "derived": "share_free"},
    )
    other = make_city("epsilon")
    other_provider = make_provider(other)
    session_in(make_opportunity(other_provider, cost=Cost.FEE, fee=5), 2024)
    fill_values(
        framework,
        {
            catalogue: {"IA": 2, "IB": 3, "IC": 4, "ID": 5},
            other: {"IA": 2, "IB": 3, "IC": 4, "ID": 5},
        },
        2024,
    )
    run = services.run_index(
        actor=None,
        framework=framework,
        years=[2024],
        spec=services.SPEC_PRESETS["standard"],
        drop_unusable=True,
    )
    units = {unit["code"]: unit["values"] for unit in run.inputs["units"]["2024"]}
    assert units["gamma"]["IFREE"] == pytest.approx(75.0) and units["epsilon"]["IFREE"] == 0
    # the free share is the only difference between the two cities: the rest is left out
    assert "IA, IB, IC, ID" in note_text(run.notes[0])
    gamma = IndexResult.objects.get(run=run, code="TINY", city=catalogue)
    assert gamma.rank == 1
